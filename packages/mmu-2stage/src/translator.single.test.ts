import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOAD, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_ACCESS, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_ACCESS, CAUSE_STORE_PAGE_FAULT,
  PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, TRANSLATE_FAULT, Translator, makeOp,
} from './index.js';
import { LEAF, PageTableBuilder, RWX, SparseRam, pte } from './test/index.js';

const ROOT = 0x8000_0000;
const MENVCFG_ADUE = 1n << 61n;
const MENVCFG_PBMTE = 1n << 62n;

function satp(mode: number, root: number, asid = 0): bigint {
  return (BigInt(mode) << 60n) | (BigInt(asid) << 44n) | BigInt(root / 4096);
}

function setup(mode = 8, opts: { checkPhys?: (pa: number, size: number, a: 0 | 1 | 2) => boolean; svnapot?: boolean; svpbmt?: boolean } = {}) {
  const ram = new SparseRam();
  const pt = new PageTableBuilder(ram, 'single', mode, ROOT);
  const tr = new Translator({ memory: ram, ...opts });
  tr.configure({ satp: satp(mode, ROOT) });
  return { ram, pt, tr };
}

const S = { priv: 1 as const };
const U = { priv: 0 as const };

describe('single-stage walks (Sv39/Sv48/Sv57)', () => {
  for (const [mode, name, levels] of [[8, 'Sv39', 3], [9, 'Sv48', 4], [10, 'Sv57', 5]] as const) {
    it(`${name}: maps a 4 KiB page and each superpage size`, () => {
      const { pt, tr } = setup(mode);
      pt.map(0x4000_1000n, 0x9000_0000, RWX | LEAF);
      expect(tr.translateVa(0x4000_1234n, { ...S, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0234 });
      for (let level = 1; level < levels; level++) {
        const size = 2 ** (12 + 9 * level);
        const va = BigInt(size) * 3n;
        pt.map(va, size * 2, RWX | LEAF, level);
        const r = tr.translateVa(va + 0x5678n, { ...S, access: 'store' });
        expect(r).toEqual({ ok: true, pa: size * 2 + 0x5678 });
      }
    });
    it(`${name}: non-canonical VA is a page fault`, () => {
      const { tr } = setup(mode);
      const bits = 12 + 9 * levels;
      const va = 1n << BigInt(bits); // bit above the top bit set, top bit clear
      const r = tr.translateVa(va, { ...S, access: 'load' });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.fault.cause).toBe(CAUSE_LOAD_PAGE_FAULT);
        expect(r.fault.tval).toBe(va);
      }
    });
  }

  it('negative (sign-extended) VAs translate through the upper half', () => {
    const { pt, tr } = setup(8);
    const va = 0xffff_ffc0_0000_0000n; // Sv39 canonical, VPN[2] = 256
    pt.map(va, 0x8020_0000, RWX | LEAF);
    expect(tr.translateVa(va + 0x10n, { ...S, access: 'fetch' })).toEqual({ ok: true, pa: 0x8020_0010 });
    const notCanonical = 0xffff_ff80_0000_0000n & ~(1n << 38n);
    expect(tr.translateVa(notCanonical, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('V=0 and W-without-R are page faults of the access type', () => {
    const { pt, tr } = setup();
    pt.setRaw(0x1000n, 0, pte(0x90000, PTE_R | PTE_A)); // V=0
    pt.setRaw(0x2000n, 0, pte(0x90000, PTE_V | PTE_W | PTE_A | PTE_D));
    for (const [va, access, cause] of [[0x1000n, 'load', 13], [0x1000n, 'store', 15], [0x1000n, 'fetch', 12], [0x2000n, 'store', 15]] as const) {
      const r = tr.translateVa(va, { ...S, access });
      expect(r.ok ? -1 : r.fault.cause).toBe(cause);
    }
  });

  it('R/W/X permissions', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, PTE_R | LEAF);
    pt.map(0x2000n, 0x9000_1000, PTE_R | PTE_W | LEAF);
    pt.map(0x3000n, 0x9000_2000, PTE_X | LEAF);
    const ok = (va: bigint, access: 'fetch' | 'load' | 'store') => tr.translateVa(va, { ...S, access }).ok;
    expect([ok(0x1000n, 'load'), ok(0x1000n, 'store'), ok(0x1000n, 'fetch')]).toEqual([true, false, false]);
    expect([ok(0x2000n, 'load'), ok(0x2000n, 'store'), ok(0x2000n, 'fetch')]).toEqual([true, true, false]);
    expect([ok(0x3000n, 'load'), ok(0x3000n, 'store'), ok(0x3000n, 'fetch')]).toEqual([false, false, true]);
  });

  it('MXR makes execute-only pages readable', () => {
    const { pt, tr } = setup();
    pt.map(0x3000n, 0x9000_2000, PTE_X | LEAF);
    expect(tr.translateVa(0x3000n, { ...S, access: 'load' }).ok).toBe(false);
    tr.configure({ mstatus: 1n << 19n });
    expect(tr.translateVa(0x3000n, { ...S, access: 'load' }).ok).toBe(true);
    expect(tr.translateVa(0x3000n, { ...S, access: 'store' }).ok).toBe(false);
  });

  it('U bit: U-mode needs U=1; S-mode needs SUM for data and never fetches from U pages', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | PTE_U | LEAF);
    pt.map(0x2000n, 0x9000_1000, RWX | LEAF);
    const r = (va: bigint, priv: 0 | 1, access: 'fetch' | 'load' | 'store') => {
      const x = tr.translateVa(va, { priv, access });
      return x.ok ? 'ok' : x.fault.cause;
    };
    expect([r(0x1000n, 0, 'fetch'), r(0x1000n, 0, 'load'), r(0x1000n, 0, 'store')]).toEqual(['ok', 'ok', 'ok']);
    expect([r(0x2000n, 0, 'fetch'), r(0x2000n, 0, 'load'), r(0x2000n, 0, 'store')]).toEqual([12, 13, 15]);
    expect([r(0x1000n, 1, 'fetch'), r(0x1000n, 1, 'load'), r(0x1000n, 1, 'store')]).toEqual([12, 13, 15]);
    tr.configure({ mstatus: 1n << 18n }); // SUM
    expect([r(0x1000n, 1, 'fetch'), r(0x1000n, 1, 'load'), r(0x1000n, 1, 'store')]).toEqual([12, 'ok', 'ok']);
    tr.configure({ mstatus: 0n });
    expect(r(0x1000n, 1, 'load')).toBe(13); // the TLB entry does not outlive SUM=0
  });

  it('M-mode is not translated; addresses >= 2^53 are access faults', () => {
    const { tr } = setup();
    expect(tr.translateVa(0x1234_5678n, { priv: 3, access: 'load' })).toEqual({ ok: true, pa: 0x1234_5678 });
    const r = tr.translateVa(1n << 53n, { priv: 3, access: 'store' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_STORE_ACCESS);
  });

  it('Bare satp: S/U addresses are physical', () => {
    const { tr } = setup();
    tr.configure({ satp: 0n });
    expect(tr.translateVa(0x8000_0010n, { ...U, access: 'fetch' })).toEqual({ ok: true, pa: 0x8000_0010 });
  });

  it('misaligned superpages are page faults', () => {
    const { pt, tr } = setup();
    pt.map(0x4020_0000n, 0x8000_1000, RWX | LEAF, 1); // 2 MiB leaf with ppn[0] != 0
    const r = tr.translateVa(0x4020_0000n, { ...S, access: 'fetch' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_FETCH_PAGE_FAULT);
    pt.map(0xc000_0000n, 0x8020_0000, RWX | LEAF, 2); // 1 GiB leaf, 2 MiB aligned only
    expect(tr.translateVa(0xc000_0000n, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('a pointer PTE at level 0 is a page fault', () => {
    const { pt, tr } = setup();
    pt.setRaw(0x5000n, 0, pte(0x80010, PTE_V));
    expect(tr.translateVa(0x5000n, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('reserved bits 60:54 and reserved encodings in non-leaf PTEs are page faults', () => {
    const { pt, tr } = setup();
    for (let b = 54n; b <= 60n; b++) {
      const va = 0x10_0000n * (b - 50n);
      pt.setRaw(va, 0, pte(0x90000, RWX | LEAF) | (1n << b));
      const r = tr.translateVa(va, { ...S, access: 'load' });
      expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_LOAD_PAGE_FAULT);
    }
    // A non-leaf PTE with A, D or U set.
    for (const bit of [PTE_A, PTE_D, PTE_U]) {
      const ram = new SparseRam();
      const tr2 = new Translator({ memory: ram });
      tr2.configure({ satp: satp(8, ROOT) });
      const pt2 = new PageTableBuilder(ram, 'single', 8, ROOT);
      pt2.map(0x1000n, 0x9000_0000, RWX | LEAF);
      const rootPte = ROOT; // VPN[2] = 0
      ram.write64(rootPte, ram.read64(rootPte) | BigInt(bit));
      expect(tr2.translateVa(0x1000n, { ...S, access: 'load' }).ok).toBe(false);
    }
  });

  it('Svade: A=0 faults, D=0 faults on stores only, nothing is written', () => {
    const { ram, pt, tr } = setup();
    const a = pt.map(0x1000n, 0x9000_0000, RWX | PTE_D);
    const d = pt.map(0x2000n, 0x9000_1000, RWX | PTE_A);
    const writes = ram.writes;
    expect(tr.translateVa(0x1000n, { ...S, access: 'load' }).ok).toBe(false);
    expect(tr.translateVa(0x2000n, { ...S, access: 'load' }).ok).toBe(true);
    const r = tr.translateVa(0x2000n, { ...S, access: 'store' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_STORE_PAGE_FAULT);
    expect(ram.writes).toBe(writes);
    expect(ram.read64(a) & BigInt(PTE_A)).toBe(0n);
    expect(ram.read64(d) & BigInt(PTE_D)).toBe(0n);
  });

  it('Svadu (menvcfg.ADUE): A set on loads, A and D set on stores, written back', () => {
    const { ram, pt, tr } = setup();
    tr.configure({ menvcfg: MENVCFG_ADUE });
    const a = pt.map(0x1000n, 0x9000_0000, RWX);
    expect(tr.translateVa(0x1000n, { ...S, access: 'load' }).ok).toBe(true);
    expect(Number(ram.read64(a) & 0xffn)).toBe(PTE_V | RWX | PTE_A);
    expect(tr.translateVa(0x1000n, { ...S, access: 'store' }).ok).toBe(true); // TLB hit lacks D: walks again
    expect(Number(ram.read64(a) & 0xffn)).toBe(PTE_V | RWX | PTE_A | PTE_D);
  });

  it('Svadu: an A/D write the PMP forbids is an access fault of the original type', () => {
    const { pt, tr } = setup(8, { checkPhys: (_pa, _size, access) => access !== 2 });
    tr.configure({ menvcfg: MENVCFG_ADUE });
    pt.map(0x1000n, 0x9000_0000, RWX);
    const r = tr.translateVa(0x1000n, { ...S, access: 'load' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_LOAD_ACCESS);
  });

  it('a page-table read the checker refuses is an access fault', () => {
    const { pt, tr } = setup(8, { checkPhys: () => false });
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    const r = tr.translateVa(0x1000n, { ...S, access: 'store' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_STORE_ACCESS);
  });

  it('a leaf naming a PA >= 2^53 is an access fault', () => {
    const { pt, tr } = setup();
    pt.setRaw(0x1000n, 0, pte(1n << 41n, RWX | LEAF));
    const r = tr.translateVa(0x1000n, { ...S, access: 'load' });
    expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_LOAD_ACCESS);
  });

  it('Svnapot: a 64 KiB NAPOT leaf maps the 16 pages; other N encodings fault', () => {
    const { pt, tr } = setup();
    const N = 1n << 9n; // bit 63 as hiBits << 54
    for (let p = 0n; p < 16n; p++) pt.setRaw(0x10_0000n + p * 0x1000n, 0, pte(0x90008, RWX | LEAF, N));
    expect(tr.translateVa(0x10_5abcn, { ...S, access: 'load' })).toEqual({ ok: true, pa: 0x9000_5abc });
    pt.setRaw(0x20_0000n, 0, pte(0x90004, RWX | LEAF, N)); // ppn[3:0]=0100: reserved size
    expect(tr.translateVa(0x20_0000n, { ...S, access: 'load' }).ok).toBe(false);
    const off = setup(8, { svnapot: false });
    off.pt.setRaw(0x10_0000n, 0, pte(0x90008, RWX | LEAF, N));
    expect(off.tr.translateVa(0x10_0000n, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('Svpbmt: PBMT needs menvcfg.PBMTE, PBMT=3 is reserved', () => {
    const { pt, tr } = setup();
    pt.setRaw(0x1000n, 0, pte(0x90000, RWX | LEAF, 1n << 7n)); // PBMT=NC (bits 62:61 = 01)
    pt.setRaw(0x2000n, 0, pte(0x90001, RWX | LEAF, 3n << 7n)); // PBMT=3
    expect(tr.translateVa(0x1000n, { ...S, access: 'load' }).ok).toBe(false);
    tr.configure({ menvcfg: MENVCFG_PBMTE });
    expect(tr.translateVa(0x1000n, { ...S, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0000 });
    expect(tr.translateVa(0x2000n, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('the hot path returns the PA or TRANSLATE_FAULT with the fault fields', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF | PTE_G);
    const op = makeOp({ access: ACCESS_LOAD, priv: 1 });
    expect(tr.translate(0x1008, 0, op)).toBe(0x9000_0008);
    expect(tr.translate(0x1010, 0, op)).toBe(0x9000_0010); // hit
    expect(tr.translate(0x7000, 0, op)).toBe(TRANSLATE_FAULT);
    expect(tr.faultCause).toBe(CAUSE_LOAD_PAGE_FAULT);
    expect([tr.faultTvalLo, tr.faultTvalHi, tr.faultHasGpa, tr.faultGuestStage]).toEqual([0x7000, 0, false, false]);
  });

  it('walk trace records each level', () => {
    const { pt, tr } = setup(9);
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    const r = tr.walkTrace(0x1000n, { ...S, access: 'load' });
    expect(r.ok).toBe(true);
    expect(r.trace!.map((s) => [s.stage, s.level])).toEqual([['single', 3], ['single', 2], ['single', 1], ['single', 0]]);
    expect(r.trace![0].pteAddr).toBe(BigInt(ROOT));
    expect(r.trace![3].decision).toMatch(/^leaf/);
    expect(r.trace![3].pte & 0xffn).toBe(BigInt(RWX | LEAF | PTE_V));
  });
});

describe('A/D update policy option', () => {
  it("adUpdate 'always' updates A/D without menvcfg.ADUE (QEMU 7.2 behaviour); 'never' ignores ADUE", () => {
    const ram = new SparseRam();
    const pt = new PageTableBuilder(ram, 'single', 8, ROOT);
    const a = pt.map(0x1000n, 0x9000_0000, RWX);
    const always = new Translator({ memory: ram, adUpdate: 'always' });
    always.configure({ satp: satp(8, ROOT) });
    expect(always.translateVa(0x1000n, { ...S, access: 'store' }).ok).toBe(true);
    expect(Number(ram.read64(a) & 0xc0n)).toBe(PTE_A | PTE_D);
    pt.map(0x2000n, 0x9000_1000, RWX);
    const never = new Translator({ memory: ram, adUpdate: 'never' });
    never.configure({ satp: satp(8, ROOT), menvcfg: MENVCFG_ADUE });
    expect(never.translateVa(0x2000n, { ...S, access: 'load' }).ok).toBe(false);
  });

  it('opFromPrivMode matches makeOp', async () => {
    const { opFromPrivMode } = await import('./index.js');
    expect(opFromPrivMode(2, 1 | 4)).toBe(makeOp({ access: 'store', priv: 1, virt: true }));
    expect(opFromPrivMode(1, 0 | 4, true)).toBe(makeOp({ access: 'load', priv: 0, virt: true, hlvx: true }));
    expect(opFromPrivMode(0, 3)).toBe(makeOp({ access: 'fetch', priv: 3 }));
  });
});

describe('tryTranslate', () => {
  it('leaves the PA in `pa`, or returns false with the fault fields', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    const op = makeOp({ access: 'store', priv: 1 });
    expect(tr.tryTranslate(0x1234, 0, op)).toBe(true);
    expect(tr.pa).toBe(0x9000_0234);
    expect(tr.tryTranslate(0x1238, 0, op)).toBe(true); // TLB hit
    expect(tr.pa).toBe(0x9000_0238);
    expect(tr.tryTranslate(0x2000, 0, op)).toBe(false);
    expect(tr.faultCause).toBe(CAUSE_STORE_PAGE_FAULT);
    expect(tr.tryTranslate(0x10, 0x10, makeOp({ access: 'load', priv: 3 }))).toBe(true);
    expect(tr.pa).toBe(0x10_0000_0010);
    expect(tr.tryTranslate(0, 0x200000, makeOp({ access: 'load', priv: 3 }))).toBe(false);
    expect(tr.faultCause).toBe(CAUSE_LOAD_ACCESS);
  });
});

describe('reserved encodings in pointer PTEs', () => {
  it('N or PBMT on a non-leaf PTE is a page fault even when the extensions are enabled', () => {
    for (const hiBits of [1n << 9n, 1n << 7n]) {
      const ram = new SparseRam();
      const pt = new PageTableBuilder(ram, 'single', 8, ROOT);
      pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
      ram.write64(ROOT, ram.read64(ROOT) | (hiBits << 54n));
      const tr = new Translator({ memory: ram });
      tr.configure({ satp: satp(8, ROOT), menvcfg: MENVCFG_PBMTE });
      const r = tr.translateVa(0x1000n, { ...S, access: 'load' });
      expect(r.ok ? 0 : r.fault.cause).toBe(CAUSE_LOAD_PAGE_FAULT);
    }
  });

  it('Svpbmt not implemented: PBMT bits are reserved whatever menvcfg says', () => {
    const { pt, tr } = setup(8, { svpbmt: false });
    tr.configure({ menvcfg: MENVCFG_PBMTE });
    pt.setRaw(0x1000n, 0, pte(0x90000, RWX | LEAF, 1n << 7n));
    expect(tr.translateVa(0x1000n, { ...S, access: 'load' }).ok).toBe(false);
  });
});
