/**
 * Physical Memory Protection. Priv spec "Physical Memory Protection" (pmpcfg/pmpaddr
 * CSRs, address matching OFF/TOR/NA4/NAPOT, locking, priority and matching logic).
 *
 * A pure module: the hart owns one per hart, writes it from its CSR rows and calls
 * `check` for every physical access (instruction fetch, load, store, and the implicit
 * page-table accesses, which are checked with effective privilege S). Grain G = 0 (4 bytes).
 */
import { ACCESS_FETCH, ACCESS_STORE, type AccessType } from './access.js';
import { PMP_A_MASK, PMP_A_NA4, PMP_A_OFF, PMP_A_SHIFT, PMP_A_TOR, PMP_L, PMP_R, PMP_W, PMP_X, PRV_M } from './defs.js';

export interface PmpOptions {
  /** Number of implemented entries: 0, 16 or 64 (the spec allows 0, 16 or 64 on current harts). */
  entries: number;
}

/** Plain, versioned state (style habit 6). */
export interface PmpState {
  stateVersion: 1;
  entries: number;
  cfg: number[];
  /** pmpaddr values as hex strings (54 significant bits). */
  addr: string[];
}

const PMPADDR_MASK = (1n << 54n) - 1n;
const CFG_WRITABLE = 0x9f; // bits 6:5 are reserved (read as zero)

export class Pmp {
  readonly entries: number;
  private readonly cfg: Uint8Array;
  private readonly addr: bigint[]; // pmpaddr (bits 55:2 of the address)
  private readonly lo: Float64Array; // matched range [lo, hi) in bytes
  private readonly hi: Float64Array;
  private readonly active: Int32Array; // indices of entries with A != OFF, in priority order
  private activeCount = 0;
  /** Incremented on every change, so a caller may cache decisions and drop them when it moves. */
  generation = 0;

  constructor(options: PmpOptions) {
    const n = options.entries;
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new RangeError(`PMP entries must be an integer 0..64 (got ${n})`);
    this.entries = n;
    this.cfg = new Uint8Array(n);
    this.addr = new Array<bigint>(n).fill(0n);
    this.lo = new Float64Array(n);
    this.hi = new Float64Array(n);
    this.active = new Int32Array(n);
  }

  /**
   * Whether an access of `size` bytes at `pa` is allowed for privilege `priv` (0 U, 1 S,
   * 3 M; the effective privilege, i.e. MPP when MPRV applies to a data access).
   * The lowest-numbered entry that matches any byte decides; it must cover every byte
   * (a partial match fails). No match: M-mode succeeds, S/U fail if any entry is implemented.
   * HLVX needs both R and X: call it for load and for fetch.
   */
  check(pa: number, size: number, access: AccessType, priv: number): boolean {
    if (this.activeCount === 0) return priv === PRV_M || this.entries === 0;
    const end = pa + size;
    for (let k = 0; k < this.activeCount; k++) {
      const i = this.active[k];
      const lo = this.lo[i];
      const hi = this.hi[i];
      if (end <= lo || pa >= hi) continue;
      if (pa < lo || end > hi) return false; // partial match
      const c = this.cfg[i];
      if (priv === PRV_M && (c & PMP_L) === 0) return true;
      const need = access === ACCESS_FETCH ? PMP_X : access === ACCESS_STORE ? PMP_W : PMP_R;
      return (c & need) !== 0;
    }
    return priv === PRV_M || this.entries === 0;
  }

  /** pmpcfgN (RV64: N even, entries 4N..4N+7). Bytes of unimplemented entries read 0. */
  readCfg(n: number): bigint {
    let v = 0n;
    for (let b = 7; b >= 0; b--) {
      const i = n * 4 + b;
      v = (v << 8n) | BigInt(i < this.entries ? this.cfg[i] : 0);
    }
    return v;
  }

  /** Writes pmpcfgN (RV64). Locked entries ignore the write; R=0 W=1 is reserved and W reads back 0. */
  writeCfg(n: number, value: bigint): void {
    for (let b = 0; b < 8; b++) {
      const i = n * 4 + b;
      if (i >= this.entries) continue;
      if ((this.cfg[i] & PMP_L) !== 0) continue;
      let c = Number((value >> BigInt(8 * b)) & 0xffn) & CFG_WRITABLE;
      if ((c & (PMP_R | PMP_W)) === PMP_W) c &= ~PMP_W;
      this.cfg[i] = c;
    }
    this.rebuild();
  }

  /** pmpaddrI (bits 55:2 of the address). */
  readAddr(i: number): bigint {
    return i < this.entries ? this.addr[i] : 0n;
  }

  /** Writes pmpaddrI, ignored when entry I is locked, or when entry I+1 is locked TOR. */
  writeAddr(i: number, value: bigint): void {
    if (i >= this.entries) return;
    if ((this.cfg[i] & PMP_L) !== 0) return;
    if (i + 1 < this.entries) {
      const next = this.cfg[i + 1];
      if ((next & PMP_L) !== 0 && ((next & PMP_A_MASK) >>> PMP_A_SHIFT) === PMP_A_TOR) return;
    }
    this.addr[i] = value & PMPADDR_MASK;
    this.rebuild();
  }

  /** Entry i's matched byte range, for tests and viewers; undefined when OFF or empty. */
  range(i: number): { lo: number; hi: number } | undefined {
    for (let k = 0; k < this.activeCount; k++) if (this.active[k] === i) return { lo: this.lo[i], hi: this.hi[i] };
    return undefined;
  }

  getState(): PmpState {
    return { stateVersion: 1, entries: this.entries, cfg: Array.from(this.cfg), addr: this.addr.map((a) => '0x' + a.toString(16)) };
  }

  static fromState(s: PmpState): Pmp {
    if (s.stateVersion !== 1) throw new Error(`PMP state version ${String(s.stateVersion)} is not supported (expected 1)`);
    const p = new Pmp({ entries: s.entries });
    p.cfg.set(s.cfg.slice(0, s.entries));
    for (let i = 0; i < s.entries; i++) p.addr[i] = BigInt(s.addr[i] ?? '0') & PMPADDR_MASK;
    p.rebuild();
    return p;
  }

  private rebuild(): void {
    this.generation++;
    let k = 0;
    for (let i = 0; i < this.entries; i++) {
      const a = (this.cfg[i] & PMP_A_MASK) >>> PMP_A_SHIFT;
      if (a === PMP_A_OFF) continue;
      // Ranges are computed exactly in bigint; as numbers they only meet PAs below 2^53.
      let lo: bigint;
      let hi: bigint;
      const v = this.addr[i];
      if (a === PMP_A_TOR) {
        lo = i === 0 ? 0n : this.addr[i - 1] << 2n;
        hi = v << 2n;
        if (lo >= hi) continue; // empty range: matches nothing
      } else if (a === PMP_A_NA4) {
        lo = v << 2n;
        hi = lo + 4n;
      } else {
        // NAPOT: t trailing ones give a 2^(t+3)-byte range.
        let t = 0n;
        while (t < 54n && ((v >> t) & 1n) === 1n) t++;
        lo = (v & ~((1n << t) - 1n)) << 2n;
        hi = lo + (1n << (t + 3n));
      }
      this.lo[i] = Number(lo);
      this.hi[i] = Number(hi);
      this.active[k++] = i;
    }
    this.activeCount = k;
  }
}
