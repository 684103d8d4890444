import { describe, expect, it } from 'vitest';
import { MockDriver } from '../test/index.js';
import { Virtio9p } from './p9.js';
import { MemoryFs } from './p9/memfs.js';
import { P9Server } from './p9/server.js';
import { Reader, Writer, utf8Decode } from './p9/wire.js';

/** A tiny 9P2000.L client for the tests. */
function client(server: { handle(m: Uint8Array): Uint8Array }) {
  let tag = 1;
  const call = (type: number, body: (w: Writer) => void) => {
    const w = new Writer().u32(0).u8(type).u16(tag++);
    body(w);
    const msg = w.done();
    new DataView(msg.buffer).setUint32(0, msg.length, true);
    const reply = server.handle(msg);
    const r = new Reader(reply);
    const size = r.u32();
    expect(size).toBe(reply.length);
    const rtype = r.u8();
    r.u16();
    return { rtype, r, errno: rtype === 7 ? r.u32() : 0 };
  };
  return { call };
}

function mounted(fs: MemoryFs) {
  const c = client(new P9Server(fs));
  const v = c.call(100, (w) => w.u32(65536).str('9P2000.L'));
  expect(v.rtype).toBe(101);
  expect(v.r.u32()).toBe(65536);
  expect(v.r.str()).toBe('9P2000.L');
  expect(c.call(104, (w) => w.u32(0).u32(0xffffffff).str('root').str('').u32(0)).rtype).toBe(105);
  return c;
}

describe('9P2000.L server', () => {
  it('walks, opens, lists and reads a file', () => {
    const fs = new MemoryFs();
    fs.writeFile('etc/motd', 'hello from the host\n');
    const c = mounted(fs);
    const walk = c.call(110, (w) => w.u32(0).u32(1).u16(2).str('etc').str('motd'));
    expect(walk.rtype).toBe(111);
    expect(walk.r.u16()).toBe(2);
    expect(c.call(12, (w) => w.u32(1).u32(0)).rtype).toBe(13);
    const rd = c.call(116, (w) => w.u32(1).u64(0).u32(4096));
    const n = rd.r.u32();
    expect(utf8Decode(rd.r.bytes(n))).toBe('hello from the host\n');
    // readdir of /etc
    c.call(110, (w) => w.u32(0).u32(2).u16(1).str('etc'));
    c.call(12, (w) => w.u32(2).u32(0));
    const dir = c.call(40, (w) => w.u32(2).u64(0).u32(4096));
    const len = dir.r.u32();
    const names: string[] = [];
    const er = new Reader(dir.r.bytes(len));
    for (let i = 0; i < 3; i++) {
      er.bytes(13); er.u64(); er.u8();
      names.push(er.str());
    }
    expect(names).toEqual(['.', '..', 'motd']);
  });

  it('creates, writes, makes directories and unlinks', () => {
    const fs = new MemoryFs();
    const c = mounted(fs);
    c.call(110, (w) => w.u32(0).u32(1).u16(0));
    expect(c.call(14, (w) => w.u32(1).str('new.txt').u32(2 | 0o100).u32(0o644).u32(0)).rtype).toBe(15);
    const data = new TextEncoder().encode('written by the guest');
    const wr = c.call(118, (w) => w.u32(1).u64(0).u32(data.length).bytes(data));
    expect(wr.r.u32()).toBe(data.length);
    expect(new TextDecoder().decode(fs.readFile('new.txt'))).toBe('written by the guest');
    expect(c.call(72, (w) => w.u32(0).str('sub').u32(0o755).u32(0)).rtype).toBe(73);
    expect(fs.readdir('')).toContain('sub');
    expect(c.call(76, (w) => w.u32(0).str('sub').u32(0x200)).rtype).toBe(77);
    expect(fs.readdir('')).not.toContain('sub');
  });

  it('answers errors with Rlerror: missing file, read-only share, path escape, truncated message', () => {
    const fs = new MemoryFs(true);
    const c = mounted(fs);
    expect(c.call(110, (w) => w.u32(0).u32(1).u16(1).str('nope')).errno).toBe(2);
    expect(c.call(72, (w) => w.u32(0).str('d').u32(0o755).u32(0)).errno).toBe(30);
    expect(c.call(72, (w) => w.u32(0).str('../x').u32(0o755).u32(0)).errno).toBe(22);
    // '..' at the root stays at the root
    const up = c.call(110, (w) => w.u32(0).u32(3).u16(2).str('..').str('..'));
    expect(up.rtype).toBe(111);
    expect(c.call(116, (w) => w.u32(0)).errno).toBe(22);
    expect(c.call(116, (w) => w.u32(99).u64(0).u32(10)).errno).toBe(9);
  });

  it('serves requests through the virtio-9p device with its mount tag in config space', () => {
    const fs = new MemoryFs();
    fs.writeFile('a', 'x');
    const dev = new Virtio9p(fs, 'hostshare');
    const drv = new MockDriver(dev);
    drv.init();
    expect(drv.transport.read(0x100, 2)).toBe(9);
    expect(String.fromCharCode(...Array.from({ length: 9 }, (_, i) => drv.transport.read(0x102 + i, 1)))).toBe('hostshare');
    const msg = new Writer().u32(0).u8(100).u16(0xffff).u32(8192).str('9P2000.L').done();
    new DataView(msg.buffer).setUint32(0, msg.length, true);
    const [, reply] = drv.submit(0, [{ data: msg }, { writable: 8192 }]);
    const used = drv.takeUsed(0);
    expect(used[0]!.len).toBe(4 + 1 + 2 + 4 + 2 + 8); // Rversion: size type tag msize version
    expect(drv.view(reply!, 5)[4]).toBe(101);
  });
});
