/**
 * The RV64 hart: state in a WebAssembly.Memory, the interpreter loop, memory access with a
 * software TLB, CSR dispatch and trap plumbing. Instruction semantics live in the table
 * rows (insn-table.ts, ext/*.ts); M/S/U privileged behaviour in priv.ts (the base
 * `PrivHooks`), which extensions wrap (extension.ts).
 */
import { STATE_AREA_BYTES, type Clock, type PhysicalMemory } from './memory.js';
import type { CsrRow, Extension, PrivHooks } from './extension.js';
import { Decoder, rowEnabled, type ExecFn, type InsnRow } from './insn-table.js';
import { R, hi64, lo64, toU64, shl64, shr64, sar64 } from './int64.js';
import { M_HELPERS } from './ext/m.js';
import { compileBlock as compileJs } from './jit/block.js';
import { IsaError, misaLetters, parseIsa } from './isa.js';
import {
  ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, CAUSE_FETCH_ACCESS, CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_LOAD_ACCESS, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE, CAUSE_STORE_ACCESS,
  PRV_M, type AccessKind,
} from './defs.js';
import { builtinRows } from './ext/index.js';
import { coreCsrs, CSR_SLOTS } from './csr.js';
import { basePrivHooks } from './priv.js';
import { Pmp, Translator, type PmpState } from '@tsvisor/mmu-2stage';

/** Thrown (this one object, never allocated anew) by `Hart.raise` after trap entry. */
export const TRAP: { readonly trap: true } = Object.freeze({ trap: true as const });

export type HartStatus = 'running' | 'wfi' | 'stopped';

export interface HartOptions {
  hartId?: number;
  /** ISA string, default 'rv64gc' (plus the Z* extensions QEMU's rv64 offers). */
  isa?: string;
  memory: PhysicalMemory;
  clock: Clock;
  extensions?: readonly Extension[];
  /** satp modes accepted besides Bare (8 Sv39, 9 Sv48, 10 Sv57); default all three. */
  satpModes?: readonly number[];
  /** Compile hot straight-line code to JS functions (default true; needs `new Function`). */
  jit?: boolean;
  /** Interpreted executions of an address before its block is compiled (default 30000, at most 65535). */
  jitThreshold?: number;
  mvendorid?: number;
  marchid?: bigint;
  mimpid?: bigint;
}

/** Dependencies handed to `Hart.fromState`. */
export interface HartDeps {
  memory: PhysicalMemory;
  clock: Clock;
  extensions?: readonly Extension[];
}

/** Saved hart state, plain JSON-able data. 64-bit values are hex strings ('0x…'). */
export interface HartState {
  stateVersion: 1;
  hartId: number;
  isa: string;
  satpModes: number[];
  status: HartStatus;
  priv: number;
  virt: boolean;
  pc: string;
  x: string[];
  f: string[];
  fflags: number;
  frm: number;
  mstatus: string;
  medeleg: number;
  mideleg: number;
  mie: number;
  mipSw: number;
  mipLines: number;
  /** Plain 64-bit CSR storage slots by name (csr.ts CSR_SLOTS). */
  csr: Record<string, string>;
  pmp: PmpState;
  mhpmevent: string[];
  instret: string;
  cycleAdj: string;
  reservation: string | null;
  reservationSize: number;
  ext: Record<string, unknown>;
}

const DEFAULT_ISA = 'rv64imafdc_zicsr_zifencei_zicntr_zihpm_zihintpause_zba_zbb_zbc_zbs_zicond_sstc';
/** Front TLB entries per access kind (direct-mapped by VPN; 4096 covers 16 MiB of hot pages). */
const TLB_SIZE = 4096;
/**
 * Front TLB tag layout (Int32): VPN bits 31:12 of the address | mode << 3 (the fetch or data
 * mode, 5 bits) | epoch << 8 (3 bits; flushes bump it, so most are O(1)) | TLB_SLOW. The
 * inline fast paths compare the tag with (address & (-4096 | (size - 1))) | key, so a
 * misaligned address, another mode or epoch, or a slow entry (MMIO, code page for stores)
 * never matches. Bits 2:0 of a tag are always 0.
 */
const TLB_SLOW = 0x800;
const TLB_INVALID = TLB_SLOW | 1;
const DC_SIZE = 1 << 16;
const SLICE = 4096;
const TWO32 = 4294967296;
/** Longest compiled block (V8's inlining budget favours short functions). */
const MAX_BLOCK = 48;
/**
 * Interpreted executions of an address before its block is compiled. Compiling a block costs far
 * more than interpreting it a few thousand times, and a Linux boot runs much code only thousands of
 * times: Debian to the marker on `tsvisor machine` took 86.7 s at 1000, 53.7 s at 8000, 47.3 s at
 * 30000 and 41.9 s with the tier off, while the bare-metal workloads run as fast at 30000.
 */
const JIT_THRESHOLD = 30000;
const ST_PC = 0, ST_PCH = 1, ST_NPC = 2, ST_NPCH = 3, ST_RAW = 4, ST_FPL = 5, ST_FPH = 6, ST_FBUF = 7;

/** One RV64 hart. */
export class Hart {
  readonly hartId: number;
  readonly isa: string;
  readonly memory: PhysicalMemory;
  readonly clock: Clock;
  readonly extensions: readonly Extension[];
  /** Enabled extension names (lowercase), from the isa string. */
  readonly enabled: ReadonlySet<string>;
  readonly misa: number;
  /** C (Zca) enabled: IALIGN=16. */
  readonly hasC: boolean;
  readonly satpModes: readonly number[];
  readonly mvendorid: number;
  readonly marchid: bigint;
  readonly mimpid: bigint;

  // ---- register files (views into the WebAssembly.Memory) ----
  /** x[2r] = bits 31:0, x[2r+1] = bits 63:32 of register r. */
  readonly x: Int32Array;
  /** f registers, same interleaving. */
  readonly f: Int32Array;
  readonly fd: Float64Array;
  readonly fs: Float32Array;
  /** Byte offset of this hart's state block in `memory.buffer`. */
  readonly stateOffset: number;

  // ---- program counter (in `st`, an Int32Array in the WebAssembly.Memory: int32 values
  // outside V8's small-integer range would otherwise box on every store) ----
  /** Hot scalar state: see ST_* indices. */
  readonly st: Int32Array;
  /** Current instruction address, low half. */
  get pc(): number { return this.st[ST_PC]; }
  set pc(v: number) { this.st[ST_PC] = v; }
  /** Current instruction address, high half. */
  get pch(): number { return this.st[ST_PCH]; }
  set pch(v: number) { this.st[ST_PCH] = v; }
  /** Next instruction address (jumps write it). */
  get npc(): number { return this.st[ST_NPC]; }
  set npc(v: number) { this.st[ST_NPC] = v; }
  get npch(): number { return this.st[ST_NPCH]; }
  set npch(v: number) { this.st[ST_NPCH] = v; }
  /** Raw bits of the executing instruction (16-bit for RVC): tval of illegal-instruction. */
  get raw(): number { return this.st[ST_RAW]; }
  set raw(v: number) { this.st[ST_RAW] = v; }

  // ---- privilege ----
  priv = PRV_M;
  /** The V bit (H extension); always false without H. */
  virt = false;
  status: HartStatus = 'running';

  // ---- FP CSR ----
  fflags = 0;
  frm = 0;

  // ---- machine/supervisor state (priv.ts/csr.ts give them meaning) ----
  /** mstatus bits 31:0 (the sstatus view is derived). */
  mstatus = 0;
  /** mstatus bits 63:32 except UXL/SXL/SD which are derived on read (MPV, GVA, SBE, MBE). */
  mstatusH = 0;
  medeleg = 0;
  mideleg = 0;
  mie = 0;
  /** Software-writable mip bits (SSIP, STIP without Sstc, SEIP software part; H adds its own). */
  mipSw = 0;
  /** mip bits driven by devices through setIrqLine (MEIP, SEIP, MTIP, MSIP, ...). */
  mipLines = 0;
  /** mip bits driven by timer comparators (Sstc STIP; H: VSTIP). Recomputed by poll(). */
  mipTimer = 0;
  /** Plain 64-bit CSR storage: lo at csr[2k], hi at csr[2k+1] (slot numbers in csr.ts). */
  readonly csr = new Int32Array(64);
  /** mhpmevent3-31 (index 2n, 2n+1). */
  readonly mhpmevent = new Int32Array(64);
  /** Physical memory protection (priv spec 3.7): 16 entries, as QEMU 7.2's virt harts. */
  pmp = new Pmp({ entries: 16 });
  /** Buffer offset of the page the last `translate` resolved, or -1 (MMIO, or not cacheable under PMP). */
  lastBuf = -1;

  // ---- counters ----
  /** Interpreter steps (retired + trapped) before the current slice. */
  private stepsBase = 0;
  /** Steps within the current slice (a small integer). */
  n = 0;
  /** The current slice ends when n reaches budget; events set budget = n to end it early. */
  budget = 0;
  trapSteps = 0;
  /** instret = steps - trapSteps + instretAdj; cycle = instret + cycleAdj. */
  instretAdj = 0;
  cycleAdj = 0;
  private stopRequested = false;
  /** Interpreter steps (retired + trapped instructions) since construction. */
  get steps(): number {
    return this.stepsBase + this.n;
  }
  /** End the current slice after this instruction (interrupt re-check, WFI, stop). */
  endSlice(): void {
    this.budget = this.n;
  }

  // ---- LR/SC ----
  /** Reserved physical address (8-byte granule) or -1. */
  reservation = -1;
  /** Width (4 or 8) of the reserved access. */
  reservationSize = 0;

  // ---- trap detail for extensions (H: htval/mtval2, htinst/mtinst, GVA) ----
  trapGpa = 0;
  trapTinst = 0;
  trapGva = false;

  // ---- translation caches ----
  /** Effective fetch mode (priv | virt<<2) and data mode (after MPRV). */
  imode = PRV_M;
  dmode = PRV_M;
  private readonly tlbTag = new Int32Array(3 * TLB_SIZE).fill(TLB_INVALID);
  private readonly tlbTagH = new Int32Array(3 * TLB_SIZE);
  private readonly tlbBuf = new Float64Array(3 * TLB_SIZE);
  private readonly tlbPa = new Float64Array(3 * TLB_SIZE);
  /** Per access kind: the epoch (0..7) in the front TLB tags. */
  private readonly tlbEpoch = [0, 0, 0];
  /** Tag key (mode << 3 | epoch << 8) of fetches, loads and stores; compiled blocks read the latter two. */
  private fetchKey = 0;
  jitLoadKey = 0;
  jitStoreKey = 0;

  /**
   * Single-stage (V=0) address translation: mmu-2stage's Translator behind the hart's own
   * per-page front cache. Kept in sync by the satp/mstatus/menvcfg CSR rows (syncMmu).
   */
  readonly mmu: Translator;

  // ---- compiled blocks (see compileBlock) ----
  /** Compile hot straight-line code into JS functions (needs `new Function`; off under a strict CSP). */
  readonly jit: boolean;
  readonly jitThreshold: number;
  private fenceGen = 0;
  /** Interpreted executions per decode-cache slot; a block is compiled at JIT_THRESHOLD. */
  private readonly hot = new Uint16Array(DC_SIZE);
  private readonly bPl = new Int32Array(DC_SIZE).fill(1);
  private readonly bPh = new Int32Array(DC_SIZE);
  private readonly bBuf = new Float64Array(DC_SIZE);
  private readonly bGen = new Int32Array(DC_SIZE);
  private readonly bFence = new Int32Array(DC_SIZE);
  private readonly bCount = new Int32Array(DC_SIZE);
  /** Compiled blocks: run from the entry, return how many instructions executed (at most bCount). */
  private readonly bFn: ((h: Hart, n: number) => number)[] = [];
  /** What compiled blocks see (block.ts): state views, the front TLB, memory views, helpers. */
  private jitEnv: Record<string, unknown> | undefined;

  // ---- decode ----
  readonly decoder: Decoder;
  private readonly dcKey = new Int32Array(DC_SIZE);
  private readonly dcWord = new Int32Array(DC_SIZE);
  private readonly dcFn: ExecFn[] = [];
  private readonly illegalFn: ExecFn = (h) => h.illegal();

  // ---- CSRs and hooks ----
  private readonly csrRows: (CsrRow | undefined)[] = new Array(4096).fill(undefined);
  readonly hooks: PrivHooks;
  /** Per-extension scratch state (keyed by extension name). */
  readonly extState = new Map<string, unknown>();

  private readonly u16: Uint16Array;
  private readonly i32: Int32Array;
  private readonly dv: DataView;

  constructor(options: HartOptions) {
    this.hartId = options.hartId ?? 0;
    this.isa = options.isa ?? DEFAULT_ISA;
    this.memory = options.memory;
    this.clock = options.clock;
    this.extensions = options.extensions ?? [];
    this.mvendorid = options.mvendorid ?? 0;
    this.marchid = options.marchid ?? 0n;
    this.mimpid = options.mimpid ?? 0n;
    this.satpModes = options.satpModes ?? [8, 9, 10];
    this.jit = options.jit ?? true;
    this.jitThreshold = Math.max(1, Math.min(65535, options.jitThreshold ?? JIT_THRESHOLD));
    const extNames = this.extensions.map((e) => e.name);
    const enabled = parseIsa(this.isa, extNames);
    for (const e of this.extensions) {
      if (!enabled.has(e.name)) enabled.add(e.name);
    }
    for (const e of enabled) {
      if (e.length === 1 && !'imafdc'.includes(e) && !extNames.includes(e)) {
        throw new IsaError(`ISA extension '${e}' in --isa ${this.isa} needs its implementation passed in 'extensions'`);
      }
    }
    this.enabled = enabled;
    this.hasC = enabled.has('zca');
    this.misa = misaLetters(enabled, this.extensions.flatMap((e) => (e.misaLetter ? [e.misaLetter] : [])));

    this.stateOffset = this.memory.allocState(1024);
    const buf = this.memory.buffer;
    this.x = new Int32Array(buf, this.stateOffset, 64);
    this.f = new Int32Array(buf, this.stateOffset + 256, 64);
    this.fd = new Float64Array(buf, this.stateOffset + 256, 32);
    this.fs = new Float32Array(buf, this.stateOffset + 256, 64);
    this.st = new Int32Array(buf, this.stateOffset + 512, 16);
    this.st[ST_FPL] = 1;
    this.u16 = this.memory.u16;
    this.i32 = this.memory.i32;
    this.dv = this.memory.dv;

    const rows: InsnRow[] = [];
    for (const r of builtinRows()) if (rowEnabled(r, enabled)) rows.push(r);
    for (const e of this.extensions) for (const r of e.instructions ?? []) if (rowEnabled(r, enabled)) rows.push(r);
    this.decoder = new Decoder(rows);
    for (let i = 0; i < DC_SIZE; i++) this.dcFn.push(this.illegalFn);
    const noBlock = (): number => 0;
    for (let i = 0; i < DC_SIZE; i++) this.bFn.push(noBlock);

    this.mmu = new Translator({
      memory: {
        read32: (pa) => this.memory.load(pa, 4) | 0,
        write32: (pa, v) => { this.memory.store(pa, 4, v); },
      },
      // Page tables must live in RAM (PTEs in MMIO would be an access fault, as on QEMU virt).
      // and PMP applies to them as S-mode accesses (priv spec 3.7.1).
      checkPhys: (pa, size, access) => this.memory.isRam(pa, size) && this.pmp.check(pa, size, access, 1),
      // A/D (priv spec "Svadu"/"Svade"): with 'svadu' in the ISA string menvcfg.ADUE picks
      // the scheme; 'svade' alone means faults; neither means hardware updates, as QEMU 7.2
      // does (priv 1.12 let a hart choose). Svnapot/Svpbmt only when named (QEMU 7.2's
      // default rv64 has neither).
      adUpdate: enabled.has('svadu') ? 'envcfg' : enabled.has('svade') ? 'never' : 'always',
      svnapot: enabled.has('svnapot'),
      svpbmt: enabled.has('svpbmt'),
    });
    for (const row of coreCsrs(this)) this.csrRows[row.addr] = row;
    let hooks: PrivHooks = basePrivHooks();
    for (const e of this.extensions) e.attach?.(this);
    for (const e of this.extensions) {
      for (const row of e.csrs?.(this) ?? []) this.csrRows[row.addr] = row;
      if (e.privHooks) hooks = { ...hooks, ...e.privHooks(hooks, this) };
    }
    this.hooks = hooks;
    this.reset();
  }

  // ------------------------------------------------------------------ public API

  /** Architectural reset (priv spec 3.4): M-mode, MIE=MPRV=0, pc unchanged unless given. */
  reset(pc?: bigint): void {
    this.x.fill(0);
    this.f.fill(0);
    this.priv = PRV_M;
    this.virt = false;
    this.mstatus = 0;
    this.mstatusH = 0;
    this.medeleg = 0;
    this.mideleg = 0;
    this.mie = 0;
    this.mipSw = 0;
    this.mipTimer = 0;
    this.csr.fill(0);
    this.csr[2 * CSR_SLOTS.stimecmp] = -1;
    this.csr[2 * CSR_SLOTS.stimecmp + 1] = -1;
    this.pmp = new Pmp({ entries: 16 });
    this.mhpmevent.fill(0);
    this.fflags = 0;
    this.frm = 0;
    this.reservation = -1;
    this.status = 'running';
    for (const e of this.extensions) e.reset?.(this);
    if (pc !== undefined) this.setPc(pc);
    this.syncMmu();
    this.mmu.flushAll();
    this.updateModes();
    this.flushTlb();
  }

  /**
   * Run up to `n` instruction steps. Returns how many instructions retired. Returns early
   * on WFI with nothing pending (`status = 'wfi'`) or after `requestStop()`.
   */
  run(n: number): number {
    if (this.status === 'stopped') return 0;
    const retired0 = this.steps - this.trapSteps;
    this.stopRequested = false;
    this.hooks.poll(this);
    if (this.status === 'wfi') {
      if ((this.hooks.wakeMask(this)) === 0) return 0;
      this.status = 'running';
    }
    const end = this.steps + n;
    while (this.steps < end && !this.stopRequested) {
      const cause = this.hooks.pendingInterrupt(this);
      if (cause >= 0) this.takeInterrupt(cause);
      this.stepsBase += this.n;
      this.n = 0;
      this.budget = Math.min(end - this.stepsBase, SLICE);
      this.inner();
      if (this.status !== 'running') break;
      this.hooks.poll(this);
    }
    this.stepsBase += this.n;
    this.n = 0;
    this.budget = 0;
    const retired = this.steps - this.trapSteps - retired0;
    this.syncClock();
    return retired;
  }

  /** Instructions already reported to an instruction-count clock. */
  private clockRetired = 0;

  /**
   * Report retired instructions to the clock (instruction-count clocks advance on it). Called
   * at the end of run(), before time reads and around MMIO accesses, so a deterministic clock
   * moves within a slice too.
   */
  syncClock(): void {
    const r = this.steps - this.trapSteps;
    if (r > this.clockRetired) {
      this.clock.retire?.(r - this.clockRetired);
      this.clockRetired = r;
    }
  }

  /** Ask run() to return after the current instruction (a device wants the machine to stop). */
  requestStop(): void {
    this.stopRequested = true;
    this.endSlice();
  }

  /** Drive a device interrupt line (mip bit): MEIP 11, SEIP 9, MTIP 7, MSIP 3 (and H/AIA bits). */
  setIrqLine(bit: number, level: boolean): void {
    const m = 1 << bit;
    const old = this.mipLines;
    this.mipLines = level ? old | m : old & ~m;
    if (this.mipLines !== old) this.interruptsChanged();
  }

  /** The scheduler calls this when switching harts (LR/SC: SC may then fail, which is allowed). */
  clearReservation(): void {
    this.reservation = -1;
  }

  getX(i: number): bigint {
    return toU64(this.x[2 * i], this.x[2 * i + 1]);
  }
  setX(i: number, v: bigint): void {
    if (i === 0) return;
    this.x[2 * i] = lo64(v);
    this.x[2 * i + 1] = hi64(v);
  }
  getF(i: number): bigint {
    return toU64(this.f[2 * i], this.f[2 * i + 1]);
  }
  setF(i: number, v: bigint): void {
    this.f[2 * i] = lo64(v);
    this.f[2 * i + 1] = hi64(v);
  }
  getPc(): bigint {
    return toU64(this.pc, this.pch);
  }
  setPc(v: bigint): void {
    this.pc = this.npc = lo64(v);
    this.pch = this.npch = hi64(v);
  }
  /** Read a CSR by number, without privilege checks (debugger/API view). Undefined when absent. */
  getCsr(addr: number): bigint | undefined {
    const row = this.csrRows[addr & 0xfff];
    if (!row) return undefined;
    const lo = row.read(this);
    return toU64(lo, R.hi);
  }
  /** Write a CSR by number, without privilege checks (applies its WARL rules). Returns false if absent or read-only. */
  setCsr(addr: number, v: bigint): boolean {
    const row = this.csrRows[addr & 0xfff];
    if (!row || !row.write) return false;
    row.write(this, lo64(v), hi64(v));
    return true;
  }
  /** Retired instruction count (minstret). */
  get instret(): number {
    return this.steps - this.trapSteps + this.instretAdj;
  }
  /** The CSR row registered at `addr` (extensions wrap rows with it). */
  csrRow(addr: number): CsrRow | undefined {
    return this.csrRows[addr & 0xfff];
  }
  /** Replace or add a CSR row after construction (extensions). */
  setCsrRow(row: CsrRow): void {
    this.csrRows[row.addr & 0xfff] = row;
  }

  // ------------------------------------------------------------------ the loop

  private inner(): void {
    const x = this.x;
    const st = this.st;
    const u16 = this.u16;
    const dcKey = this.dcKey, dcWord = this.dcWord, dcFn = this.dcFn;
    const bPl = this.bPl, bPh = this.bPh, bBuf = this.bBuf, bGen = this.bGen, bFence = this.bFence, bCount = this.bCount, bFn = this.bFn;
    const pageGen = this.memory.pageGen, hot = this.hot;
    const jit = this.jit;
    const threshold = this.jitThreshold;
    for (;;) {
      try {
        let pl = st[ST_PC], ph = st[ST_PCH];
        let n = this.n;
        while (n < this.budget) {
          let w: number;
          const di = (pl >>> 1) & (DC_SIZE - 1);
          if ((pl & -4096) === st[ST_FPL] && ph === st[ST_FPH]) {
            const fb = st[ST_FBUF];
            // A compiled block for this address, still valid (same physical page, page not
            // written since, no FENCE.I since) and fitting the remaining budget.
            if (
              bPl[di] === pl && bPh[di] === ph && bBuf[di] === fb && bFence[di] === this.fenceGen &&
              bGen[di] === pageGen[(fb - STATE_AREA_BYTES) >>> 12] && bCount[di] <= this.budget - n
            ) {
              this.n = n;
              n += bFn[di](this, n);
              pl = st[ST_PC] = st[ST_NPC];
              ph = st[ST_PCH] = st[ST_NPCH];
              continue;
            }
            const o = (fb + (pl & 4095)) >>> 1;
            w = u16[o];
            if ((w & 3) === 3) {
              if ((pl & 4095) !== 4094) w |= u16[o + 1] << 16;
              else w = this.fetchSlow(pl, ph);
            }
            if (jit && ++hot[di] >= threshold) { hot[di] = 0; this.compileBlock(di, pl, ph, fb); }
          } else {
            w = this.fetchSlow(pl, ph);
          }
          if (dcKey[di] !== w) this.decodeMiss(di, w);
          const nl = (w & 3) === 3 ? (pl + 4) | 0 : (pl + 2) | 0;
          st[ST_NPC] = nl;
          st[ST_NPCH] = (nl >>> 0) < (pl >>> 0) ? (ph + 1) | 0 : ph;
          st[ST_RAW] = w;
          this.n = n;
          dcFn[di](this, dcWord[di]);
          x[0] = 0;
          x[1] = 0;
          pl = st[ST_PC] = st[ST_NPC];
          ph = st[ST_PCH] = st[ST_NPCH];
          n = this.n + 1;
        }
        this.n = n;
        return;
      } catch (e) {
        if (e !== TRAP) throw e;
        x[0] = 0;
        x[1] = 0;
        this.n++;
        this.trapSteps++;
      }
    }
  }

  /**
   * Compile the hot code at (pl, ph), whose page is at buffer offset `fb`, into a JS function
   * (jit/block.ts). It stays valid while its page's write generation (PhysicalMemory.pageGen)
   * and the hart's FENCE.I generation are unchanged.
   */
  private compileBlock(di: number, pl: number, ph: number, fb: number): void {
    const u16 = this.u16;
    const page = (fb - STATE_AREA_BYTES) >>> 12;
    // Still valid (the entry was interpreted because the block did not fit the slice's budget).
    if (
      this.bPl[di] === pl && this.bPh[di] === ph && this.bBuf[di] === fb && this.bFence[di] === this.fenceGen &&
      this.bGen[di] === this.memory.pageGen[page]
    ) return;
    const b = compileJs({
      pl, ph, hasC: this.hasC, maxInsns: MAX_BLOCK,
      // Offsets within the entry's page: a block never runs into the next page, whose bytes
      // live elsewhere in the buffer (or are not RAM at all).
      fetch: (off) => {
        if (off > 4094) return undefined;
        let w = u16[(fb + off) >>> 1];
        if ((w & 3) === 3) {
          if (off > 4092) return undefined;
          w |= u16[((fb + off) >>> 1) + 1] << 16;
        }
        return w;
      },
      decode: (w) => this.decode(w),
      tlbMask: TLB_SIZE - 1, tlbLoad: ACCESS_LOAD * TLB_SIZE, tlbStore: ACCESS_STORE * TLB_SIZE,
      page, gen: this.memory.pageGen[page],
    });
    if (!b) return;
    // Interior addresses became hot together with the entry; they are rarely entry points.
    for (const pc of b.pcs) if (pc !== pl) this.hot[(pc >>> 1) & (DC_SIZE - 1)] = 0;
    this.jitEnv ??= {
      st: this.st, x: this.x, tT: this.tlbTag, tH: this.tlbTagH, tB: this.tlbBuf,
      u8: this.memory.u8, i8: new Int8Array(this.memory.buffer), u16: this.u16,
      i16: new Int16Array(this.memory.buffer), i32: this.i32, pg: this.memory.pageGen,
      R, H: { shl64, shr64, sar64, ...M_HELPERS },
    };
    let fn: (h: Hart, n: number) => number;
    try {
      fn = new Function('F', 'G', 'E', b.src)(b.fns, b.helpers, this.jitEnv) as (h: Hart, n: number) => number;
    } catch (e) {
      if (e instanceof SyntaxError) throw e; // a bug in an emitter
      return; // no `new Function` here (CSP: EvalError): stay interpreted
    }
    for (let k = 0; k < b.pcs.length; k++) this.memory.markCode(page, b.pcs[k] & 4095, b.lens[k]);
    // Stores to this page must take the slow path, which bumps its generation.
    this.flushStoreTlb();
    this.bPl[di] = pl;
    this.bPh[di] = ph;
    this.bBuf[di] = fb;
    this.bGen[di] = this.memory.pageGen[page];
    this.bFence[di] = this.fenceGen;
    this.bCount[di] = b.count;
    this.bFn[di] = fn;
  }

  /** FENCE.I: compiled blocks are dropped (the decode cache checks words and needs nothing). */
  fenceI(): void {
    this.fenceGen++;
  }

  private flushStoreTlb(): void {
    this.bumpEpoch(ACCESS_STORE);
  }

  private decodeMiss(di: number, w: number): void {
    let fn = this.illegalFn;
    let word = w;
    const row = this.decoder.find(w);
    if (row) {
      if (row.exec) fn = row.exec;
      else if (row.expand) {
        const e = row.expand(w & 0xffff);
        const row32 = e !== 0 ? this.decoder.find(e) : undefined;
        if (row32?.exec) {
          fn = row32.exec;
          word = e;
        }
      }
    }
    this.dcKey[di] = w;
    this.dcWord[di] = word;
    this.dcFn[di] = fn;
  }

  /** Decode a word into its row and the executed word (expansion for RVC); for tools. */
  decode(w: number): { row: InsnRow; word: number } | undefined {
    const row = this.decoder.find(w);
    if (!row) return undefined;
    if (row.exec) return { row, word: w };
    const e = row.expand ? row.expand(w & 0xffff) : 0;
    const r32 = e !== 0 ? this.decoder.find(e) : undefined;
    return r32 ? { row: r32, word: e } : undefined;
  }

  /** Instruction fetch on a fetch-page miss, from MMIO, or across a page boundary. */
  private fetchSlow(pl: number, ph: number): number {
    const pa = this.translate(pl, ph, ACCESS_FETCH);
    const buf = this.lastBuf;
    this.pmpCheck(pa, 2, ACCESS_FETCH, pl, ph);
    if (buf >= 0) {
      this.st[ST_FPL] = pl & -4096;
      this.st[ST_FPH] = ph;
      this.st[ST_FBUF] = buf;
    } else {
      this.st[ST_FPL] = 1;
    }
    const lo = this.memory.load(pa, 2);
    if (lo !== lo) this.raise(CAUSE_FETCH_ACCESS, pl, ph);
    if ((lo & 3) !== 3) return lo;
    const nl = (pl + 2) | 0;
    const nh = (nl >>> 0) < (pl >>> 0) ? (ph + 1) | 0 : ph;
    const pa2 = (pl & 4095) === 4094 ? this.translate(nl, nh, ACCESS_FETCH) : pa + 2;
    this.pmpCheck(pa2, 2, ACCESS_FETCH, nl, nh);
    const hi = this.memory.load(pa2, 2);
    if (hi !== hi) this.raise(CAUSE_FETCH_ACCESS, nl, nh);
    return lo | (hi << 16);
  }

  // ------------------------------------------------------------------ traps

  /** Take an exception: trap entry, then throw TRAP (never returns). tval halves default 0. */
  raise(cause: number, tvalLo = 0, tvalHi = 0): never {
    this.hooks.enterTrap(this, cause, false, tvalLo, tvalHi);
    this.trapGpa = 0;
    this.trapTinst = 0;
    this.trapGva = false;
    this.afterPrivChange();
    throw TRAP;
  }

  /** Illegal-instruction exception with tval = the instruction bits (as QEMU writes them). */
  illegal(): never {
    const w = (this.raw & 3) === 3 ? this.raw : this.raw & 0xffff;
    return this.raise(CAUSE_ILLEGAL_INSTRUCTION, w, 0);
  }

  private takeInterrupt(cause: number): void {
    this.hooks.enterTrap(this, cause, true, 0, 0);
    this.afterPrivChange();
  }

  /** Called after anything changes mip/mie/mideleg/global enables: re-check at the next boundary. */
  interruptsChanged(): void {
    this.endSlice();
    if (this.status === 'wfi' && this.hooks.wakeMask(this) !== 0) this.status = 'running';
  }

  /** Effective mip (software bits, device lines, timer comparators). */
  get mip(): number {
    return this.mipSw | this.mipLines | this.mipTimer;
  }

  /** Recompute fetch/data modes after priv/V/MPRV changes; ends the slice so interrupts are re-checked. */
  afterPrivChange(): void {
    this.updateModes();
    this.endSlice();
  }

  updateModes(): void {
    this.imode = this.priv | (this.virt ? 4 : 0);
    // mstatus.SUM/MXR ride along in the data mode key (bits 3, 4), so toggling them (Linux does
    // around every user copy) selects other front-cache entries instead of flushing them all.
    this.dmode = this.hooks.dataMode(this) | ((this.mstatus >>> 15) & 0x18);
    this.updateKeys();
    this.st[ST_FPL] = 1;
  }

  // ------------------------------------------------------------------ FP helpers

  /** Illegal-instruction unless FP state is on (mstatus.FS; H: vsstatus.FS too). */
  requireFs(): void {
    if ((this.mstatus & 0x6000) === 0 || this.virt) this.hooks.fsCheck(this, this.raw);
  }
  /** Mark FP state dirty. */
  dirtyFs(): void {
    if ((this.mstatus & 0x6000) !== 0x6000 || this.virt) this.hooks.fsDirty(this);
  }

  // ------------------------------------------------------------------ memory access

  /** Push satp, mstatus and menvcfg into the translator (after CSR writes and restores). */
  syncMmu(): void {
    const S = CSR_SLOTS;
    this.mmu.setSatp(this.csr[2 * S.satp], this.csr[2 * S.satp + 1]);
    this.mmu.setMstatus(this.mstatus);
    this.mmu.setMenvcfg(this.csr[2 * S.menvcfg], this.csr[2 * S.menvcfg + 1]);
  }

  /** Drop the hart's front translation cache (satp/SUM/MXR writes, SFENCE.VMA, H: hgatp/vsatp). */
  flushTlb(): void {
    this.bumpEpoch(ACCESS_FETCH);
    this.bumpEpoch(ACCESS_LOAD);
    this.bumpEpoch(ACCESS_STORE);
    this.st[ST_FPL] = 1;
  }

  /** New epoch for one access kind's front TLB (all its entries stop matching); clears it every 8th time. */
  private bumpEpoch(kind: AccessKind): void {
    const e = (this.tlbEpoch[kind] + 1) & 7;
    this.tlbEpoch[kind] = e;
    if (e === 0) this.tlbTag.fill(TLB_INVALID, kind * TLB_SIZE, (kind + 1) * TLB_SIZE);
    this.updateKeys();
  }

  private updateKeys(): void {
    const ep = this.tlbEpoch;
    this.fetchKey = (this.imode << 3) | (ep[ACCESS_FETCH] << 8);
    this.jitLoadKey = (this.dmode << 3) | (ep[ACCESS_LOAD] << 8);
    this.jitStoreKey = (this.dmode << 3) | (ep[ACCESS_STORE] << 8);
  }

  /** Translate (TLB first) `va` for `access`; returns the physical address or raises. */
  translate(al: number, ah: number, access: AccessKind): number {
    const key = access === ACCESS_FETCH ? this.fetchKey : access === ACCESS_LOAD ? this.jitLoadKey : this.jitStoreKey;
    const ti = access * TLB_SIZE + ((al >>> 12) & (TLB_SIZE - 1));
    if ((this.tlbTag[ti] & ~TLB_SLOW) === ((al & -4096) | key) && this.tlbTagH[ti] === ah) {
      this.lastBuf = this.tlbBuf[ti];
      return this.tlbPa[ti] + (al & 4095);
    }
    const mode = access === ACCESS_FETCH ? this.imode : this.dmode;
    const pa = this.hooks.translate(this, al, ah, access, mode);
    const page = pa - (pa % 4096);
    if (!this.pmp.check(page, 4096, access, mode & 3)) {
      // PMP does not grant the whole page: no caching; the caller checks the exact access.
      this.lastBuf = -1;
      return pa;
    }
    this.tlbTagH[ti] = ah;
    this.tlbPa[ti] = page;
    let buf = this.memory.isRam(page, 4096) ? page - this.memory.ramBase + this.memory.ramOffset : -1;
    // Stores to pages holding compiled code go through storeSlow, which invalidates them.
    if (access === ACCESS_STORE && buf >= 0 && this.memory.codePages[(page - this.memory.ramBase) / 4096] !== 0) buf = -1;
    this.tlbBuf[ti] = buf;
    this.tlbTag[ti] = (al & -4096) | key | (buf < 0 ? TLB_SLOW : 0);
    this.lastBuf = buf;
    return pa;
  }

  /** Physical address of the data access at va, for AMO/LR/SC (alignment already checked). */
  translateData(al: number, ah: number, access: AccessKind): number {
    return this.translate(al, ah, access);
  }

  /** Buffer offset of the page of an aligned RAM access that hits the front TLB, else -1. */
  private ramIdx(al: number, ah: number, kind: number, size: number): number {
    const ti = kind * TLB_SIZE + ((al >>> 12) & (TLB_SIZE - 1));
    const key = kind === ACCESS_LOAD ? this.jitLoadKey : this.jitStoreKey;
    if (this.tlbTag[ti] === ((al & (-4096 | (size - 1))) | key) && this.tlbTagH[ti] === ah) return this.tlbBuf[ti];
    return -1;
  }

  load8(al: number, ah: number): number {
    const b = this.ramIdx(al, ah, ACCESS_LOAD, 1);
    if (b >= 0) return this.memory.u8[b + (al & 4095)];
    return this.loadSlow(al, ah, 1);
  }
  load16(al: number, ah: number): number {
    const b = this.ramIdx(al, ah, ACCESS_LOAD, 2);
    if (b >= 0) return this.u16[(b + (al & 4095)) >>> 1];
    return this.loadSlow(al, ah, 2);
  }
  /** 32-bit load; returns the bits as int32. */
  load32(al: number, ah: number): number {
    const b = this.ramIdx(al, ah, ACCESS_LOAD, 4);
    if (b >= 0) return this.i32[(b + (al & 4095)) >>> 2];
    return this.loadSlow(al, ah, 4) | 0;
  }
  /** 64-bit load; returns lo, hi in R.hi. */
  load64(al: number, ah: number): number {
    const b = this.ramIdx(al, ah, ACCESS_LOAD, 8);
    if (b >= 0) {
      const o = (b + (al & 4095)) >>> 2;
      R.hi = this.i32[o + 1];
      return this.i32[o];
    }
    return this.load64Slow(al, ah);
  }
  store8(al: number, ah: number, v: number): void {
    const b = this.ramIdx(al, ah, ACCESS_STORE, 1);
    if (b >= 0) this.memory.u8[b + (al & 4095)] = v;
    else this.storeSlow(al, ah, 1, v, 0);
  }
  store16(al: number, ah: number, v: number): void {
    const b = this.ramIdx(al, ah, ACCESS_STORE, 2);
    if (b >= 0) this.u16[(b + (al & 4095)) >>> 1] = v;
    else this.storeSlow(al, ah, 2, v, 0);
  }
  store32(al: number, ah: number, v: number): void {
    const b = this.ramIdx(al, ah, ACCESS_STORE, 4);
    if (b >= 0) this.i32[(b + (al & 4095)) >>> 2] = v;
    else this.storeSlow(al, ah, 4, v, 0);
  }
  store64(al: number, ah: number, lo: number, hi: number): void {
    const b = this.ramIdx(al, ah, ACCESS_STORE, 8);
    if (b >= 0) {
      const o = (b + (al & 4095)) >>> 2;
      this.i32[o] = lo;
      this.i32[o + 1] = hi;
    } else this.storeSlow(al, ah, 8, lo, hi);
  }

  /**
   * Misaligned or TLB-missing or MMIO load. QEMU 7.2 (virt, TCG) performs misaligned
   * scalar loads/stores without trapping, splitting across pages; we do the same.
   */
  private loadSlow(al: number, ah: number, size: 1 | 2 | 4): number {
    const pa = this.translate(al, ah, ACCESS_LOAD);
    if (this.lastBuf < 0) this.syncClock();
    if ((al & 4095) + size <= 4096) this.pmpCheck(pa, size, ACCESS_LOAD, al, ah);
    if ((al & (size - 1)) === 0 || ((al & 4095) + size <= 4096 && this.memory.isRam(pa, size))) {
      const v = this.memory.load(pa, size);
      if (v !== v) this.raise(CAUSE_LOAD_ACCESS, al, ah);
      return v;
    }
    return this.bytewiseLoad(al, ah, size);
  }

  private load64Slow(al: number, ah: number): number {
    const pa = this.translate(al, ah, ACCESS_LOAD);
    if (this.lastBuf < 0) this.syncClock();
    if ((al & 4095) <= 4088) this.pmpCheck(pa, 8, ACCESS_LOAD, al, ah);
    if ((al & 7) === 0 || ((al & 4095) <= 4088 && this.memory.isRam(pa, 8))) {
      const v = this.memory.load64(pa);
      if (v !== v) this.raise(CAUSE_LOAD_ACCESS, al, ah);
      return v;
    }
    const lo = this.bytewiseLoad(al, ah, 4) | 0;
    const nl = (al + 4) | 0;
    const hi = this.bytewiseLoad(nl, (nl >>> 0) < (al >>> 0) ? (ah + 1) | 0 : ah, 4) | 0;
    R.hi = hi;
    return lo;
  }

  private bytewiseLoad(al: number, ah: number, size: number): number {
    // Translate every byte first so a fault leaves no partial effect (device reads have side effects).
    const pas: number[] = [];
    for (let i = 0; i < size; i++) {
      const l = (al + i) | 0;
      const h = (l >>> 0) < (al >>> 0) ? (ah + 1) | 0 : ah;
      const pa = this.translate(l, h, ACCESS_LOAD);
      if (!this.memory.isMapped(pa, 1)) this.raise(CAUSE_LOAD_ACCESS, al, ah);
      this.pmpCheck(pa, 1, ACCESS_LOAD, al, ah);
      pas.push(pa);
    }
    let v = 0;
    for (let i = 0; i < size; i++) v += this.memory.load(pas[i], 1) * 2 ** (8 * i);
    return v;
  }

  private storeSlow(al: number, ah: number, size: 1 | 2 | 4 | 8, lo: number, hi: number): void {
    const pa = this.translate(al, ah, ACCESS_STORE);
    if (this.lastBuf < 0) this.syncClock();
    if ((al & 4095) + size <= 4096) this.pmpCheck(pa, size, ACCESS_STORE, al, ah);
    this.noteCodeStore(pa, size);
    if ((al & (size - 1)) === 0 || ((al & 4095) + size <= 4096 && this.memory.isRam(pa, size))) {
      const ok = size === 8 ? this.memory.store64(pa, lo, hi) : this.memory.store(pa, size, lo);
      if (!ok) this.raise(CAUSE_STORE_ACCESS, al, ah);
      return;
    }
    const pas: number[] = [];
    for (let i = 0; i < size; i++) {
      const l = (al + i) | 0;
      const h = (l >>> 0) < (al >>> 0) ? (ah + 1) | 0 : ah;
      const p = this.translate(l, h, ACCESS_STORE);
      if (!this.memory.isMapped(p, 1)) this.raise(CAUSE_STORE_ACCESS, al, ah);
      this.pmpCheck(p, 1, ACCESS_STORE, al, ah);
      pas.push(p);
    }
    for (let i = 0; i < size; i++) {
      const byte = i < 4 ? (lo >>> (8 * i)) & 255 : (hi >>> (8 * (i - 4))) & 255;
      this.memory.store(pas[i], 1, byte);
    }
  }

  /** PMP check of the exact access (priv spec 3.7.1); raises the access fault of `access`, reported as a store fault for AMOs. */
  private pmpCheck(pa: number, size: number, access: AccessKind, al: number, ah: number): void {
    const priv = (access === ACCESS_FETCH ? this.imode : this.dmode) & 3;
    if (this.pmp.check(pa, size, access, priv)) return;
    this.raise(access === ACCESS_FETCH ? CAUSE_FETCH_ACCESS : access === ACCESS_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, al, ah);
  }

  /** A store to [pa, pa+size) is about to happen: invalidate compiled code on those pages. */
  private noteCodeStore(pa: number, size: number): void {
    this.memory.codeStore(pa, size);
  }

  /**
   * Physical address for an AMO/SC (store permission) or LR (load permission), with the
   * alignment check first (A extension: misaligned AMO/LR/SC raise address-misaligned,
   * as QEMU does; load cause 4 for LR, store/AMO cause 6 otherwise) and an access fault
   * unless the target is RAM (we keep atomics to RAM, like QEMU's virt RAM/MMIO split).
   */
  amoAddress(al: number, ah: number, size: 4 | 8, isLoad: boolean): number {
    if ((al & (size - 1)) !== 0) this.raise(isLoad ? CAUSE_MISALIGNED_LOAD : CAUSE_MISALIGNED_STORE, al, ah);
    const pa = this.translate(al, ah, isLoad ? ACCESS_LOAD : ACCESS_STORE);
    if (!this.memory.isRam(pa, size)) this.raise(isLoad ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, al, ah);
    if (isLoad) this.pmpCheck(pa, size, ACCESS_LOAD, al, ah);
    // AMOs need read and write permission; a denial is a store/AMO access fault.
    else if (!this.pmp.check(pa, size, ACCESS_LOAD, this.dmode & 3)) this.raise(CAUSE_STORE_ACCESS, al, ah);
    else this.pmpCheck(pa, size, ACCESS_STORE, al, ah);
    if (!isLoad) this.noteCodeStore(pa, size);
    return pa - this.memory.ramBase + this.memory.ramOffset;
  }

  /** Bare (untranslated) physical address for va, or an access fault (PA beyond 2^53 or 56 bits). */
  bareAddress(al: number, ah: number, access: AccessKind): number {
    const hu = ah >>> 0;
    if (hu >= 0x200000) {
      this.raise(access === ACCESS_FETCH ? CAUSE_FETCH_ACCESS : access === ACCESS_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS, al, ah);
    }
    return hu * TWO32 + (al >>> 0);
  }

  // ------------------------------------------------------------------ CSR access (Zicsr)

  /**
   * CSR read-modify-write for CSRRW/RS/RC[I]. `op` 1 = write, 2 = set, 3 = clear;
   * `write` is false for CSRRS/RC with rs1 = x0 (no write side effects).
   * Returns the old value (lo, hi in R.hi).
   */
  csrOp(addr: number, op: number, write: boolean, vl: number, vh: number): number {
    const row = this.hooks.csrAccess(this, addr, write, this.raw);
    if (row.check) row.check(this, write, this.raw);
    if (write && !row.write) this.illegal();
    const ol = row.read(this);
    const oh = R.hi;
    if (write) {
      let nl = vl, nh = vh;
      if (op === 2) { nl = ol | vl; nh = oh | vh; }
      else if (op === 3) { nl = ol & ~vl; nh = oh & ~vh; }
      row.write!(this, nl, nh);
    }
    R.hi = oh;
    return ol;
  }

  // ------------------------------------------------------------------ timers

  /** Ticks until the earliest hart-internal timer (Sstc) fires, or Infinity. */
  nextTimerDeadline(): number {
    let d = Infinity;
    for (const e of this.extensions) if (e.nextTimerDeadline) d = Math.min(d, e.nextTimerDeadline(this));
    const s = 2 * CSR_SLOTS.stimecmp;
    if (!this.enabled.has('sstc') || (this.csr[2 * CSR_SLOTS.menvcfg + 1] & 0x80000000) === 0) return d;
    return Math.min(d, (this.csr[s + 1] >>> 0) * TWO32 + (this.csr[s] >>> 0));
  }

  // ------------------------------------------------------------------ state

  getState(): HartState {
    const hex = (l: number, h: number): string => '0x' + toU64(l, h).toString(16);
    const csr: Record<string, string> = {};
    for (const [name, slot] of Object.entries(CSR_SLOTS)) csr[name] = hex(this.csr[2 * slot], this.csr[2 * slot + 1]);
    const ext: Record<string, unknown> = {};
    for (const e of this.extensions) if (e.state) ext[e.name] = e.state.save(this);
    const x: string[] = [], f: string[] = [];
    for (let i = 0; i < 32; i++) {
      x.push(hex(this.x[2 * i], this.x[2 * i + 1]));
      f.push(hex(this.f[2 * i], this.f[2 * i + 1]));
    }
    return {
      stateVersion: 1,
      hartId: this.hartId,
      isa: this.isa,
      satpModes: [...this.satpModes],
      status: this.status,
      priv: this.priv,
      virt: this.virt,
      pc: hex(this.pc, this.pch),
      x, f,
      fflags: this.fflags,
      frm: this.frm,
      mstatus: hex(this.mstatus, this.mstatusH),
      medeleg: this.medeleg,
      mideleg: this.mideleg,
      mie: this.mie,
      mipSw: this.mipSw,
      mipLines: this.mipLines,
      csr,
      pmp: this.pmp.getState(),
      mhpmevent: Array.from({ length: 32 }, (_, i) => hex(this.mhpmevent[2 * i], this.mhpmevent[2 * i + 1])),
      instret: '0x' + BigInt(this.instret).toString(16),
      reservationSize: this.reservationSize,
      cycleAdj: '0x' + BigInt(this.cycleAdj).toString(16),
      reservation: this.reservation < 0 ? null : '0x' + this.reservation.toString(16),
      ext,
    };
  }

  static fromState(state: HartState, deps: HartDeps): Hart {
    if (state.stateVersion !== 1) throw new Error(`hart state version ${String(state.stateVersion)} is not supported (expected 1)`);
    const h = new Hart({
      hartId: state.hartId, isa: state.isa, satpModes: state.satpModes,
      memory: deps.memory, clock: deps.clock, extensions: deps.extensions ?? [],
    });
    const b = (s: string): bigint => BigInt(s);
    for (let i = 0; i < 32; i++) {
      h.setX(i, b(state.x[i]));
      h.setF(i, b(state.f[i]));
    }
    h.setPc(b(state.pc));
    h.priv = state.priv;
    h.virt = state.virt;
    h.status = state.status;
    h.fflags = state.fflags;
    h.frm = state.frm;
    const ms = b(state.mstatus);
    h.mstatus = lo64(ms);
    h.mstatusH = hi64(ms);
    h.medeleg = state.medeleg;
    h.mideleg = state.mideleg;
    h.mie = state.mie;
    h.mipSw = state.mipSw;
    h.mipLines = state.mipLines;
    for (const [name, slot] of Object.entries(CSR_SLOTS)) {
      const v = state.csr[name];
      if (v !== undefined) {
        h.csr[2 * slot] = lo64(b(v));
        h.csr[2 * slot + 1] = hi64(b(v));
      }
    }
    h.pmp = Pmp.fromState(state.pmp);
    state.mhpmevent.forEach((v, i) => {
      h.mhpmevent[2 * i] = lo64(b(v));
      h.mhpmevent[2 * i + 1] = hi64(b(v));
    });
    h.instretAdj = Number(b(state.instret));
    h.cycleAdj = Number(b(state.cycleAdj));
    h.reservation = state.reservation === null ? -1 : Number(b(state.reservation));
    h.reservationSize = state.reservationSize;
    for (const e of h.extensions) if (e.state && state.ext[e.name] !== undefined) e.state.restore(h, state.ext[e.name]);
    h.syncMmu();
    h.mmu.flushAll();
    h.updateModes();
    h.flushTlb();
    return h;
  }
}
