import { describe, expect, it } from 'vitest';
import { PTE_G, Tlb, Translator, contextKey } from './index.js';
import { LEAF, PageTableBuilder, RWX, SparseRam, URWX } from './test/index.js';

const ROOT = 0x8000_0000;
const G_ROOT = 0x8010_0000;

function atp(mode: number, root: number, id = 0): bigint {
  return (BigInt(mode) << 60n) | (BigInt(id) << 44n) | BigInt(root / 4096);
}

const S_LOAD = { priv: 1 as const, access: 'load' as const };
const VS_LOAD = { priv: 1 as const, access: 'load' as const, virt: true };

function pa(tr: Translator, va: bigint, o: Parameters<Translator['translateVa']>[1] = S_LOAD): number | string {
  const r = tr.translateVa(va, o);
  return r.ok ? r.pa : `fault ${r.fault.cause}`;
}

function setup() {
  const ram = new SparseRam();
  const pt = new PageTableBuilder(ram, 'single', 8, ROOT);
  const tr = new Translator({ memory: ram, tlbSize: 256 });
  tr.configure({ satp: atp(8, ROOT, 1) });
  return { ram, pt, tr };
}

describe('Tlb', () => {
  it('lookup finds an inserted page in its context or as global, and nothing else', () => {
    const t = new Tlb(64);
    const k1 = contextKey(false, 0, 1, false);
    const k2 = contextKey(false, 0, 2, false);
    const kg = contextKey(false, 0, -1, false);
    t.insert({ vaLo: 0x5000, vaHi: 0, key: k1, flags: 0, paPage: 0x9000_0000, virt: false, vmid: 0, asid: 1, global: false, leafShift: 12, gppn: 0, gShift: 12 });
    expect(t.lookup(0x5123, 0, k1, kg)).toBeGreaterThanOrEqual(0);
    expect(t.lookup(0x5123, 0, k2, kg)).toBe(-1);
    expect(t.lookup(0x5123, 1, k1, kg)).toBe(-1);
    expect(t.lookup(0x6123, 0, k1, kg)).toBe(-1);
    t.flushAll();
    expect(t.lookup(0x5123, 0, k1, kg)).toBe(-1);
    expect(() => new Tlb(100)).toThrow(/power of two/);
  });
});

describe('translation caching and SFENCE.VMA scopes', () => {
  it('a changed PTE is seen only after a fence that covers its address', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    pt.map(0x2000n, 0x9100_0000, RWX | LEAF);
    expect(pa(tr, 0x1000n)).toBe(0x9000_0000);
    expect(pa(tr, 0x2000n)).toBe(0x9100_0000);
    pt.map(0x1000n, 0x9200_0000, RWX | LEAF);
    expect(pa(tr, 0x1000n)).toBe(0x9000_0000); // cached
    tr.sfenceVma({ addr: 0x2000n });
    expect(pa(tr, 0x1000n)).toBe(0x9000_0000);
    tr.sfenceVma({ addr: 0x1000n });
    expect(pa(tr, 0x1000n)).toBe(0x9200_0000);
  });

  it('entries are tagged by ASID', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    expect(pa(tr, 0x1000n)).toBe(0x9000_0000);
    pt.map(0x1000n, 0x9300_0000, RWX | LEAF);
    tr.configure({ satp: atp(8, ROOT, 2) });
    expect(pa(tr, 0x1000n)).toBe(0x9300_0000); // ASID 2 does not hit ASID 1's entry: it walks
  });

  it('an ASID fence flushes that ASID only, and never global mappings', () => {
    const { pt, tr } = setup();
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    pt.map(0x2000n, 0x9100_0000, RWX | LEAF | PTE_G);
    expect([pa(tr, 0x1000n), pa(tr, 0x2000n)]).toEqual([0x9000_0000, 0x9100_0000]);
    pt.map(0x1000n, 0x9400_0000, RWX | LEAF);
    pt.map(0x2000n, 0x9500_0000, RWX | LEAF | PTE_G);
    tr.sfenceVma({ asid: 2 });
    expect([pa(tr, 0x1000n), pa(tr, 0x2000n)]).toEqual([0x9000_0000, 0x9100_0000]);
    tr.sfenceVma({ asid: 1 });
    expect([pa(tr, 0x1000n), pa(tr, 0x2000n)]).toEqual([0x9400_0000, 0x9100_0000]);
    tr.sfenceVma({ addr: 0x2000n, asid: 1 });
    expect(pa(tr, 0x2000n)).toBe(0x9100_0000); // global: ASID-specific fences never flush it
    tr.sfenceVma({ addr: 0x2000n });
    expect(pa(tr, 0x2000n)).toBe(0x9500_0000);
  });

  it('global mappings hit under every ASID', () => {
    const { ram, pt, tr } = setup();
    pt.map(0x2000n, 0x9100_0000, RWX | LEAF | PTE_G);
    expect(pa(tr, 0x2000n)).toBe(0x9100_0000);
    const reads = ram.reads;
    tr.configure({ satp: atp(8, ROOT, 7) });
    expect(pa(tr, 0x2000n)).toBe(0x9100_0000);
    expect(ram.reads).toBe(reads); // a hit: no walk
  });

  it('G on a pointer PTE makes the whole subtree global', () => {
    const { ram, pt, tr } = setup();
    pt.map(0x3000n, 0x9100_0000, RWX | LEAF);
    ram.write64(ROOT, ram.read64(ROOT) | BigInt(PTE_G));
    expect(pa(tr, 0x3000n)).toBe(0x9100_0000);
    pt.map(0x3000n, 0x9600_0000, RWX | LEAF);
    tr.sfenceVma({ asid: 1 });
    expect(pa(tr, 0x3000n)).toBe(0x9100_0000);
  });

  it('fencing any address in a superpage flushes all of it', () => {
    const { pt, tr } = setup();
    pt.map(0x4000_0000n, 0x8000_0000, RWX | LEAF, 1); // 2 MiB
    expect(pa(tr, 0x4000_0000n)).toBe(0x8000_0000);
    expect(pa(tr, 0x4010_0000n)).toBe(0x8010_0000);
    pt.map(0x4000_0000n, 0xa000_0000, RWX | LEAF, 1);
    tr.sfenceVma({ addr: 0x401f_f000n });
    expect(pa(tr, 0x4000_0000n)).toBe(0xa000_0000);
    expect(pa(tr, 0x4010_0000n)).toBe(0xa010_0000);
  });

  it('a fence with neither address nor ASID flushes everything of V=0', () => {
    const { pt, tr } = setup();
    pt.map(0x2000n, 0x9100_0000, RWX | LEAF | PTE_G);
    expect(pa(tr, 0x2000n)).toBe(0x9100_0000);
    pt.map(0x2000n, 0x9500_0000, RWX | LEAF | PTE_G);
    tr.sfenceVma();
    expect(pa(tr, 0x2000n)).toBe(0x9500_0000);
  });
});

describe('HFENCE.VVMA / HFENCE.GVMA scopes', () => {
  function setupVirt() {
    const ram = new SparseRam();
    const g = new PageTableBuilder(ram, 'g', 8, G_ROOT);
    const tr = new Translator({ memory: ram, tlbSize: 256 });
    tr.configure({ hgatp: atp(8, G_ROOT, 5), vsatp: 0n, satp: atp(8, ROOT, 1) });
    return { ram, g, tr };
  }

  it('SFENCE.VMA with V=0 does not touch guest entries; HFENCE.VVMA does, for the current VMID only', () => {
    const { g, tr } = setupVirt();
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    g.map(0x5000n, 0x9700_0000, URWX | LEAF);
    tr.sfenceVma();
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    tr.configure({ hgatp: atp(8, G_ROOT, 6) });
    tr.hfenceVvma();
    tr.configure({ hgatp: atp(8, G_ROOT, 5) });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000); // VMID 5 untouched by a VMID 6 fence
    tr.hfenceGvma({ vmid: 6 });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    tr.hfenceGvma({ gpa: 0x5000n, vmid: 5 });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9700_0000);
  });

  it('entries are tagged by VMID', () => {
    const { g, tr } = setupVirt();
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    const g2 = new PageTableBuilder(g.ram, 'g', 8, G_ROOT + 0x10_0000);
    g2.map(0x5000n, 0x9800_0000, URWX | LEAF);
    tr.configure({ hgatp: atp(8, G_ROOT + 0x10_0000, 9) });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9800_0000);
    tr.configure({ hgatp: atp(8, G_ROOT, 5) });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
  });

  it('HFENCE.GVMA without arguments flushes every VMID', () => {
    const { g, tr } = setupVirt();
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    g.map(0x5000n, 0x9900_0000, URWX | LEAF);
    tr.hfenceGvma();
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9900_0000);
  });

  it('changing vsatp from Bare to Sv39 takes effect without a fence', () => {
    const { ram, g, tr } = setupVirt();
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    for (let p = 0; p < 64; p++) g.map(BigInt(0x8020_0000 + p * 4096), 0x8020_0000 + p * 4096, URWX | LEAF);
    g.map(0x1_0000n, 0x9a00_0000, URWX | LEAF);
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9000_0000);
    const vs = new PageTableBuilder(ram, 'single', 8, 0x8020_0000);
    vs.map(0x5000n, 0x1_0000, RWX | LEAF);
    tr.configure({ vsatp: atp(8, 0x8020_0000, 0) });
    expect(pa(tr, 0x5000n, VS_LOAD)).toBe(0x9a00_0000);
  });
});

describe('HFENCE.GVMA by address', () => {
  it('removes the translations through that GPA only', () => {
    const ram = new SparseRam();
    const g = new PageTableBuilder(ram, 'g', 8, G_ROOT);
    const tr = new Translator({ memory: ram, tlbSize: 256 });
    tr.configure({ hgatp: atp(8, G_ROOT, 5), vsatp: 0n });
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    g.map(0x6000n, 0x9100_0000, URWX | LEAF);
    g.map(0x20_0000n, 0x9200_0000, URWX | LEAF, 1);
    expect([pa(tr, 0x5000n, VS_LOAD), pa(tr, 0x6000n, VS_LOAD), pa(tr, 0x20_3000n, VS_LOAD)]).toEqual([0x9000_0000, 0x9100_0000, 0x9200_3000]);
    g.map(0x5000n, 0x9300_0000, URWX | LEAF);
    g.map(0x6000n, 0x9400_0000, URWX | LEAF);
    g.map(0x20_0000n, 0x9600_0000, URWX | LEAF, 1);
    tr.hfenceGvma({ gpa: 0x5000n, vmid: 5 });
    tr.hfenceGvma({ gpa: 0x3f_f000n }); // inside the 2 MiB G-stage leaf
    expect([pa(tr, 0x5000n, VS_LOAD), pa(tr, 0x6000n, VS_LOAD), pa(tr, 0x20_3000n, VS_LOAD)]).toEqual([0x9300_0000, 0x9100_0000, 0x9600_3000]);
  });
});
