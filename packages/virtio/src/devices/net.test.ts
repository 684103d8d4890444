import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioNet } from './net.js';
import { NetworkSwitch } from './net-backend.js';

const macA = Uint8Array.of(0x52, 0x54, 0, 0, 0, 1);
const macB = Uint8Array.of(0x52, 0x54, 0, 0, 0, 2);

function frame(dst: Uint8Array, src: Uint8Array, payload: string): Uint8Array {
  const p = new TextEncoder().encode(payload);
  const f = new Uint8Array(14 + p.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = 0x88; f[13] = 0xb5; // local experimental ethertype
  f.set(p, 14);
  return f;
}

describe('virtio-net over an in-process switch', () => {
  it('two guests exchange frames; the MAC is in config space', async () => {
    const sw = new NetworkSwitch((fn) => fn());
    const a = new MockDriver(new VirtioNet(sw.connect(), macA));
    const b = new MockDriver(new VirtioNet(sw.connect(), macB));
    a.init();
    b.init();
    expect([0, 1, 2, 3, 4, 5].map((i) => b.transport.read(0x100 + i, 1))).toEqual(Array.from(macB));
    expect(b.transport.read(0x106, 2)).toBe(D.VIRTIO_NET_S_LINK_UP);
    const [rxB] = b.submit(0, [{ writable: 1526 }]);
    const [rxA] = a.submit(0, [{ writable: 1526 }]);
    // A broadcasts, B answers by unicast (the switch learnt A's port).
    a.submit(1, [{ data: new Uint8Array(12) }, { data: frame(new Uint8Array(6).fill(0xff), macA, 'hello') }]);
    const gotB = b.takeUsed(0);
    expect(gotB.length).toBe(1);
    expect(new TextDecoder().decode(b.view(rxB!, gotB[0]!.len).subarray(12 + 14))).toBe('hello');
    b.submit(1, [{ data: new Uint8Array(12) }, { data: frame(macA, macB, 'pong') }]);
    const gotA = a.takeUsed(0);
    expect(new TextDecoder().decode(a.view(rxA!, gotA[0]!.len).subarray(12 + 14))).toBe('pong');
    expect(b.irq.level && a.irq.level).toBe(true);
  });

  it('frames wait while no receive buffer is posted, up to a bounded backlog', () => {
    const sw = new NetworkSwitch((fn) => fn());
    const portA = sw.connect();
    const netB = new VirtioNet(sw.connect(), macB);
    const b = new MockDriver(netB);
    b.init();
    for (let i = 0; i < 300; i++) portA.send(frame(macB, macA, `n${i}`));
    expect(netB.stats.rxDropped).toBe(300 - 256);
    const [buf] = b.submit(0, [{ writable: 1526 }]);
    const used = b.takeUsed(0);
    expect(new TextDecoder().decode(b.view(buf!, used[0]!.len).subarray(26))).toBe('n0');
  });
});
