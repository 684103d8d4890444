import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioRng } from '../devices/rng.js';
import { FlatGuestMemory } from '../memory.js';
import { SplitQueue } from './split.js';
import { QueueError } from './queue.js';

const fill = (into: Uint8Array) => into.fill(0x5a);

function rngDriver(opts = {}) {
  const drv = new MockDriver(new VirtioRng(fill));
  drv.init(opts);
  return drv;
}

describe('split virtqueue', () => {
  it('fills rng buffers and returns them in the used ring', () => {
    const drv = rngDriver();
    const [a] = drv.submit(0, [{ writable: 32 }]);
    expect(drv.takeUsed(0)).toEqual([{ id: 0, len: 32 }]);
    expect(drv.view(a!, 32).every((b) => b === 0x5a)).toBe(true);
  });

  it('a descriptor loop sets DEVICE_NEEDS_RESET instead of hanging', () => {
    const drv = rngDriver();
    const buf = drv.alloc(16);
    drv.writeDesc(0, 0, buf, 16, D.VIRTQ_DESC_F_WRITE | D.VIRTQ_DESC_F_NEXT, 1);
    drv.writeDesc(0, 1, buf, 16, D.VIRTQ_DESC_F_WRITE | D.VIRTQ_DESC_F_NEXT, 0);
    drv.publish(0, 0);
    expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
    expect(drv.transport.lastError).toMatch(/loop/);
  });

  it('a buffer outside guest RAM sets DEVICE_NEEDS_RESET and nothing is written outside', () => {
    const drv = rngDriver();
    drv.writeDesc(0, 0, 0x1000, 64, D.VIRTQ_DESC_F_WRITE, 0);
    drv.publish(0, 0);
    expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
    expect(drv.takeUsed(0)).toEqual([]);
  });

  it('rejects a next index past the queue size, a head past the queue size, and a readable after writable buffer', () => {
    for (const build of [
      (d: MockDriver) => { d.writeDesc(0, 0, d.alloc(8), 8, D.VIRTQ_DESC_F_WRITE | D.VIRTQ_DESC_F_NEXT, 999); d.publish(0, 0); },
      (d: MockDriver) => d.publish(0, 200),
      (d: MockDriver) => {
        d.writeDesc(0, 0, d.alloc(8), 8, D.VIRTQ_DESC_F_WRITE | D.VIRTQ_DESC_F_NEXT, 1);
        d.writeDesc(0, 1, d.alloc(8), 8, 0, 0);
        d.publish(0, 0);
      },
    ]) {
      const drv = rngDriver();
      build(drv);
      expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
    }
  });

  it('follows indirect tables when negotiated and refuses them otherwise', () => {
    for (const indirect of [true, false]) {
      const drv = rngDriver({ indirect });
      const table = drv.alloc(32, 16);
      const b0 = drv.alloc(8);
      const b1 = drv.alloc(8);
      const dv = new DataView(drv.ram.buffer);
      const at = table - 0x8000_0000;
      dv.setBigUint64(at, BigInt(b0), true); dv.setUint32(at + 8, 8, true); dv.setUint16(at + 12, D.VIRTQ_DESC_F_WRITE | D.VIRTQ_DESC_F_NEXT, true); dv.setUint16(at + 14, 1, true);
      dv.setBigUint64(at + 16, BigInt(b1), true); dv.setUint32(at + 24, 8, true); dv.setUint16(at + 28, D.VIRTQ_DESC_F_WRITE, true);
      drv.writeDesc(0, 0, table, 32, D.VIRTQ_DESC_F_INDIRECT, 0);
      drv.publish(0, 0);
      if (indirect) {
        expect(drv.takeUsed(0)).toEqual([{ id: 0, len: 16 }]);
        expect(drv.view(b1, 8).every((b) => b === 0x5a)).toBe(true);
      } else {
        expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
      }
    }
  });

  it('with the event index, interrupts only when used_event is crossed', () => {
    const drv = rngDriver({ eventIdx: true });
    drv.setUsedEvent(0, 1); // wake me after the second buffer
    drv.submit(0, [{ writable: 4 }]);
    expect(drv.irq.raised).toBe(0);
    drv.submit(0, [{ writable: 4 }]);
    expect(drv.irq.raised).toBe(1);
  });

  it('odd-width register accesses read 0 and are ignored', () => {
    const drv = rngDriver();
    expect(drv.transport.read(0, 2)).toBe(0);
    expect(drv.transport.read(1, 4)).toBe(0);
    drv.transport.write(0x70, 1, 0);
    expect(drv.status() & D.VIRTIO_CONFIG_S_DRIVER_OK).toBeTruthy();
  });

  it('property: any ring content ends in a chain or a QueueError, and never touches memory outside RAM', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4096, maxLength: 4096 }), fc.integer({ min: 0, max: 3 }), (bytes, sizeLog) => {
        const ram = new Uint8Array(8192);
        ram.set(bytes);
        const mem = new FlatGuestMemory(0x1000, ram);
        const size = 1 << (sizeLog + 1);
        const q = new SplitQueue(mem, { size, descAddr: 0x1000, driverAddr: 0x1800, deviceAddr: 0x1c00, eventIdx: true, indirect: true });
        for (let i = 0; i < 4; i++) {
          try {
            const chain = q.pop();
            if (!chain) break;
            for (const b of [...chain.readable, ...chain.writable]) {
              expect(b.addr >= 0x1000 && b.addr + b.len <= 0x1000 + 8192).toBe(true);
            }
            q.pushUsed(chain.head, 0);
          } catch (e) {
            expect(e).toBeInstanceOf(QueueError);
            break;
          }
        }
      }),
      { numRuns: 2000, seed: 1234 },
    );
  });
});
