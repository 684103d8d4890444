import { describe, expect, it } from 'vitest';
import { MockDriver } from '../test/index.js';
import { VirtioVsock, VSOCK_HOST_CID } from './vsock.js';

const GUEST = 3;

function pkt(f: { src: number; dst: number; sport: number; dport: number; op: number; bufAlloc?: number; fwdCnt?: number; data?: string }) {
  const payload = new TextEncoder().encode(f.data ?? '');
  const b = new Uint8Array(44 + payload.length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, f.src, true);
  dv.setUint32(8, f.dst, true);
  dv.setUint32(16, f.sport, true);
  dv.setUint32(20, f.dport, true);
  dv.setUint32(24, payload.length, true);
  dv.setUint16(28, 1, true);
  dv.setUint16(30, f.op, true);
  dv.setUint32(36, f.bufAlloc ?? 65536, true);
  dv.setUint32(40, f.fwdCnt ?? 0, true);
  b.set(payload, 44);
  return b;
}

function rxOps(drv: MockDriver, bufs: number[]) {
  return drv.takeUsed(0).map((u) => {
    const addr = bufs[u.id]!;
    const v = drv.view(addr, u.len);
    const dv = new DataView(v.buffer, v.byteOffset, v.length);
    return { op: dv.getUint16(30, true), dport: dv.getUint32(20, true), data: new TextDecoder().decode(v.subarray(44)) };
  });
}

describe('virtio-vsock', () => {
  it('the guest connects to a host listener, both sides exchange data, and the guest shuts down', () => {
    const dev = new VirtioVsock(GUEST);
    const drv = new MockDriver(dev);
    drv.init({ queueSize: 16 });
    expect(drv.transport.read(0x100, 4)).toBe(GUEST);
    const got: string[] = [];
    let closed = false;
    dev.listen(1234, (c) => {
      c.onData = (b) => got.push(new TextDecoder().decode(b));
      c.onClose = () => (closed = true);
      c.send(new TextEncoder().encode('welcome'));
    });
    const bufs: number[] = [];
    for (let i = 0; i < 4; i++) bufs.push(drv.submit(0, [{ writable: 4096 }], false)[0]!);
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: VSOCK_HOST_CID, sport: 5000, dport: 1234, op: 1 }) }]);
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: VSOCK_HOST_CID, sport: 5000, dport: 1234, op: 5, data: 'ping' }) }]);
    expect(got).toEqual(['ping']);
    const rx = rxOps(drv, bufs);
    expect(rx[0]).toEqual({ op: 2, dport: 5000, data: '' }); // RESPONSE
    expect(rx[1]).toEqual({ op: 5, dport: 5000, data: 'welcome' }); // RW
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: VSOCK_HOST_CID, sport: 5000, dport: 1234, op: 4 }) }]);
    expect(closed).toBe(true);
  });

  it('a connection to a port nobody listens on, or from a spoofed CID, gets RST', () => {
    const dev = new VirtioVsock(GUEST);
    const drv = new MockDriver(dev);
    drv.init({ queueSize: 16 });
    const bufs = [drv.submit(0, [{ writable: 4096 }], false)[0]!, drv.submit(0, [{ writable: 4096 }], false)[0]!];
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: VSOCK_HOST_CID, sport: 7, dport: 99, op: 1 }) }]);
    drv.submit(1, [{ data: pkt({ src: 77, dst: VSOCK_HOST_CID, sport: 7, dport: 99, op: 1 }) }]);
    expect(rxOps(drv, bufs).map((p) => p.op)).toEqual([3, 3]);
  });

  it('host data waits for the guest credit', () => {
    const dev = new VirtioVsock(GUEST);
    const drv = new MockDriver(dev);
    drv.init({ queueSize: 16 });
    let conn: { send(b: Uint8Array): void } | null = null;
    dev.listen(1, (c) => (conn = c));
    const bufs: number[] = [];
    for (let i = 0; i < 6; i++) bufs.push(drv.submit(0, [{ writable: 4096 }], false)[0]!);
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: 2, sport: 9, dport: 1, op: 1, bufAlloc: 4 }) }]);
    conn!.send(new TextEncoder().encode('abcdefgh'));
    let rx = rxOps(drv, bufs);
    expect(rx.map((p) => p.data)).toEqual(['', 'abcd']);
    // The guest consumed 4 bytes: a credit update lets the rest through.
    drv.submit(1, [{ data: pkt({ src: GUEST, dst: 2, sport: 9, dport: 1, op: 6, bufAlloc: 4, fwdCnt: 4 }) }]);
    rx = rxOps(drv, bufs);
    expect(rx.map((p) => p.data)).toEqual(['efgh']);
  });
});
