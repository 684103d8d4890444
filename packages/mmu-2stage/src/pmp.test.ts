import { describe, expect, it } from 'vitest';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, Pmp } from './index.js';

const R = 1, W = 2, X = 4, L = 0x80;
const TOR = 1 << 3, NA4 = 2 << 3, NAPOT = 3 << 3;
const M = 3, S = 1, U = 0;

function cfgWord(bytes: number[]): bigint {
  return bytes.reduce((v, b, i) => v | (BigInt(b) << BigInt(8 * i)), 0n);
}
function napot(base: number, size: number): bigint {
  return BigInt(base / 4 + size / 8 - 1);
}

describe('PMP', () => {
  it('no entries implemented: everything is allowed', () => {
    const p = new Pmp({ entries: 0 });
    expect(p.check(0x8000_0000, 8, ACCESS_STORE, U)).toBe(true);
  });

  it('entries implemented, none matching: M allowed, S/U denied', () => {
    const p = new Pmp({ entries: 16 });
    expect(p.check(0x8000_0000, 4, ACCESS_LOAD, M)).toBe(true);
    expect(p.check(0x8000_0000, 4, ACCESS_LOAD, S)).toBe(false);
    expect(p.check(0x8000_0000, 4, ACCESS_FETCH, U)).toBe(false);
  });

  it('TOR: [pmpaddr[i-1]*4, pmpaddr[i]*4), entry 0 from address 0', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, 0x1000n >> 2n);
    p.writeAddr(1, 0x3000n >> 2n);
    p.writeCfg(0, cfgWord([TOR | R, TOR | R | W]));
    expect(p.range(0)).toEqual({ lo: 0, hi: 0x1000 });
    expect(p.range(1)).toEqual({ lo: 0x1000, hi: 0x3000 });
    expect(p.check(0xffc, 4, ACCESS_LOAD, S)).toBe(true);
    expect(p.check(0xffc, 4, ACCESS_STORE, S)).toBe(false);
    expect(p.check(0x1000, 4, ACCESS_STORE, S)).toBe(true);
    expect(p.check(0x2ffc, 4, ACCESS_STORE, U)).toBe(true);
    expect(p.check(0x3000, 4, ACCESS_LOAD, U)).toBe(false);
  });

  it('TOR with lower >= upper matches nothing', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, 0x4000n >> 2n);
    p.writeAddr(1, 0x2000n >> 2n);
    p.writeCfg(0, cfgWord([0, TOR | R]));
    expect(p.range(1)).toBeUndefined();
    expect(p.check(0x3000, 4, ACCESS_LOAD, S)).toBe(false);
  });

  it('NA4 and NAPOT ranges', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, 0x8000_0010n >> 2n);
    p.writeAddr(1, napot(0x8000_0000, 0x1_0000));
    p.writeAddr(2, napot(0x8000_0000, 8));
    p.writeCfg(0, cfgWord([NA4 | R, NAPOT | R | X, NAPOT | W | R]));
    expect(p.range(0)).toEqual({ lo: 0x8000_0010, hi: 0x8000_0014 });
    expect(p.range(1)).toEqual({ lo: 0x8000_0000, hi: 0x8001_0000 });
    expect(p.range(2)).toEqual({ lo: 0x8000_0000, hi: 0x8000_0008 });
    expect(p.check(0x8000_0010, 4, ACCESS_FETCH, S)).toBe(false); // entry 0 wins: R only
    expect(p.check(0x8000_0020, 4, ACCESS_FETCH, S)).toBe(true);
    expect(p.check(0x8000_0000, 8, ACCESS_STORE, S)).toBe(false); // entry 1 (no W) has priority over entry 2
    expect(p.check(0x8001_0000, 4, ACCESS_LOAD, S)).toBe(false);
  });

  it('NAPOT with every bit set covers the whole address space', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, (1n << 54n) - 1n);
    p.writeCfg(0, cfgWord([NAPOT | R | W | X]));
    expect(p.check(0, 8, ACCESS_STORE, U)).toBe(true);
    expect(p.check(2 ** 52, 8, ACCESS_FETCH, S)).toBe(true);
  });

  it('a partial match fails, even in M-mode', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, 0x1000n >> 2n);
    p.writeCfg(0, cfgWord([TOR | R | W | X]));
    expect(p.check(0xffc, 8, ACCESS_LOAD, S)).toBe(false);
    expect(p.check(0xffc, 8, ACCESS_LOAD, M)).toBe(false);
    expect(p.check(0xff8, 8, ACCESS_LOAD, S)).toBe(true);
  });

  it('M-mode ignores unlocked entries and obeys locked ones', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, napot(0x8000_0000, 0x1000));
    p.writeCfg(0, cfgWord([NAPOT | R]));
    expect(p.check(0x8000_0000, 4, ACCESS_STORE, M)).toBe(true);
    p.writeCfg(0, cfgWord([NAPOT | R | L]));
    expect(p.check(0x8000_0000, 4, ACCESS_STORE, M)).toBe(false);
    expect(p.check(0x8000_0000, 4, ACCESS_LOAD, M)).toBe(true);
  });

  it('locked entries ignore writes to their cfg and address, and lock the TOR base below them', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(0, 0x1000n >> 2n);
    p.writeAddr(1, 0x2000n >> 2n);
    p.writeCfg(0, cfgWord([0, TOR | R | L]));
    p.writeCfg(0, cfgWord([NAPOT | R, NAPOT | R | W]));
    expect(Number(p.readCfg(0) >> 8n) & 0xff).toBe(TOR | R | L);
    expect(Number(p.readCfg(0)) & 0xff).toBe(NAPOT | R); // entry 0 itself is not locked
    p.writeAddr(1, 0x5000n >> 2n);
    p.writeAddr(0, 0x1800n >> 2n); // entry 1 is locked TOR: its base address is locked too
    expect([p.readAddr(0), p.readAddr(1)]).toEqual([0x1000n >> 2n, 0x2000n >> 2n]);
  });

  it('cfg WARL: reserved bits 6:5 read 0, R=0 W=1 keeps W clear', () => {
    const p = new Pmp({ entries: 16 });
    p.writeCfg(0, cfgWord([0x60 | NA4 | W]));
    expect(Number(p.readCfg(0)) & 0xff).toBe(NA4);
    p.writeAddr(20, 5n); // unimplemented entry: ignored
    expect(p.readAddr(20)).toBe(0n);
  });

  it('state round-trips', () => {
    const p = new Pmp({ entries: 16 });
    p.writeAddr(3, napot(0x8000_0000, 0x2000));
    p.writeCfg(0, cfgWord([0, 0, 0, NAPOT | R | L]));
    const q = Pmp.fromState(JSON.parse(JSON.stringify(p.getState())));
    expect(q.readCfg(0)).toBe(p.readCfg(0));
    expect(q.check(0x8000_1000, 4, ACCESS_LOAD, S)).toBe(true);
    expect(q.check(0x8000_1000, 4, ACCESS_STORE, M)).toBe(false);
  });
});

describe('PMP on page-table walks', () => {
  it('a walk whose PTE the PMP hides from S-mode is an access fault; M-mode is still allowed there', async () => {
    const { Translator } = await import('./index.js');
    const { PageTableBuilder, SparseRam, LEAF, RWX } = await import('./test/index.js');
    const ram = new SparseRam();
    const pt = new PageTableBuilder(ram, 'single', 8, 0x8000_0000);
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    const p = new Pmp({ entries: 16 });
    // Entry 0: the page tables (first 64 KiB at 0x80000000), no access for S/U. Entry 1: everything else, RWX.
    p.writeAddr(0, napot(0x8000_0000, 0x1_0000));
    p.writeAddr(1, (1n << 54n) - 1n);
    p.writeCfg(0, cfgWord([NAPOT, NAPOT | R | W | X]));
    const tr = new Translator({ memory: ram, checkPhys: (pa, size, access) => p.check(pa, size, access, S) });
    tr.configure({ satp: (8n << 60n) | 0x80000n });
    const r = tr.translateVa(0x1000n, { priv: 1, access: 'load' });
    expect(r.ok ? 0 : r.fault.cause).toBe(5);
    expect(p.check(0x8000_0000, 8, ACCESS_LOAD, M)).toBe(true);
    p.writeCfg(0, cfgWord([NAPOT | R, NAPOT | R | W | X]));
    expect(tr.translateVa(0x1000n, { priv: 1, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0000 });
  });
});
