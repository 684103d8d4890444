import { describe, expect, it } from 'vitest';
import { FlatGuestMemory } from '../memory.js';
import { PackedQueue } from './packed.js';
import { QueueError } from './queue.js';

const BASE = 0x1000;
const AVAIL = 1 << 7;
const USED = 1 << 15;
const NEXT = 1;
const WRITE = 2;

function ring(size: number) {
  const ram = new Uint8Array(0x10000);
  const dv = new DataView(ram.buffer);
  const mem = new FlatGuestMemory(BASE, ram);
  const q = new PackedQueue(mem, { size, descAddr: BASE, driverAddr: BASE + 0x800, deviceAddr: BASE + 0x810, eventIdx: false, indirect: true });
  // The driver side: its own wrap counter and position (§2.8.1).
  let pos = 0;
  let wrap = true;
  const add = (bufs: { len: number; write?: boolean }[], id: number) => {
    const flagsFor = (i: number) =>
      (i < bufs.length - 1 ? NEXT : 0) | (bufs[i]!.write ? WRITE : 0) | (wrap ? AVAIL : USED);
    bufs.forEach((b, i) => {
      const at = 16 * pos;
      dv.setBigUint64(at, BigInt(BASE + 0x4000 + 0x100 * pos), true);
      dv.setUint32(at + 8, b.len, true);
      dv.setUint16(at + 12, id, true);
      dv.setUint16(at + 14, flagsFor(i), true);
      pos++;
      if (pos === size) {
        pos = 0;
        wrap = !wrap;
      }
    });
  };
  const flagsAt = (i: number) => dv.getUint16(16 * i + 14, true);
  return { q, add, flagsAt, dv };
}

describe('packed virtqueue', () => {
  it('pops a chain, takes the id from its last descriptor, and marks it used with both bits = wrap', () => {
    const { q, add, flagsAt, dv } = ring(4);
    add([{ len: 16 }, { len: 64, write: true }], 7);
    const c = q.pop()!;
    expect(c.head).toBe(7);
    expect(c.readable.map((b) => b.len)).toEqual([16]);
    expect(c.writable.map((b) => b.len)).toEqual([64]);
    expect(q.pop()).toBeNull();
    q.pushUsed(7, 64);
    expect(flagsAt(0) & (AVAIL | USED)).toBe(AVAIL | USED);
    expect(dv.getUint16(12, true)).toBe(7);
    expect(dv.getUint32(8, true)).toBe(64);
  });

  it('follows the wrap counters around the ring', () => {
    const { q, add, flagsAt } = ring(4);
    for (let id = 0; id < 3; id++) {
      add([{ len: 8, write: true }], id);
      q.pushUsed(q.pop()!.head, 8);
    }
    // This chain occupies positions 3 and 0; position 0 is written with the flipped wrap.
    add([{ len: 8 }, { len: 8, write: true }], 9);
    const c = q.pop()!;
    expect(c.head).toBe(9);
    q.pushUsed(9, 8);
    // Used descriptor for the chain lands at position 3 with wrap 1.
    expect(flagsAt(3) & (AVAIL | USED)).toBe(AVAIL | USED);
    add([{ len: 4, write: true }], 10); // position 1, driver wrap 0
    const d = q.pop()!;
    expect(d.head).toBe(10);
    q.pushUsed(10, 4);
    // Used wrap is now 0: both bits clear at position 1.
    expect(flagsAt(1) & (AVAIL | USED)).toBe(0);
  });

  it('a chain that runs into a descriptor the driver has not made available is an error', () => {
    const { q, dv } = ring(4);
    dv.setUint16(14, NEXT | AVAIL, true);
    expect(() => q.pop()).toThrow(QueueError);
  });

  it('an id returned twice, or never taken, is an error', () => {
    const { q, add } = ring(4);
    add([{ len: 8 }], 1);
    q.pop();
    q.pushUsed(1, 0);
    expect(() => q.pushUsed(1, 0)).toThrow(QueueError);
  });

  it('honours the driver event suppression flags', () => {
    const { q, add, dv } = ring(8);
    add([{ len: 8 }], 1);
    q.pushUsed(q.pop()!.head, 0);
    dv.setUint16(0x802, 1, true); // DISABLE
    expect(q.shouldNotify()).toBe(false);
    add([{ len: 8 }], 2);
    q.pushUsed(q.pop()!.head, 0);
    dv.setUint16(0x802, 0, true); // ENABLE
    expect(q.shouldNotify()).toBe(true);
    expect(q.shouldNotify()).toBe(false); // nothing new since
  });
});
