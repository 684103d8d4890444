/**
 * Seeded random page tables and accesses for the fixed runner tests/baremetal/ptfuzz/runner.c.
 *
 * A seed is a few scenes. Each scene zeroes the page-table pool, builds up to three trees
 * (satp: Sv39/48/57 or Bare; vsatp: Sv39/48/57 or Bare; hgatp: Sv39x4/48x4/57x4 or Bare),
 * maps a handful of pages and superpages (and 64 KiB Svnapot ranges when enabled), then
 * damages random PTEs: V cleared, random R/W/X (reserved W-only encodings included), U/G/A/D
 * flipped, PBMT/N set, reserved bits 60:54 set, superpages misaligned, pointers redirected to
 * another table of the same tree (loops), to data pages or outside RAM. Then it makes accesses:
 * loads, stores (some misaligned, some straddling two pages), AMOs and LR (through MPRV with
 * MPP/MPV) and fetches in U/S/VU/VS, and HLV/HLVX/HSV run in HS-mode with
 * SPVP picking VS or VU, with random SUM/MXR and vsstatus.SUM/MXR, menvcfg/henvcfg PBMTE/ADUE.
 *
 * Physical layout (QEMU virt, 256 MiB RAM at 0x80000000):
 *   0x80000000 runner (PMP: no access from S/U, so a stray mapping cannot reach it)
 *   0x80400000 page-table pool (PMP: RW, no X: a fetch never executes PTE bits)
 *   0x80800000 data arena, 4 MiB, filled with the runner's pattern
 *   0x80c00000 the runner's HS-mode stubs (PMP: execute only) and their page table (read only)
 *   below 0x80000000 (devices) and 0x4_0000_0000..0x8_0000_0000 (QEMU's PCIe window): PMP
 *   denies S/U, so no access reaches MMIO with side effects.
 * Store values keep the low 16 bits of every 4-byte word zero (c.unimp), so any page a
 * fetch may reach holds an illegal instruction at each 4-byte boundary and the guest never runs.
 */
import { Rng } from '../fuzz/gen.js';

export const RUNNER_BASE = 0x8000_0000n;
export const POOL_BASE = 0x8040_0000n;
export const POOL_SIZE = 0x40_0000n;
export const ARENA_BASE = 0x8080_0000n;
export const ARENA_SIZE = 0x40_0000n;
export const RAM_END = 0x9000_0000n;
/** The runner's HS-mode stubs for HLV/HLVX/HSV (code page, then its two table pages). */
export const STUB_CODE = 0x80c0_0000n;

export const OP = { END: 0n, ZERO: 1n, FILL: 2n, PTE: 3n, CSR: 4n, ACC: 5n } as const;

export const KINDS = ['ld', 'lw', 'lhu', 'lbu', 'sd', 'sw', 'sh', 'sb', 'amoor.d', 'amoswap.w', 'fetch',
  'hlv.d', 'hlv.wu', 'hlv.b', 'hlvx.hu', 'hlvx.wu', 'hsv.d', 'hsv.w', 'hsv.b', 'lr.d'] as const;
export type Kind = (typeof KINDS)[number];
const SIZE: Record<Kind, number> = {
  ld: 8, lw: 4, lhu: 2, lbu: 1, sd: 8, sw: 4, sh: 2, sb: 1, 'amoor.d': 8, 'amoswap.w': 4, fetch: 4,
  'hlv.d': 8, 'hlv.wu': 4, 'hlv.b': 1, 'hlvx.hu': 2, 'hlvx.wu': 4, 'hsv.d': 8, 'hsv.w': 4, 'hsv.b': 1, 'lr.d': 8,
};
const MISALIGNABLE = new Set<Kind>(['ld', 'lw', 'lhu', 'sd', 'sw', 'sh']);
const HLV_KINDS = new Set<Kind>(['hlv.d', 'hlv.wu', 'hlv.b', 'hlvx.hu', 'hlvx.wu', 'hsv.d', 'hsv.w', 'hsv.b']);
const STORES = new Set<Kind>(['sd', 'sw', 'sh', 'sb', 'amoor.d', 'amoswap.w', 'hsv.d', 'hsv.w', 'hsv.b']);
/** mode field: 0 U, 1 S, 4 VU, 5 VS. */
export const MODE_NAMES: Record<number, string> = { 0: 'U', 1: 'S', 4: 'VU', 5: 'VS' };

export interface PtFuzzOptions {
  /** Svnapot and Svpbmt on the hart (QEMU: svnapot=true,svpbmt=true). */
  svExt?: boolean;
  scenes?: number;
  accessesPerScene?: number;
  /**
   * Also generate the inputs where QEMU 7.2 departs from the spec (see QEMU_DEPARTURES);
   * off for the differential run, on when the oracle is a QEMU that follows the spec there.
   */
  departures?: boolean;
}

/** One access as the harness describes it in a divergence report. */
export interface AccessInfo {
  n: number;
  kind: Kind;
  mode: number;
  va: bigint;
  value: bigint;
  flags: number;
  scene: number;
  /** What the generator meant to reach (before damage): 'satp' | 'vs' | 'random'. */
  via: string;
}

export interface PtProgram {
  words: bigint[];
  accesses: AccessInfo[];
  /** Scene descriptions (modes, roots) and the PTEs written, for reports. */
  scenes: { text: string; ptes: Map<bigint, bigint>; satpMode: number }[];
}

const PTE_V = 1n, PTE_R = 2n, PTE_W = 4n, PTE_X = 8n, PTE_U = 16n, PTE_G = 32n, PTE_A = 64n, PTE_D = 128n;
const PTE_N = 1n << 63n;
const PBMT_SHIFT = 61n;
const PPN_MASK = (1n << 44n) - 1n;
const M64 = (1n << 64n) - 1n;

const LEVELS: Record<number, number> = { 8: 3, 9: 4, 10: 5 };

interface Tree {
  /** Host physical address of the root (16 KiB for a G-stage root). */
  root: bigint;
  levels: number;
  /** G-stage: 2 more address bits at the root, leaves need U. */
  g: boolean;
  /** VS-stage: table pointers hold guest physical page numbers. */
  vs: boolean;
  /** Tables of this tree (host addresses), for redirected pointers. */
  tables: bigint[];
}

class Scene {
  readonly ptes = new Map<bigint, bigint>();
  /** Which tree each PTE belongs to ('s' satp, 'vs' vsatp, 'g' hgatp). */
  readonly stageOf = new Map<bigint, 's' | 'vs' | 'g'>();
  /** Effective PBMTE for the single stage and G-stage (menvcfg) and the VS-stage (henvcfg). */
  mPbmte = false;
  hPbmte = false;
  /** A|D when VS-stage leaves must keep them set (see vsAd in generate). */
  vsAd = 0n;
  private next = POOL_BASE;
  /** Guest physical = host physical + goff (a multiple of 1 GiB, so G superpages line up). */
  goff = 0n;
  gtree: Tree | undefined;
  constructor(private readonly rng: Rng, private readonly opts: Required<PtFuzzOptions>) {}

  alloc(pages: bigint, align = 1n): bigint {
    const a = 0x1000n * align;
    const p = (this.next + a - 1n) / a * a;
    if (p + pages * 0x1000n > POOL_BASE + POOL_SIZE) throw new Error('page-table pool exhausted');
    this.next = p + pages * 0x1000n;
    return p;
  }

  newTree(mode: number, g: boolean, vs: boolean): Tree {
    const root = g ? this.alloc(4n, 4n) : this.alloc(1n);
    const t: Tree = { root, levels: LEVELS[mode]!, g, vs, tables: [root] };
    return t;
  }

  gpaOf(hpa: bigint): bigint { return hpa + this.goff; }

  /** Index of `addr` at `level` (the G-stage root has 2 more bits). */
  private index(t: Tree, addr: bigint, level: number): bigint {
    const bits = level === t.levels - 1 && t.g ? 11n : 9n;
    return (addr >> (12n + 9n * BigInt(level))) & ((1n << bits) - 1n);
  }

  /** Maps `addr` (VA, or GPA in the G tree) to `target` with a leaf at `leafLevel`. */
  map(t: Tree, addr: bigint, target: bigint, leafLevel: number, flags: bigint): void {
    let table = t.root;
    for (let level = t.levels - 1; ; level--) {
      const slot = table + this.index(t, addr, level) * 8n;
      const pte = this.ptes.get(slot);
      if (pte === undefined) this.stageOf.set(slot, t.g ? 'g' : t.vs ? 'vs' : 's');
      if (level === leafLevel) {
        if (pte === undefined) this.ptes.set(slot, ((target >> 12n) << 10n) | flags);
        return;
      }
      if (pte !== undefined) {
        if ((pte & 0xen) !== 0n) return; // a leaf already covers it
        const next = ((pte >> 10n) & PPN_MASK) << 12n;
        table = t.vs ? next - this.goff : next;
        continue;
      }
      const page = this.alloc(1n);
      t.tables.push(page);
      const ptr = t.vs ? this.gpaOf(page) : page;
      this.ptes.set(slot, ((ptr >> 12n) << 10n) | PTE_V);
      if (t.vs) this.gmap(ptr);
      table = page;
    }
  }

  /** The G-stage mapping of one guest page (for VS tables and data), if there is a G tree. */
  gmap(gpa: bigint): void {
    if (!this.gtree) return;
    const level = this.rng.bool(0.8) ? 0 : this.rng.int(Math.min(3, this.gtree.levels));
    const size = 1n << (12n + 9n * BigInt(level));
    const base = gpa & ~(size - 1n);
    this.map(this.gtree, base, base - this.goff, level, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
  }

  /**
   * Whether a G-stage walk may meet an execute-only leaf (X=1, R=0, W=0): follows every
   * valid pointer from the G root's pages (damage may redirect them into any table page),
   * and looks at every PTE on the pages reached.
   */
  gStageExecOnly(): boolean {
    if (!this.gtree) return false;
    const root = this.gtree.root;
    const todo = [root, root + 0x1000n, root + 0x2000n, root + 0x3000n];
    const seen = new Set<bigint>(todo);
    while (todo.length) {
      const page = todo.pop()!;
      for (let slot = page; slot < page + 0x1000n; slot += 8n) {
        const pte = this.ptes.get(slot);
        if (pte === undefined || (pte & PTE_V) === 0n) continue;
        const xwr = pte & 0xen;
        if (xwr === PTE_X) return true;
        if (xwr !== 0n) continue;
        const next = ((pte >> 10n) & PPN_MASK) << 12n;
        if (next >= POOL_BASE && next < POOL_BASE + POOL_SIZE && !seen.has(next)) { seen.add(next); todo.push(next); }
      }
    }
    return false;
  }

  emit(words: bigint[]): void {
    for (const [a, v] of this.ptes) words.push(OP.PTE, a, v);
  }

  /** Random damage to a few PTEs. */
  damage(count: number, trees: Tree[]): void {
    const rng = this.rng;
    const slots = [...this.ptes.keys()];
    for (let i = 0; i < count && slots.length; i++) {
      const slot = rng.pick(slots);
      let pte = this.ptes.get(slot)!;
      const leaf = (pte & 0xen) !== 0n;
      const k = rng.int(15);
      switch (k) {
        case 0: pte &= ~PTE_V; break;
        case 1: pte = (pte & ~0xen) | (BigInt(rng.int(8)) << 1n); break;
        case 2: pte ^= PTE_U; break;
        case 3: pte ^= PTE_A; break;
        case 4: pte ^= PTE_D; break;
        case 5: pte ^= PTE_G; break;
        case 6: // misaligned superpage or any PPN low bit
          pte ^= 1n << (10n + BigInt(rng.int(18))); break;
        case 7: { // pointer to another table of the same tree (loops, level confusion)
          const t = rng.pick(trees.filter((x) => x.tables.length));
          const tb = rng.pick(t.tables);
          const ptr = t.vs ? this.gpaOf(tb) : tb;
          pte = (pte & ~(PPN_MASK << 10n)) | ((ptr >> 12n) << 10n);
          break;
        }
        case 8: { // outside RAM (unmapped space, PCIe window excluded by PMP anyway)
          const far = rng.pick([0x9000_0000n, 0xc000_0000n, 0x1_0000_0000n, 0x3_ffff_f000n, 0x80_0000_0000n, 0xff_ffff_f000_0000n]);
          pte = (pte & ~(PPN_MASK << 10n)) | ((far >> 12n) << 10n);
          break;
        }
        case 9: // a data page where a table was expected, or the other way round
          if (leaf) pte &= ~0xen;
          else pte = (pte & ~(PPN_MASK << 10n)) | ((ARENA_BASE + BigInt(rng.int(1024)) * 0x1000n) >> 12n << 10n);
          break;
        case 10: { // PBMT: reserved without Svpbmt or with PBMTE = 0; 3 is a reserved encoding
          const pbmte = this.stageOf.get(slot) === 'vs' ? this.hPbmte : this.mPbmte;
          // QEMU 7.2 ignores PBMTE and the reserved value 3 (QEMU_DEPARTURES 'pbmte-ignored').
          const clear = pte & ~(3n << PBMT_SHIFT);
          if (!this.opts.svExt || this.opts.departures) pte = clear | (BigInt(rng.range(1, 3)) << PBMT_SHIFT);
          else if (pbmte && leaf) pte = clear | (BigInt(rng.range(1, 2)) << PBMT_SHIFT);
          break;
        }
        case 11: // N on a PTE that is not a well-formed NAPOT leaf (ppn[3:0] != 1000): reserved
          pte |= PTE_N;
          if (((pte >> 10n) & 0xfn) === 8n) pte ^= 1n << 10n;
          break;
        case 12: if (this.opts.departures || !this.opts.svExt) pte |= 1n << (54n + BigInt(rng.int(7))); break;
        case 13: pte |= PTE_A | PTE_D; break;
        default: pte &= ~(PTE_A | PTE_D); break;
      }
      if (leaf && this.stageOf.get(slot) === 'vs') pte |= this.vsAd;
      this.ptes.set(slot, pte);
    }
  }
}

/** Sign-extends a VA from `bits`. */
function canon(va: bigint, bits: number): bigint {
  const b = BigInt(bits);
  return (va & (1n << (b - 1n))) ? (va | (M64 << b)) & M64 : va & ((1n << b) - 1n);
}

/** Store values never put a nonzero halfword at a 4-byte boundary (see the layout note). */
function storeValue(rng: Rng, kind: Kind, va: bigint): bigint {
  const size = SIZE[kind];
  let v = rng.u64() & ((1n << BigInt(8 * size)) - 1n);
  for (let b = 0; b < size; b++) {
    if (((Number(va & 3n) + b) & 3) < 2) v &= ~(0xffn << BigInt(8 * b));
  }
  return v;
}

interface Target { va: bigint; leafSize: bigint; pa: bigint; via: string }

export function generate(seed: number, options: PtFuzzOptions = {}): PtProgram {
  const opts: Required<PtFuzzOptions> = {
    svExt: options.svExt ?? false, scenes: options.scenes ?? 4, accessesPerScene: options.accessesPerScene ?? 24,
    departures: options.departures ?? false,
  };
  const rng = new Rng(seed * 2654435761 + 12345);
  const words: bigint[] = [0x50544655455a5a31n];
  const accesses: AccessInfo[] = [];
  const scenes: PtProgram['scenes'] = [];
  const csr = (n: number, v: bigint): void => { words.push(OP.CSR, BigInt(n), v & M64); };

  // PMP (priv spec "Physical Memory Protection"; lowest-numbered match wins; M is not
  // checked): 0 runner, 1 devices, 2 QEMU's PCIe window: no access for S/U; 3 the runner's
  // HS-mode stub page (execute only) ; 4 a random region of the pool or arena with random
  // permissions; 5 pool RW; 6 the stub's page table (read only); 7 everything RWX.
  const napot = (base: bigint, size: bigint): bigint => (base >> 2n) | ((size >> 3n) - 1n);
  const size4 = 0x1000n << BigInt(rng.int(5));
  const base4 = rng.bool() ? POOL_BASE + BigInt(rng.int(16)) * size4 : ARENA_BASE + BigInt(rng.int(64)) * size4;
  const cfg = [0x18n, 0x18n, 0x18n, 0x1cn, rng.bool(0.6) ? 0x18n | BigInt(rng.pick([0, 1, 3, 4, 5, 7])) : 0n, 0x1bn, 0x19n, 0x1fn];
  csr(0x3b0, napot(RUNNER_BASE, 0x40_0000n));
  csr(0x3b1, napot(0n, 0x8000_0000n));
  csr(0x3b2, napot(0x4_0000_0000n, 0x4_0000_0000n));
  csr(0x3b3, napot(STUB_CODE, 0x1000n));
  csr(0x3b4, napot(base4, size4));
  csr(0x3b5, napot(POOL_BASE, POOL_SIZE));
  csr(0x3b6, napot(STUB_CODE + 0x2000n, 0x2000n));
  csr(0x3b7, (1n << 54n) - 1n);
  csr(0x3a0, cfg.reduce((a, c, i) => a | (c << BigInt(8 * i)), 0n));
  words.push(OP.FILL, ARENA_BASE, ARENA_SIZE);

  let n = 0;
  for (let s = 0; s < opts.scenes; s++) {
    const sc = new Scene(rng, opts);
    // menvcfg/henvcfg PBMTE (62) and ADUE (61). QEMU 7.2 keeps PBMTE writable without
    // Svpbmt and henvcfg.PBMTE writable while menvcfg.PBMTE = 0 (QEMU_DEPARTURES
    // 'pbmte-writable'), so the differential run writes PBMTE only where both are legal.
    const adue = (): bigint => (rng.bool() ? 1n : 0n) << 61n;
    const mPbmte = (opts.svExt || opts.departures) && rng.bool(0.7);
    const hPbmte = (mPbmte || opts.departures) && rng.bool(0.7);
    sc.mPbmte = opts.svExt && mPbmte;
    sc.hPbmte = opts.svExt && mPbmte && hPbmte;
    words.push(OP.ZERO, POOL_BASE, 0x20_0000n);
    const satpMode = rng.pick([0, 8, 8, 9, 9, 10]);
    const hgatpMode = rng.pick([0, 8, 8, 9, 9, 10]);
    const vsatpMode = rng.pick([0, 8, 8, 9, 10]);
    // Guest physical = host physical + goff. 2^40 sets the top GPA bit of Sv39x4, which
    // QEMU 7.2 wrongly requires to be a sign extension (QEMU_DEPARTURES 'gpa-top-bit').
    const offs = [0n, 0x4000_0000n, -0x8000_0000n, 0x1_0000_0000n];
    if (hgatpMode !== 8 || opts.departures) offs.push(0x100_0000_0000n);
    sc.goff = hgatpMode === 0 ? 0n : rng.pick(offs);
    const trees: Tree[] = [];
    const stree = satpMode ? sc.newTree(satpMode, false, false) : undefined;
    if (stree) trees.push(stree);
    sc.gtree = hgatpMode ? sc.newTree(hgatpMode, true, false) : undefined;
    if (sc.gtree) trees.push(sc.gtree);
    const vtree = vsatpMode ? sc.newTree(vsatpMode, false, true) : undefined;
    if (vtree) { trees.push(vtree); sc.gmap(sc.gpaOf(vtree.root)); }

    const targets: { s: Target[]; v: Target[] } = { s: [], v: [] };
    const leafFlags = (): bigint => {
      let f = PTE_V | PTE_A | PTE_D;
      f |= rng.pick([PTE_R, PTE_R | PTE_W, PTE_R | PTE_X, PTE_R | PTE_W | PTE_X, PTE_X]);
      if (rng.bool(0.5)) f |= PTE_U;
      if (rng.bool(0.1)) f |= PTE_G;
      if (rng.bool(0.15)) f &= ~PTE_A;
      if (rng.bool(0.2)) f &= ~PTE_D;
      return f;
    };
    /** A VA in the tree's range, a leaf level, and where it points (arena mostly). */
    const addTarget = (t: Tree, list: Target[], via: string, withLeaf: (va: bigint, pa: bigint, level: number, f: bigint) => void): void => {
      const bits = 12 + 9 * t.levels;
      const level = rng.bool(0.7) ? 0 : rng.int(t.levels);
      const size = 1n << (12n + 9n * BigInt(level));
      let pa: bigint;
      if (level === 0) pa = rng.bool(0.85) ? ARENA_BASE + BigInt(rng.int(1024)) * 0x1000n : POOL_BASE + BigInt(rng.int(16)) * 0x1000n;
      else if (level === 1) pa = rng.pick([ARENA_BASE, ARENA_BASE + 0x20_0000n, POOL_BASE, RUNNER_BASE, 0x8100_0000n]);
      else if (level === 2) pa = rng.pick([0x8000_0000n, 0xc000_0000n]);
      else pa = rng.pick([0n, 1n << (12n + 9n * BigInt(level))]);
      const va = canon(rng.u64() & ((1n << BigInt(bits)) - 1n), bits) & ~(size - 1n);
      let f = leafFlags();
      // Svnapot: 64 KiB, all 16 PTEs identical (priv spec "Svnapot": software must keep them so).
      if (opts.svExt && level === 0 && rng.bool(0.2)) {
        const base = pa & ~0xffffn;
        const va64 = va & ~0xffffn;
        for (let i = 0; i < 16; i++) withLeaf(va64 + BigInt(i) * 0x1000n, base, -1 - i, f | PTE_N);
        list.push({ va: va64, leafSize: 0x1_0000n, pa: base, via });
        return;
      }
      if ((t.vs ? sc.hPbmte : sc.mPbmte) && rng.bool(0.15)) f |= BigInt(rng.range(1, 2)) << PBMT_SHIFT;
      withLeaf(va, pa, level, f);
      list.push({ va, leafSize: size, pa, via });
    };
    /** NAPOT leaf for page i of a 64 KiB range at `base`: PPN with ppn[3:0] = 1000. */
    const napotTarget = (base: bigint): bigint => (base & ~0xffffn) | 0x8000n;
    const mapsPerTree = 6;
    if (stree) for (let i = 0; i < mapsPerTree; i++) {
      addTarget(stree, targets.s, 'satp', (va, pa, level, f) => {
        if (level < 0) sc.map(stree, va, napotTarget(pa), 0, f); else sc.map(stree, va, pa, level, f);
      });
    }
    // VS leaves may lack A/D with a G-stage too: QEMU 7.2 sets them before the G-stage
    // translation of the final address, tsvisor once it succeeded; the spec allows both
    // (QEMU_DEPARTURES 'vs-ad-before-g', reconciled in the harness).
    const vsAd = 0n;
    sc.vsAd = vsAd;
    if (vtree) for (let i = 0; i < mapsPerTree; i++) {
      addTarget(vtree, targets.v, 'vs', (va, pa, level, f0) => {
        const f = f0 | vsAd;
        // Guest physical address of the target (below RAM: used as is, G-stage unmapped).
        const gpa = pa >= RUNNER_BASE ? sc.gpaOf(pa) : pa;
        if (level < 0) {
          sc.map(vtree, va, napotTarget(gpa), 0, f);
          sc.gmap(gpa + BigInt(-1 - level) * 0x1000n);
          return;
        }
        sc.map(vtree, va, gpa, level, f);
        if (level === 0) sc.gmap(gpa);
        else for (let k = 0; k < 4; k++) sc.gmap(gpa + BigInt(rng.int(512)) * 0x1000n);
      });
    } else if (sc.gtree) {
      // vsatp Bare: the VA is the guest physical address; only the G-stage translates.
      for (let i = 0; i < mapsPerTree; i++) {
        const hpa = rng.bool(0.85) ? ARENA_BASE + BigInt(rng.int(1024)) * 0x1000n : POOL_BASE + BigInt(rng.int(16)) * 0x1000n;
        sc.gmap(sc.gpaOf(hpa));
        targets.v.push({ va: sc.gpaOf(hpa), leafSize: 0x1000n, pa: hpa, via: 'g-only' });
      }
    }
    if (!stree) targets.s.push({ va: ARENA_BASE + BigInt(rng.int(1024)) * 0x1000n, leafSize: 0x1000n, pa: 0n, via: 'bare' });
    if (!sc.gtree && !vtree) targets.v.push({ va: ARENA_BASE + BigInt(rng.int(1024)) * 0x1000n, leafSize: 0x1000n, pa: 0n, via: 'bare' });
    sc.damage(rng.range(0, 6), trees);
    sc.emit(words);
    // QEMU 7.2 lets MXR make execute-only G-stage pages readable for the implicit reads of
    // VS-stage PTEs too (QEMU_DEPARTURES 'mxr-implicit'): where a G-stage walk may meet such
    // a leaf, V=1 accesses run with MXR and vsstatus.MXR clear.
    const noMxrAtV = !opts.departures && sc.gStageExecOnly();
    const sv = (m: number): string => (m ? `Sv${12 + 9 * LEVELS[m]!}` : 'Bare');
    const text = `scene ${s}: satp=${sv(satpMode)} hgatp=${hgatpMode ? `${sv(hgatpMode)}x4` : 'Bare'} vsatp=${sv(vsatpMode)} goff=${sc.goff < 0n ? '-' : ''}0x${(sc.goff < 0n ? -sc.goff : sc.goff).toString(16)}`;
    scenes.push({ text, ptes: new Map(sc.ptes), satpMode });

    // Root CSRs: satp/vsatp MODE|ASID|PPN, hgatp MODE|VMID|PPN (PPN[1:0] of hgatp are WARL zero).
    csr(0x180, satpMode ? (BigInt(satpMode) << 60n) | (BigInt(rng.int(16)) << 44n) | (stree!.root >> 12n) : 0n);
    // hgatp.PPN[1:0] read as zeros in the paged modes (H "hgatp"); QEMU 7.2 keeps them and
    // walks from the unaligned root (QEMU_DEPARTURES 'hgatp-ppn-low'): written only with
    // `departures` (the random draw stays, so seeds keep their other choices).
    const ppnLow = sc.gtree && rng.bool(0.1) ? BigInt(rng.range(1, 3)) : 0n;
    const hroot = sc.gtree ? (sc.gtree.root >> 12n) | (opts.departures ? ppnLow : 0n) : 0n;
    csr(0x680, hgatpMode ? (BigInt(hgatpMode) << 60n) | (BigInt(rng.int(4)) << 44n) | hroot : 0n);
    csr(0x280, vsatpMode ? (BigInt(vsatpMode) << 60n) | (BigInt(rng.int(16)) << 44n) | (sc.gpaOf(vtree!.root) >> 12n) : 0n);
    csr(0x30a, (mPbmte ? 1n << 62n : 0n) | adue());
    csr(0x60a, (hPbmte ? 1n << 62n : 0n) | adue());

    for (let a = 0; a < opts.accessesPerScene; a++) {
      const virt = rng.bool(0.55);
      let kind: Kind;
      // V=1 data accesses: HLV/HLVX/HSV from HS (SPVP picks VS/VU), and loads, stores, AMOs
      // and LR through MPRV with MPV=1 (QEMU 7.2 reports their G-stage faults as VS-stage
      // page faults: QEMU_DEPARTURES 'mprv-mpv'; it checks HLVX like a load: 'hlvx-permission';
      // both reconciled in the harness). Fetches run at V=1 for real.
      if (virt) kind = rng.pick(['fetch', 'fetch', 'fetch', 'hlv.d', 'hlv.wu', 'hlv.b', 'hsv.d', 'hsv.w', 'hsv.b',
        'ld', 'lw', 'lhu', 'lbu', 'sd', 'sw', 'sb', 'amoor.d', 'amoswap.w', 'lr.d', 'hlvx.hu', 'hlvx.wu']);
      else kind = rng.pick(['ld', 'lw', 'lhu', 'lbu', 'sd', 'sw', 'sh', 'sb', 'amoor.d', 'amoswap.w', 'fetch', 'fetch', 'lr.d']);
      const mode = (virt ? 4 : 0) | rng.int(2);
      const list = virt ? targets.v : targets.s;
      const size = BigInt(SIZE[kind]);
      let va: bigint;
      let via = 'random';
      if (list.length && rng.bool(0.9)) {
        const t = rng.pick(list);
        via = t.via;
        // Huge leaves: stay near the start so the physical address is RAM more often.
        const span = t.leafSize > 0x40_0000n ? 0x40_0000n : t.leafSize;
        const off = (BigInt(rng.int(Number(span / 8n))) * 8n) & ~(size - 1n);
        va = t.va + off;
      } else {
        va = rng.u64() & ~(size - 1n);
        if (rng.bool(0.5)) va = canon(va, rng.pick([39, 48, 57]));
        // vsatp and hgatp Bare: QEMU 7.2 raises guest-page faults for addresses beyond its
        // physical address width instead of access faults (QEMU_DEPARTURES 'bare-gpf').
        if (virt && vsatpMode === 0 && hgatpMode === 0 && !opts.departures) va &= (1n << 56n) - 1n;
      }
      if (kind === 'fetch') va &= ~3n;
      // Misaligned scalar loads and stores (priv "Misaligned Loads and Stores": the EEI may
      // perform them; QEMU 7.2 and tsvisor both do, without trapping), inside a page or
      // straddling two pages: two translations, and a fault on the second page reports the
      // address of its first byte. AMOs, LR and HLV/HSV stay aligned.
      if (MISALIGNABLE.has(kind) && rng.bool(0.2)) {
        const sz = SIZE[kind];
        va = rng.bool(0.5) ? (va | 0xfffn) - BigInt(rng.int(sz - 1)) : va + BigInt(rng.range(1, sz - 1));
      }
      let flags = rng.int(16);
      if (virt && kind !== 'fetch' && !opts.departures) {
        // QEMU 7.2 ignores vsstatus.MXR for HLV/HSV and MPRV accesses with MPV=1, and lets
        // them reach U pages as VS whatever vsstatus.SUM says (QEMU_DEPARTURES 'hlv-vsstatus'):
        // keep vsstatus.MXR = MXR and, for VS, vsstatus.SUM = 1.
        flags = (flags & ~8) | ((flags & 2) << 2);
        if (mode & 1) flags |= 4;
      }
      if (virt && noMxrAtV) flags &= ~(2 | 8);
      const value = STORES.has(kind) ? storeValue(rng, kind, va) : 0n;
      const info: AccessInfo = { n, kind, mode, va: va & M64, value, flags, scene: s, via };
      accesses.push(info);
      words.push(OP.ACC, BigInt(n), BigInt(KINDS.indexOf(kind)), BigInt(mode), va & M64, value, BigInt(flags));
      n++;
    }
  }
  words.push(OP.END);
  return { words, accesses, scenes };
}
