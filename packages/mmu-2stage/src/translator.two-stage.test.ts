import { describe, expect, it } from 'vitest';
import {
  CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT,
  PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_W, PTE_X, TINST_PSEUDO_PTE_READ_RV64, TINST_PSEUDO_PTE_WRITE_RV64, Translator,
} from './index.js';
import { LEAF, PageTableBuilder, RWX, SparseRam, URWX } from './test/index.js';

const G_ROOT = 0x8010_0000; // 16 KiB aligned
const VS_ROOT = 0x8020_0000; // guest page tables live at GPA == PA (identity-mapped by the G-stage)
const ENVCFG_ADUE = 1n << 61n;

function atp(mode: number, root: number, id = 0): bigint {
  return (BigInt(mode) << 60n) | (BigInt(id) << 44n) | BigInt(root / 4096);
}

function setup(gmode = 8, vsmode = 8) {
  const ram = new SparseRam();
  const g = new PageTableBuilder(ram, 'g', gmode, G_ROOT);
  const vs = new PageTableBuilder(ram, 'single', vsmode, VS_ROOT);
  // Identity-map the VS tables' region (1 MiB) in the G-stage, read/write, U=1.
  for (let p = 0; p < 256; p++) g.map(BigInt(VS_ROOT + p * 4096), VS_ROOT + p * 4096, URWX | LEAF);
  const tr = new Translator({ memory: ram });
  tr.configure({ hgatp: atp(gmode, G_ROOT, 5), vsatp: atp(vsmode, VS_ROOT, 3) });
  return { ram, g, vs, tr };
}

const VS = { priv: 1 as const, virt: true };
const VU = { priv: 0 as const, virt: true };

function cause(r: ReturnType<Translator['translateVa']>): number | 'ok' {
  return r.ok ? 'ok' : r.fault.cause;
}

describe('G-stage (Sv39x4/Sv48x4/Sv57x4)', () => {
  for (const [gmode, name, gpaBits] of [[8, 'Sv39x4', 41], [9, 'Sv48x4', 50], [10, 'Sv57x4', 59]] as const) {
    it(`${name}: vsatp Bare means G-stage only, with the 16 KiB root and the GPA width check`, () => {
      const { g, tr } = setup(gmode);
      tr.configure({ vsatp: 0n });
      const top = 1n << BigInt(gpaBits - 1); // needs a root index above 511
      g.map(top + 0x3000n, 0x9000_0000, URWX | LEAF);
      expect(tr.translateVa(top + 0x3004n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0004 });
      const wide = 1n << BigInt(gpaBits);
      const r = tr.translateVa(wide + 0x10n, { ...VU, access: 'store' });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.fault).toMatchObject({ cause: CAUSE_STORE_GUEST_PAGE_FAULT, tval: wide + 0x10n, gpa: wide + 0x10n, htval: (wide + 0x10n) >> 2n, tinst: 0, guestStage: true });
      }
    });
  }

  it('hgatp.PPN[1:0] are ignored (root is 16 KiB-aligned)', () => {
    const { g, tr } = setup();
    tr.configure({ vsatp: 0n, hgatp: atp(8, G_ROOT + 0x3000, 5) });
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    expect(tr.translateVa(0x5000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0000 });
  });

  it('every G-stage access is a U-mode access: leaves need U=1, also for VS-mode', () => {
    const { g, tr } = setup();
    tr.configure({ vsatp: 0n });
    g.map(0x5000n, 0x9000_0000, RWX | LEAF);
    const r = tr.translateVa(0x5008n, { ...VS, access: 'fetch' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fault).toMatchObject({ cause: CAUSE_FETCH_GUEST_PAGE_FAULT, gpa: 0x5008n, htval: 0x5008n >> 2n, guestStage: true });
  });

  it('the G bit of G-stage PTEs is ignored', () => {
    const { g, tr } = setup();
    tr.configure({ vsatp: 0n });
    g.map(0x5000n, 0x9000_0000, URWX | LEAF | PTE_G);
    expect(cause(tr.translateVa(0x5000n, { ...VU, access: 'store' }))).toBe('ok');
  });

  it('G-stage Svade/Svadu follow menvcfg.ADUE', () => {
    const { ram, g, tr } = setup();
    tr.configure({ vsatp: 0n });
    const a = g.map(0x5000n, 0x9000_0000, URWX);
    expect(cause(tr.translateVa(0x5000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_GUEST_PAGE_FAULT);
    tr.configure({ henvcfg: ENVCFG_ADUE });
    expect(cause(tr.translateVa(0x5000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_GUEST_PAGE_FAULT);
    tr.configure({ menvcfg: ENVCFG_ADUE });
    expect(cause(tr.translateVa(0x5000n, { ...VS, access: 'store' }))).toBe('ok');
    expect(Number(ram.read64(a) & BigInt(PTE_A | PTE_D))).toBe(PTE_A | PTE_D);
  });
});

describe('two-stage translation', () => {
  it('VA -> GPA -> PA, through both stages', () => {
    const { g, vs, tr } = setup();
    vs.map(0x4000_0000n, 0x1_0000, RWX | LEAF);
    g.map(0x1_0000n, 0x9abc_d000, URWX | LEAF);
    expect(tr.translateVa(0x4000_0123n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9abc_d123 });
  });

  it('VS-stage page fault: ordinary cause, no GPA', () => {
    const { tr } = setup();
    const r = tr.translateVa(0x4000_0000n, { ...VS, access: 'load' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fault).toMatchObject({ cause: CAUSE_LOAD_PAGE_FAULT, gpa: undefined, htval: 0n, tinst: 0, guestStage: false });
  });

  it('G-stage fault on the final GPA: guest-page fault with that GPA, tinst 0', () => {
    const { vs, tr } = setup();
    vs.map(0x4000_0000n, 0x77_0000, RWX | LEAF);
    const r = tr.translateVa(0x4000_0abcn, { ...VS, access: 'store' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fault).toMatchObject({ cause: CAUSE_STORE_GUEST_PAGE_FAULT, tval: 0x4000_0abcn, gpa: 0x77_0abcn, htval: 0x77_0abcn >> 2n, tinst: 0, guestStage: true });
  });

  it('G-stage fault on a VS PTE read: original access type, PTE GPA, pseudo-instruction 0x3000', () => {
    const { ram, vs, tr } = setup();
    vs.map(0x4000_0000n, 0x1_0000, RWX | LEAF);
    // Move the level-1 table of the VS walk to a GPA the G-stage does not map.
    const rootPte = VS_ROOT + vs.index(0x4000_0000n, 2) * 8;
    const oldL1 = Number(ram.read64(rootPte) >> 10n) * 4096;
    ram.write64(rootPte, (BigInt(0x300_0000 / 4096) << 10n) | 1n);
    const r = tr.translateVa(0x4000_0010n, { ...VS, access: 'fetch' });
    expect(r.ok).toBe(false);
    const pteGpa = BigInt(0x300_0000 + vs.index(0x4000_0000n, 1) * 8);
    if (!r.ok) expect(r.fault).toMatchObject({ cause: CAUSE_FETCH_GUEST_PAGE_FAULT, tval: 0x4000_0010n, gpa: pteGpa, htval: pteGpa >> 2n, tinst: TINST_PSEUDO_PTE_READ_RV64, guestStage: true });
    expect(oldL1).toBeGreaterThan(0);
  });

  it('G-stage fault on a VS PTE A/D write: original access type, pseudo-instruction 0x3020', () => {
    const { g, vs, tr } = setup();
    tr.configure({ henvcfg: ENVCFG_ADUE, menvcfg: ENVCFG_ADUE });
    const leafAddr = vs.map(0x4000_0000n, 0x1_0000, RWX); // A=0, D=0: needs an update
    g.map(0x1_0000n, 0x9000_0000, URWX | LEAF);
    // Make the page holding the leaf PTE read-only in the G-stage.
    const page = leafAddr - (leafAddr % 4096);
    g.map(BigInt(page), page, PTE_R | PTE_U | LEAF);
    const r = tr.translateVa(0x4000_0000n, { ...VS, access: 'load' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fault).toMatchObject({ cause: CAUSE_LOAD_GUEST_PAGE_FAULT, gpa: BigInt(leafAddr), tinst: TINST_PSEUDO_PTE_WRITE_RV64, guestStage: true });
  });

  it('VS-stage A/D follow henvcfg.ADUE, not menvcfg.ADUE', () => {
    const { ram, g, vs, tr } = setup();
    const leaf = vs.map(0x4000_0000n, 0x1_0000, RWX);
    g.map(0x1_0000n, 0x9000_0000, URWX | LEAF);
    tr.configure({ menvcfg: ENVCFG_ADUE });
    expect(cause(tr.translateVa(0x4000_0000n, { ...VS, access: 'store' }))).toBe(15);
    tr.configure({ henvcfg: ENVCFG_ADUE });
    expect(cause(tr.translateVa(0x4000_0000n, { ...VS, access: 'store' }))).toBe('ok');
    expect(Number(ram.read64(leaf) & BigInt(PTE_A | PTE_D))).toBe(PTE_A | PTE_D);
  });

  it('HLVX needs execute permission at both stages', () => {
    const { g, vs, tr } = setup();
    vs.map(0x1000n, 0x1_0000, PTE_X | LEAF); // VS: execute-only
    vs.map(0x2000n, 0x1_1000, PTE_R | LEAF); // VS: read-only
    vs.map(0x3000n, 0x1_2000, RWX | LEAF);
    g.map(0x1_0000n, 0x9000_0000, PTE_X | PTE_U | LEAF);
    g.map(0x1_1000n, 0x9000_1000, URWX | LEAF);
    g.map(0x1_2000n, 0x9000_2000, PTE_R | PTE_U | LEAF); // G: read-only
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load', hlvx: true }))).toBe('ok');
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_PAGE_FAULT);
    expect(cause(tr.translateVa(0x2000n, { ...VS, access: 'load', hlvx: true }))).toBe(CAUSE_LOAD_PAGE_FAULT);
    expect(cause(tr.translateVa(0x3000n, { ...VS, access: 'load', hlvx: true }))).toBe(CAUSE_LOAD_GUEST_PAGE_FAULT);
    expect(cause(tr.translateVa(0x3000n, { ...VS, access: 'load' }))).toBe('ok');
  });

  it('MXR: vsstatus.MXR applies to the VS-stage only, mstatus.MXR to both', () => {
    const { g, vs, tr } = setup();
    vs.map(0x1000n, 0x1_0000, PTE_X | LEAF);
    vs.map(0x2000n, 0x1_1000, RWX | LEAF);
    g.map(0x1_0000n, 0x9000_0000, URWX | LEAF);
    g.map(0x1_1000n, 0x9000_1000, PTE_X | PTE_U | LEAF);
    const load = (va: bigint) => cause(tr.translateVa(va, { ...VS, access: 'load' }));
    expect([load(0x1000n), load(0x2000n)]).toEqual([13, 21]);
    tr.configure({ vsstatus: 1n << 19n });
    expect([load(0x1000n), load(0x2000n)]).toEqual(['ok', 21]);
    tr.configure({ vsstatus: 0n, mstatus: 1n << 19n });
    expect([load(0x1000n), load(0x2000n)]).toEqual(['ok', 'ok']);
  });

  it('SUM at the VS-stage is vsstatus.SUM; HS-level SUM does not apply', () => {
    const { g, vs, tr } = setup();
    vs.map(0x1000n, 0x1_0000, URWX | LEAF);
    g.map(0x1_0000n, 0x9000_0000, URWX | LEAF);
    tr.configure({ mstatus: 1n << 18n });
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load' }))).toBe(13);
    expect(cause(tr.translateVa(0x1000n, { ...VU, access: 'load' }))).toBe('ok');
    tr.configure({ vsstatus: 1n << 18n });
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load' }))).toBe('ok');
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'fetch' }))).toBe(12);
  });

  it('walk trace covers both stages', () => {
    const { g, vs, tr } = setup();
    vs.map(0x4000_0000n, 0x1_0000, RWX | LEAF);
    g.map(0x1_0000n, 0x9abc_d000, URWX | LEAF);
    const r = tr.walkTrace(0x4000_0000n, { ...VS, access: 'load' });
    expect(r.ok).toBe(true);
    const stages = r.trace!.map((s) => s.stage);
    expect(stages.filter((s) => s === 'vs')).toHaveLength(3);
    expect(stages.filter((s) => s === 'g').length).toBe(12); // 3 levels for each of the 3 VS PTE reads and the final GPA
    expect(r.trace!.every((s) => s.decision.length > 0)).toBe(true);
  });
});

describe('exact VS-stage A/D updates', () => {
  it('a store whose final GPA faults at the G-stage leaves the VS PTE untouched', () => {
    const { ram, vs, tr } = setup();
    tr.configure({ henvcfg: ENVCFG_ADUE, menvcfg: ENVCFG_ADUE });
    const leaf = vs.map(0x4000_0000n, 0x77_0000, RWX); // A=0 D=0; GPA 0x770000 unmapped in the G-stage
    const before = ram.read64(leaf);
    expect(cause(tr.translateVa(0x4000_0000n, { ...VS, access: 'store' }))).toBe(CAUSE_STORE_GUEST_PAGE_FAULT);
    expect(ram.read64(leaf)).toBe(before);
  });
});

describe('page sizes across the two stages', () => {
  it('a VS superpage over G-stage 4 KiB pages, and a VS 4 KiB page over a G-stage superpage', () => {
    const { g, vs, tr } = setup(9, 9);
    vs.map(0x4000_0000n, 0x20_0000, RWX | LEAF, 1); // 2 MiB VS leaf -> GPA 0x200000..
    g.map(0x20_3000n, 0x9000_7000, URWX | LEAF); // only one 4 KiB page of it in the G-stage
    expect(tr.translateVa(0x4000_3abcn, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9000_7abc });
    expect(cause(tr.translateVa(0x4000_4000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_GUEST_PAGE_FAULT);
    vs.map(0x5000_1000n, 0x4060_5000, RWX | LEAF); // VS 4 KiB -> GPA in a G-stage 1 GiB page
    g.map(0x4000_0000n, 0xc000_0000, URWX | LEAF, 2);
    expect(tr.translateVa(0x5000_1008n, { ...VS, access: 'store' })).toEqual({ ok: true, pa: 0xc060_5008 });
  });

  it('HFENCE.VVMA by address removes every fragment of a VS superpage', () => {
    const { g, vs, tr } = setup();
    vs.map(0x4000_0000n, 0x20_0000, RWX | LEAF, 1);
    g.map(0x20_0000n, 0x9000_0000, URWX | LEAF, 1);
    expect(tr.translateVa(0x4000_0000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0000 });
    expect(tr.translateVa(0x4010_0000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9010_0000 });
    vs.map(0x4000_0000n, 0x40_0000, RWX | LEAF, 1);
    g.map(0x40_0000n, 0xb000_0000, URWX | LEAF, 1);
    tr.hfenceVvma({ addr: 0x5000_0000n }); // another address: both fragments stay
    expect(tr.translateVa(0x4010_0000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9010_0000 });
    tr.hfenceVvma({ addr: 0x401f_f000n });
    expect(tr.translateVa(0x4010_0000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0xb010_0000 });
  });

  it('G-stage NAPOT (Svnapot) leaves', () => {
    const { g, tr } = setup();
    tr.configure({ vsatp: 0n });
    for (let p = 0n; p < 16n; p++) g.setRaw(0x70_0000n + p * 0x1000n, 0, (BigInt(0x90008) << 10n) | BigInt(URWX | LEAF | 1) | (1n << 63n));
    expect(tr.translateVa(0x70_9010n, { ...VU, access: 'load' })).toEqual({ ok: true, pa: 0x9000_9010 });
  });
});

describe('more per-rule cases', () => {
  it('Svpbmt at each stage: henvcfg.PBMTE for the VS-stage, menvcfg.PBMTE for the G-stage', () => {
    const { g, vs, tr } = setup();
    vs.setRaw(0x1000n, 0, (0x1_0000n / 4096n << 10n) | BigInt(RWX | LEAF | 1) | (1n << 61n)); // VS leaf PBMT=NC
    g.setRaw(0x1_0000n, 0, (0x9000_0000n / 4096n << 10n) | BigInt(URWX | LEAF | 1) | (2n << 61n)); // G leaf PBMT=IO
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_PAGE_FAULT);
    tr.configure({ henvcfg: 1n << 62n });
    expect(cause(tr.translateVa(0x1000n, { ...VS, access: 'load' }))).toBe(CAUSE_LOAD_GUEST_PAGE_FAULT);
    tr.configure({ menvcfg: 1n << 62n });
    expect(tr.translateVa(0x1000n, { ...VS, access: 'load' })).toEqual({ ok: true, pa: 0x9000_0000 });
  });

  it('non-canonical guest VAs are VS-stage page faults, not guest-page faults', () => {
    const { tr } = setup();
    const r = tr.translateVa(1n << 40n, { ...VU, access: 'store' });
    expect(r.ok ? 0 : r.fault).toMatchObject({ cause: 15, gpa: undefined, guestStage: false });
  });

  it('a G-stage table read the checker refuses is an access fault of the original type, at the G-stage', () => {
    const ram = new SparseRam();
    const g = new PageTableBuilder(ram, 'g', 8, G_ROOT);
    g.map(0x5000n, 0x9000_0000, URWX | LEAF);
    const tr = new Translator({ memory: ram, checkPhys: (pa) => pa < G_ROOT || pa >= G_ROOT + 0x4000 });
    tr.configure({ hgatp: atp(8, G_ROOT, 1), vsatp: 0n });
    const r = tr.translateVa(0x5000n, { ...VS, access: 'fetch' });
    expect(r.ok ? 0 : r.fault).toMatchObject({ cause: 1, gpa: undefined, htval: 0n, tinst: 0, guestStage: true });
  });

  it('a VS table read the checker refuses is an access fault of the original type', () => {
    const ram = new SparseRam();
    const g = new PageTableBuilder(ram, 'g', 8, G_ROOT);
    const vs = new PageTableBuilder(ram, 'single', 8, VS_ROOT);
    g.map(BigInt(VS_ROOT), 0xa000_0000, URWX | LEAF); // the VS root lives at PA 0xa0000000
    vs.map(0x1000n, 0x1_0000, RWX | LEAF);
    const tr = new Translator({ memory: ram, checkPhys: (pa) => pa < 0xa000_0000 });
    tr.configure({ hgatp: atp(8, G_ROOT, 1), vsatp: atp(8, VS_ROOT) });
    const r = tr.translateVa(0x1000n, { ...VS, access: 'store' });
    expect(r.ok ? 0 : r.fault.cause).toBe(7);
  });
});

describe('MXR and implicit accesses', () => {
  it('HS-level MXR does not make an execute-only G-stage page readable for VS PTE reads', () => {
    const { g, vs, tr } = setup();
    vs.map(0x1000n, 0x1_0000, RWX | LEAF);
    g.map(0x1_0000n, 0x9000_0000, URWX | LEAF);
    g.map(BigInt(VS_ROOT), VS_ROOT, PTE_X | PTE_U | LEAF); // the VS root table page: execute-only at the G-stage
    tr.configure({ mstatus: 1n << 19n });
    const r = tr.translateVa(0x1000n, { ...VS, access: 'load' });
    expect(r.ok ? 0 : r.fault).toMatchObject({ cause: CAUSE_LOAD_GUEST_PAGE_FAULT, gpa: BigInt(VS_ROOT), tinst: TINST_PSEUDO_PTE_READ_RV64 });
  });
});
