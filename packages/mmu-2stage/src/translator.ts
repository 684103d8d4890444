/**
 * Address translation for one hart: Bare, Sv39/Sv48/Sv57 (satp, vsatp) and the G-stage
 * Sv39x4/Sv48x4/Sv57x4 (hgatp), with ASID/VMID-tagged TLBs.
 *
 * Priv spec "Virtual Address Translation Process" (Sv32 section, generalised by the
 * Sv39/48/57 sections), H extension "Two-Stage Address Translation", Svnapot, Svpbmt, Svadu.
 *
 * Hot path: `translate(lo, hi, op)` returns the physical address (a number >= 0) or
 * TRANSLATE_FAULT (-1) with the details in the `fault*` fields. A TLB hit allocates nothing.
 * The final access's PMP/PMA check (with its real size) is the caller's job; the implicit
 * page-table accesses are checked here through the caller-supplied `checkPhys`.
 */
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, OP_COUNT, OP_HLVX, OP_PRIV_SHIFT, OP_VIRT, makeOp, type AccessType, type OpOptions } from './access.js';
import {
  CAUSE_FETCH_ACCESS, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_ACCESS, CAUSE_LOAD_GUEST_PAGE_FAULT,
  CAUSE_LOAD_PAGE_FAULT, CAUSE_STORE_ACCESS, CAUSE_STORE_GUEST_PAGE_FAULT, CAUSE_STORE_PAGE_FAULT, ENVCFG_HI_ADUE, ENVCFG_HI_PBMTE,
  MSTATUS_MXR, MSTATUS_SUM, PRV_M, PRV_S, PRV_U, PTE_A, PTE_D, PTE_G, PTE_HI_N, PTE_HI_PBMT_MASK, PTE_HI_PBMT_SHIFT, PTE_HI_PPN_MASK,
  PTE_HI_RESERVED, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, TINST_PSEUDO_PTE_READ_RV64, TINST_PSEUDO_PTE_WRITE_RV64,
} from './defs.js';
import { findPagingMode, type PagingMode } from './modes.js';
import { Tlb, contextKey, GLOBAL_ASID, type TlbInsert } from './tlb.js';

/** Physical memory holding page tables, as the translator sees it. Little-endian 32-bit words. */
export interface PteMemory {
  read32(pa: number): number;
  write32(pa: number, value: number): void;
}

/**
 * Checks an implicit page-table access: PMP (with effective privilege S, priv spec
 * "Physical Memory Protection": page-table walks are checked as S-mode accesses) and
 * that memory exists there. Returns false for an access fault. `size` is 8 for RV64 PTEs.
 */
export type PhysAccessCheck = (pa: number, size: number, access: AccessType) => boolean;

export interface TranslatorOptions {
  memory: PteMemory;
  /** PMP/PMA check for page-table reads and A/D writes; defaults to "always allowed". */
  checkPhys?: PhysAccessCheck;
  /** Svnapot implemented (PTE bit 63 N). Default true. */
  svnapot?: boolean;
  /** Svpbmt implemented (PTE bits 62:61, still gated by menvcfg/henvcfg.PBMTE). Default true. */
  svpbmt?: boolean;
  /**
   * How A/D bits are maintained (priv spec "Svadu"; before Svadu, priv 1.12 let a hart pick
   * either scheme). 'envcfg' (default): Svadu when menvcfg.ADUE (single stage, G-stage) or
   * henvcfg.ADUE (VS-stage) is 1, Svade otherwise. 'always': hardware updates regardless of
   * ADUE, as QEMU 7.2 does (use it to match that oracle). 'never': always Svade.
   */
  adUpdate?: 'envcfg' | 'always' | 'never';
  /** Entries per TLB (instruction and data TLBs each; the G-stage TLB too). Power of two, default 1024. */
  tlbSize?: number;
}

/** Returned by `translate` when the access faults; read the `fault*` fields. */
export const TRANSLATE_FAULT = -1;

/** One step of a walk, for debugging and the web viewer. */
export interface WalkStep {
  /** 'single' (satp, V=0), 'vs' (vsatp) or 'g' (hgatp). */
  stage: 'single' | 'vs' | 'g';
  level: number;
  /** Address of the PTE: physical for single/g, guest-physical for vs. */
  pteAddr: bigint;
  /** For vs: the physical address the PTE was read from (after the G-stage); otherwise equal to pteAddr. */
  ptePa: bigint;
  pte: bigint;
  decision: string;
}

/** Details of a translation fault, as the trap code needs them. */
export interface TranslationFault {
  /** mcause/scause exception code: 1/5/7 access, 12/13/15 page, 20/21/23 guest-page fault. */
  cause: number;
  /** The faulting virtual address (stval/mtval). */
  tval: bigint;
  /** The guest physical address for htval/mtval2 (write gpa >> 2 there), or undefined (htval = 0). */
  gpa: bigint | undefined;
  /** htval/mtval2 value: gpa >> 2, or 0. */
  htval: bigint;
  /** htinst/mtinst: the pseudo-instruction 0x3000/0x3020 for an implicit VS-stage PTE access, else 0. */
  tinst: number;
  /** True when the G-stage faulted (guest-page fault, or an access fault during the G-stage walk). */
  guestStage: boolean;
}

export type TranslateResult =
  | { ok: true; pa: number; trace?: WalkStep[] }
  | { ok: false; fault: TranslationFault; trace?: WalkStep[] };

/** Options of the off-hot-path `translateVa`. */
export interface TranslateVaOptions extends OpOptions {
  /** Record each level's PTE address, value and decision. */
  trace?: boolean;
  /** Bypass the TLBs (no lookup, no insert): always walk the tables. Default false. */
  noTlb?: boolean;
  /** Do not write A/D bits back (report what would happen): for viewers. Default false. */
  readOnly?: boolean;
}

// Walk status codes (internal).
const OK = 0;
const PAGE_FAULT = 1;
const ACCESS_FAULT = 2;
const GUEST_PAGE_FAULT = 3; // set by nested G-stage translations; fault fields already filled

const STAGE_SINGLE = 0;
const STAGE_VS = 1;
const STAGE_G = 2;
const STAGE_NAMES = ['single', 'vs', 'g'] as const;

/** Synthetic flag in TLB entries: R | X, so "readable with MXR" is a single bit test. */
const FLAG_RX = 1 << 8;
const FULL_FLAGS = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D | FLAG_RX;

const P2_20 = 2 ** 20;
const P2_32 = 2 ** 32;
const PPN_PA_LIMIT = 2 ** 41; // ppn at or above this names a PA >= 2^53

const POW2 = new Float64Array(65).map((_, i) => 2 ** i);
function pow2(n: number): number {
  return POW2[n];
}

function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Cause codes per access type: [access fault, page fault, guest-page fault]. */
const CAUSES: readonly (readonly number[])[] = [
  [CAUSE_FETCH_ACCESS, CAUSE_FETCH_PAGE_FAULT, CAUSE_FETCH_GUEST_PAGE_FAULT],
  [CAUSE_LOAD_ACCESS, CAUSE_LOAD_PAGE_FAULT, CAUSE_LOAD_GUEST_PAGE_FAULT],
  [CAUSE_STORE_ACCESS, CAUSE_STORE_PAGE_FAULT, CAUSE_STORE_GUEST_PAGE_FAULT],
];

/** Address translation for one hart. See the module comment. */
export class Translator {
  readonly memory: PteMemory;
  private readonly checkPhys: PhysAccessCheck;
  readonly svnapot: boolean;
  readonly svpbmt: boolean;
  readonly adUpdate: 'envcfg' | 'always' | 'never';
  /** Instruction, data and G-stage-only (GPA -> PA, used for VS-stage PTE reads) TLBs. */
  readonly itlb: Tlb;
  readonly dtlb: Tlb;
  readonly gtlb: Tlb;

  /** The physical address found by the last successful `tryTranslate`. */
  pa = 0;

  // --- fault details, valid after translate() returned TRANSLATE_FAULT ---
  /** Exception code to raise. */
  faultCause = 0;
  /** The faulting VA (stval/mtval), int32 halves. */
  faultTvalLo = 0;
  faultTvalHi = 0;
  /** Guest physical address for htval/mtval2 (the CSR gets it >> 2); meaningful when faultHasGpa. */
  faultGpaLo = 0;
  faultGpaHi = 0;
  faultHasGpa = false;
  /** htinst/mtinst: 0, or the PTE-access pseudo-instruction. */
  faultTinst = 0;
  /** The fault arose at the G-stage. */
  faultGuestStage = false;

  // --- configuration, from CSRs ---
  private satpMode: PagingMode | undefined = undefined;
  private satpPpn = 0;
  private satpAsid = 0;
  private vsatpMode: PagingMode | undefined = undefined;
  private vsatpPpn = 0;
  private vsatpAsid = 0;
  private hgatpMode: PagingMode | undefined = undefined;
  private hgatpPpn = 0;
  private vmid = 0;
  private mSum = false;
  private mMxr = false;
  private vsSum = false;
  private vsMxr = false;
  private mAdue = false;
  private mPbmte = false;
  private hAdue = false;
  private hPbmte = false;

  // --- tables derived from the configuration (indexed by op, or by V) ---
  private readonly hitMask = new Int32Array(OP_COUNT);
  private readonly hitVal = new Int32Array(OP_COUNT);
  private readonly bareOp = new Uint8Array(OP_COUNT);
  private readonly curKey = new Float64Array(2);
  private readonly curGlobalKey = new Float64Array(2);
  private gKey = 0;

  // --- scratch: outputs of walk() and gTranslate(), and the insert record ---
  private wPpn = 0;
  private wFlags = 0;
  private wShift = 12;
  private wGlobal = false;
  private gPpn = 0;
  private gFlags = 0;
  private gShift = 12;
  private readonly ins: TlbInsert = { vaLo: 0, vaHi: 0, key: 0, flags: 0, paPage: 0, virt: false, vmid: 0, asid: 0, global: false, leafShift: 12, gppn: 0, gShift: 12 };
  private traceSteps: WalkStep[] | null = null;
  private readOnly = false;
  private accessAtG = false;
  /** A VS-stage leaf A/D update waiting for the final G-stage translation (-1: none). */
  private pendingWpa = -1;
  private pendingLo = 0;

  constructor(options: TranslatorOptions) {
    this.memory = options.memory;
    this.checkPhys = options.checkPhys ?? (() => true);
    this.svnapot = options.svnapot ?? true;
    this.svpbmt = options.svpbmt ?? true;
    this.adUpdate = options.adUpdate ?? 'envcfg';
    const n = options.tlbSize ?? 1024;
    this.mAdue = this.hAdue = this.adUpdate === 'always';
    this.itlb = new Tlb(n);
    this.dtlb = new Tlb(n);
    this.gtlb = new Tlb(n);
    this.recompute();
  }

  // ------------------------------------------------------------------ configuration

  /**
   * satp (RV64: MODE 63:60, ASID 59:44, PPN 43:0) as int32 halves. An unsupported MODE
   * is treated as Bare: the CSR write logic (hart) must keep such writes out (priv spec: ignored).
   */
  setSatp(lo: number, hi: number): void {
    this.satpMode = findPagingMode('single', hi >>> 28);
    this.satpAsid = (hi >>> 12) & 0xffff;
    this.satpPpn = (hi & 0xfff) * P2_32 + (lo >>> 0);
    this.recompute();
  }

  /** vsatp, same layout as satp; used when V=1. */
  setVsatp(lo: number, hi: number): void {
    this.vsatpMode = findPagingMode('single', hi >>> 28);
    this.vsatpAsid = (hi >>> 12) & 0xffff;
    this.vsatpPpn = (hi & 0xfff) * P2_32 + (lo >>> 0);
    this.recompute();
  }

  /** hgatp (RV64: MODE 63:60, VMID 57:44, PPN 43:0); PPN[1:0] are ignored for the 16 KiB-aligned root. */
  setHgatp(lo: number, hi: number): void {
    this.hgatpMode = findPagingMode('g', hi >>> 28);
    this.vmid = (hi >>> 12) & 0x3fff;
    const ppn = (hi & 0xfff) * P2_32 + (lo >>> 0);
    this.hgatpPpn = ppn - (ppn % 4);
    this.recompute();
  }

  /** mstatus low word: SUM (18) and MXR (19). HS-level MXR applies to both stages when V=1. */
  setMstatus(lo: number): void {
    this.mSum = (lo & MSTATUS_SUM) !== 0;
    this.mMxr = (lo & MSTATUS_MXR) !== 0;
    this.recompute();
  }

  /** vsstatus low word: SUM and MXR of the VS-stage. */
  setVsstatus(lo: number): void {
    this.vsSum = (lo & MSTATUS_SUM) !== 0;
    this.vsMxr = (lo & MSTATUS_MXR) !== 0;
    this.recompute();
  }

  /** menvcfg: ADUE (61, Svadu for single stage and G-stage) and PBMTE (62). */
  setMenvcfg(_lo: number, hi: number): void {
    this.mAdue = this.adUpdate === 'always' || (this.adUpdate === 'envcfg' && (hi & ENVCFG_HI_ADUE) !== 0);
    this.mPbmte = (hi & ENVCFG_HI_PBMTE) !== 0;
  }

  /** henvcfg: ADUE and PBMTE for the VS-stage. (The hart keeps them 0 when menvcfg's are 0.) */
  setHenvcfg(_lo: number, hi: number): void {
    this.hAdue = this.adUpdate === 'always' || (this.adUpdate === 'envcfg' && (hi & ENVCFG_HI_ADUE) !== 0);
    this.hPbmte = (hi & ENVCFG_HI_PBMTE) !== 0;
  }

  /** Convenience for tests and VMMs: set any of the CSRs from bigints. */
  configure(c: { satp?: bigint; vsatp?: bigint; hgatp?: bigint; mstatus?: bigint; vsstatus?: bigint; menvcfg?: bigint; henvcfg?: bigint }): void {
    const lo = (v: bigint) => Number(BigInt.asIntN(32, v));
    const hi = (v: bigint) => Number(BigInt.asIntN(32, v >> 32n));
    if (c.satp !== undefined) this.setSatp(lo(c.satp), hi(c.satp));
    if (c.vsatp !== undefined) this.setVsatp(lo(c.vsatp), hi(c.vsatp));
    if (c.hgatp !== undefined) this.setHgatp(lo(c.hgatp), hi(c.hgatp));
    if (c.mstatus !== undefined) this.setMstatus(lo(c.mstatus));
    if (c.vsstatus !== undefined) this.setVsstatus(lo(c.vsstatus));
    if (c.menvcfg !== undefined) this.setMenvcfg(lo(c.menvcfg), hi(c.menvcfg));
    if (c.henvcfg !== undefined) this.setHenvcfg(lo(c.henvcfg), hi(c.henvcfg));
  }

  /**
   * Rebuilds the per-op hit masks and the context keys. A TLB entry's flags hold the leaf
   * PTE bits of the VS (or single) stage in bits 8:0 and of the G-stage in bits 24:16;
   * `(flags & hitMask[op]) === hitVal[op]` is the whole permission check of a hit.
   */
  private recompute(): void {
    for (let op = 0; op < OP_COUNT; op++) {
      const access = op & 3;
      const priv = (op >>> OP_PRIV_SHIFT) & 3;
      const virt = (op & OP_VIRT) !== 0;
      const hlvx = (op & OP_HLVX) !== 0;
      this.bareOp[op] = !virt && (priv === PRV_M || this.satpMode === undefined) ? 1 : 0;
      if (access === 3 || (virt && priv === PRV_M) || (!virt && hlvx)) {
        this.hitMask[op] = 0;
        this.hitVal[op] = 1; // never matches
        continue;
      }
      let mask = 0;
      let val = 0;
      const firstBare = virt ? this.vsatpMode === undefined : false;
      if (!firstBare) {
        const sum = virt ? this.vsSum : this.mSum;
        const mxr = virt ? this.vsMxr || this.mMxr : this.mMxr;
        const r = stagePerm(access as AccessType, priv, sum, mxr, hlvx);
        mask |= r & 0xffff;
        val |= r >>> 16;
      }
      if (virt) {
        const r = stagePerm(access as AccessType, PRV_U, false, this.mMxr, hlvx);
        mask |= (r & 0xffff) << 16;
        val |= (r >>> 16) << 16;
      }
      this.hitMask[op] = mask;
      this.hitVal[op] = val;
    }
    this.curKey[0] = contextKey(false, 0, this.satpAsid, false);
    this.curGlobalKey[0] = contextKey(false, 0, GLOBAL_ASID, false);
    const vsBare = this.vsatpMode === undefined;
    this.curKey[1] = contextKey(true, this.vmid, vsBare ? 0 : this.vsatpAsid, vsBare);
    this.curGlobalKey[1] = contextKey(true, this.vmid, GLOBAL_ASID, vsBare);
    this.gKey = contextKey(true, this.vmid, 0, true);
  }

  // ------------------------------------------------------------------ hot path

  /**
   * Translates the VA (lo, hi) for `op` (see `makeOp`). Returns the physical address, or
   * TRANSLATE_FAULT with the `fault*` fields set. Allocation-free on a TLB hit.
   */
  translate(lo: number, hi: number, op: number): number {
    if (this.bareOp[op] === 1) return this.translateBare(lo, hi, op);
    const tlb = (op & 3) === ACCESS_FETCH ? this.itlb : this.dtlb;
    const i = (lo >>> 12) & tlb.mask;
    if (tlb.tagLo[i] === (lo & ~0xfff) && tlb.tagHi[i] === hi) {
      const v = (op >>> 4) & 1;
      const k = tlb.key[i];
      if ((k === this.curKey[v] || k === this.curGlobalKey[v]) && (tlb.flags[i] & this.hitMask[op]) === this.hitVal[op]) {
        return tlb.pa[i] + (lo & 0xfff);
      }
    }
    return this.translateSlow(lo, hi, op, true);
  }

  /**
   * Like `translate`, but leaves the physical address in `pa` and returns true, or returns
   * false with the `fault*` fields set. A returned double that V8 cannot inline is boxed
   * (PAs >= 2^31 are not small integers); a field store is not, so this variant allocates
   * nothing on a TLB hit even when the call is not inlined.
   */
  tryTranslate(lo: number, hi: number, op: number): boolean {
    if (this.bareOp[op] === 1) {
      if ((hi >>> 0) >= 0x200000) return this.translateBare(lo, hi, op) >= 0;
      this.pa = (hi >>> 0) * P2_32 + (lo >>> 0);
      return true;
    }
    const tlb = (op & 3) === ACCESS_FETCH ? this.itlb : this.dtlb;
    const i = (lo >>> 12) & tlb.mask;
    if (tlb.tagLo[i] === (lo & ~0xfff) && tlb.tagHi[i] === hi) {
      const v = (op >>> 4) & 1;
      const k = tlb.key[i];
      if ((k === this.curKey[v] || k === this.curGlobalKey[v]) && (tlb.flags[i] & this.hitMask[op]) === this.hitVal[op]) {
        this.pa = tlb.pa[i] + (lo & 0xfff);
        return true;
      }
    }
    const r = this.translateSlow(lo, hi, op, true);
    if (r < 0) return false;
    this.pa = r;
    return true;
  }

  private translateBare(lo: number, hi: number, op: number): number {
    // Bare: PA = VA. Addresses at or above 2^53 name no memory of ours: access fault.
    if ((hi >>> 0) >= 0x200000) {
      this.setFault(CAUSES[op & 3][0], lo, hi, false);
      return TRANSLATE_FAULT;
    }
    return (hi >>> 0) * P2_32 + (lo >>> 0);
  }

  private setFault(cause: number, lo: number, hi: number, guest: boolean): void {
    this.faultCause = cause;
    this.faultTvalLo = lo;
    this.faultTvalHi = hi;
    this.faultHasGpa = false;
    this.faultGpaLo = 0;
    this.faultGpaHi = 0;
    this.faultTinst = 0;
    this.faultGuestStage = guest;
  }

  private setFaultGpa(gppn: number, offset: number): void {
    this.faultHasGpa = true;
    this.faultGpaLo = ((gppn % P2_20) * 4096 + offset) | 0;
    this.faultGpaHi = Math.floor(gppn / P2_20) | 0;
  }

  /** The miss path: walk, check, update A/D, fill the TLB. */
  private translateSlow(lo: number, hi: number, op: number, useTlb: boolean): number {
    if (this.bareOp[op] === 1) return this.translateBare(lo, hi, op);
    const access = (op & 3) as AccessType;
    const priv = (op >>> OP_PRIV_SHIFT) & 3;
    const virt = (op & OP_VIRT) !== 0;
    const hlvx = (op & OP_HLVX) !== 0;
    const causes = CAUSES[access];
    const vpn = (hi >>> 0) * P2_20 + (lo >>> 12);
    const offset = lo & 0xfff;
    const ins = this.ins;

    if (!virt) {
      const mode = this.satpMode!;
      if (!canonical(hi, mode.addrBits)) {
        this.setFault(causes[1], lo, hi, false);
        return TRANSLATE_FAULT;
      }
      const st = this.walk(vpn, mode, this.satpPpn, STAGE_SINGLE, access, priv, hlvx, this.mSum, this.mMxr, this.mPbmte, this.mAdue);
      if (st !== OK) return this.walkFault(st, lo, hi, causes);
      if (this.wPpn >= PPN_PA_LIMIT) {
        this.setFault(causes[0], lo, hi, false);
        return TRANSLATE_FAULT;
      }
      if (useTlb) {
        ins.vaLo = lo; ins.vaHi = hi; ins.key = this.wGlobal ? this.curGlobalKey[0] : this.curKey[0];
        ins.flags = withRx(this.wFlags); ins.paPage = this.wPpn * 4096; ins.virt = false; ins.vmid = 0;
        ins.asid = this.satpAsid; ins.global = this.wGlobal; ins.leafShift = this.wShift; ins.gppn = 0; ins.gShift = 12;
        (access === ACCESS_FETCH ? this.itlb : this.dtlb).insert(ins);
      }
      return this.wPpn * 4096 + offset;
    }

    // V=1: VS-stage (vsatp), then the G-stage on the resulting GPA.
    if (priv === PRV_M) {
      this.setFault(causes[0], lo, hi, false);
      return TRANSLATE_FAULT;
    }
    let gppn: number;
    let vsFlags = 0;
    let vsShift = 64;
    let global = false;
    const vsMode = this.vsatpMode;
    if (vsMode === undefined) {
      gppn = vpn; // vsatp Bare: the VA is the GPA, G-stage only
    } else {
      if (!canonical(hi, vsMode.addrBits)) {
        this.setFault(causes[1], lo, hi, false);
        return TRANSLATE_FAULT;
      }
      this.pendingWpa = -1;
      const st = this.walk(vpn, vsMode, this.vsatpPpn, STAGE_VS, access, priv, hlvx, this.vsSum, this.vsMxr || this.mMxr, this.hPbmte, this.hAdue);
      if (st !== OK) return this.walkFault(st, lo, hi, causes);
      gppn = this.wPpn;
      vsFlags = withRx(this.wFlags);
      vsShift = this.wShift;
      global = this.wGlobal;
    }
    const gs = this.gTranslate(gppn, access, hlvx, useTlb);
    if (this.pendingWpa >= 0) {
      if (gs === OK) this.memory.write32(this.pendingWpa, this.pendingLo);
      this.pendingWpa = -1;
    }
    if (gs !== OK) {
      if (gs === GUEST_PAGE_FAULT) {
        this.setFault(causes[2], lo, hi, true);
        this.setFaultGpa(gppn, offset);
      } else {
        this.setFault(causes[0], lo, hi, true);
      }
      return TRANSLATE_FAULT;
    }
    if (useTlb) {
      ins.vaLo = lo; ins.vaHi = hi; ins.key = global ? this.curGlobalKey[1] : this.curKey[1];
      ins.flags = vsFlags | (this.gFlags << 16); ins.paPage = this.gPpn * 4096; ins.virt = true; ins.vmid = this.vmid;
      ins.asid = this.vsatpAsid; ins.global = global; ins.leafShift = vsMode === undefined ? this.gShift : vsShift;
      ins.gppn = gppn; ins.gShift = this.gShift;
      (access === ACCESS_FETCH ? this.itlb : this.dtlb).insert(ins);
    }
    return this.gPpn * 4096 + offset;
  }

  private walkFault(st: number, lo: number, hi: number, causes: readonly number[]): number {
    const atG = this.accessAtG;
    this.accessAtG = false;
    if (st === GUEST_PAGE_FAULT) {
      // The GPA of the PTE and the pseudo-instruction were filled by vsPteFault.
      this.faultCause = causes[2];
      this.faultTvalLo = lo;
      this.faultTvalHi = hi;
      this.faultGuestStage = true;
      return TRANSLATE_FAULT;
    }
    this.setFault(st === PAGE_FAULT ? causes[1] : causes[0], lo, hi, st === ACCESS_FAULT && atG);
    return TRANSLATE_FAULT;
  }

  /**
   * G-stage translation of the guest page `gppn` (GPA >> 12). H extension "Guest Physical
   * Address Translation": GPA bits above the mode's width must be zero (guest-page fault),
   * every access is checked as U-mode, HS-level MXR applies, G is ignored.
   * Output in gPpn/gFlags/gShift. Returns OK, GUEST_PAGE_FAULT or ACCESS_FAULT.
   */
  private gTranslate(gppn: number, access: AccessType, hlvx: boolean, useTlb: boolean, implicit = false): number {
    // HS-level MXR makes execute-only pages readable for explicit loads only (H extension,
    // "Hypervisor Virtual-Machine Load and Store Instructions" and "Two-Stage Address
    // Translation"): the implicit read of a VS PTE needs R at the G-stage.
    const mxr = implicit ? false : this.mMxr;
    const mode = this.hgatpMode;
    if (mode === undefined) {
      if (gppn >= PPN_PA_LIMIT) return ACCESS_FAULT;
      this.gPpn = gppn;
      this.gFlags = FULL_FLAGS;
      this.gShift = 64;
      return OK;
    }
    if (gppn >= pow2(mode.addrBits - 12)) {
      if (this.traceSteps !== null) this.traceNote('g', mode.levels - 1, `GPA wider than ${mode.addrBits} bits: guest-page fault`);
      return GUEST_PAGE_FAULT;
    }
    const gpaLo = ((gppn % P2_20) * 4096) | 0;
    const gpaHi = Math.floor(gppn / P2_20) | 0;
    if (useTlb && this.traceSteps === null) {
      const t = this.gtlb;
      const i = (gpaLo >>> 12) & t.mask;
      if (t.tagLo[i] === gpaLo && t.tagHi[i] === gpaHi && t.key[i] === this.gKey) {
        const f = t.flags[i];
        const r = stagePerm(access, PRV_U, false, mxr, hlvx);
        if ((f & (r & 0xffff)) === r >>> 16) {
          this.gPpn = t.pa[i] / 4096;
          this.gFlags = f;
          this.gShift = t.leafShift[i];
          return OK;
        }
      }
    }
    const st = this.walk(gppn, mode, this.hgatpPpn, STAGE_G, access, PRV_U, hlvx, false, mxr, this.mPbmte, this.mAdue);
    if (st === PAGE_FAULT) return GUEST_PAGE_FAULT;
    if (st !== OK) return st;
    if (this.wPpn >= PPN_PA_LIMIT) return ACCESS_FAULT;
    this.gPpn = this.wPpn;
    this.gFlags = withRx(this.wFlags);
    this.gShift = this.wShift;
    if (useTlb) {
      const ins = this.ins;
      ins.vaLo = gpaLo; ins.vaHi = gpaHi; ins.key = this.gKey; ins.flags = this.gFlags; ins.paPage = this.gPpn * 4096;
      ins.virt = true; ins.vmid = this.vmid; ins.asid = 0; ins.global = false; ins.leafShift = this.gShift; ins.gppn = gppn; ins.gShift = this.gShift;
      this.gtlb.insert(ins);
    }
    return OK;
  }

  /**
   * The page-table walk of one stage. Priv spec "Virtual Address Translation Process",
   * steps 1-8, with the Svnapot/Svpbmt/Svadu changes. For STAGE_VS every PTE address is a
   * GPA translated through the G-stage as an implicit load (store for an A/D update); a
   * guest-page fault there reports the PTE's GPA and the pseudo-instruction (H extension
   * "Two-Stage Address Translation"). Output in wPpn (4 KiB fragment), wFlags, wShift, wGlobal.
   */
  private walk(
    vpn: number, mode: PagingMode, rootPpn: number, stage: number, access: AccessType, priv: number, hlvx: boolean,
    sum: boolean, mxr: boolean, pbmte: boolean, adue: boolean,
  ): number {
    let a = rootPpn;
    let global = false;
    const vLo = vpn % P2_20;
    const vHi = (vpn - vLo) / P2_20;
    const bits = mode.vpnBits;
    const maxIter = mode.levels;
    for (let i = mode.levels - 1; i >= 0 && i < maxIter; i--) {
      const idxBits = bits + (i === mode.levels - 1 ? mode.widenBits : 0);
      const sh = bits * i;
      // VPN[i]: vpn < 2^52 splits into 20 low bits and the rest, so the field is integer shifts.
      const idx = (sh >= 20 ? vHi >>> (sh - 20) : (vLo >>> sh) | (vHi << (20 - sh))) & ((1 << idxBits) - 1);
      const off = idx * mode.pteBytes;
      // Step 2: locate the PTE (through the G-stage for VS-stage tables).
      let ptePage = a;
      if (stage === STAGE_VS) {
        const g = this.gTranslate(a, ACCESS_LOAD, false, this.traceSteps === null, true);
        if (g !== OK) return this.vsPteFault(g, a, off, false, i);
        ptePage = this.gPpn;
      } else if (a >= PPN_PA_LIMIT) {
        this.traceNote(STAGE_NAMES[stage], i, 'table address >= 2^53: access fault');
        return ACCESS_FAULT;
      }
      const pa = ptePage * 4096 + off;
      if (!this.checkPhys(pa, 8, ACCESS_LOAD)) {
        if (this.traceSteps !== null) this.traceNote(STAGE_NAMES[stage], i, `PTE at 0x${pa.toString(16)} not accessible (PMP/PMA): access fault`);
        return ACCESS_FAULT;
      }
      let lo = this.memory.read32(pa) | 0;
      const hi = this.memory.read32(pa + 4) | 0;
      const step = this.traceSteps !== null ? this.traceStep(STAGE_NAMES[stage], i, a, off, pa, lo, hi) : null;
      // Step 3: invalid, or W without R, or reserved bits/encodings.
      if ((lo & PTE_V) === 0) return this.decide(step, 'V=0: page fault', PAGE_FAULT);
      if ((lo & (PTE_R | PTE_W)) === PTE_W) return this.decide(step, 'W=1 with R=0 (reserved): page fault', PAGE_FAULT);
      if ((hi & PTE_HI_RESERVED) !== 0) return this.decide(step, 'reserved bits 60:54 set: page fault', PAGE_FAULT);
      const pbmt = (hi & PTE_HI_PBMT_MASK) >>> PTE_HI_PBMT_SHIFT;
      if (pbmt !== 0 && (!this.svpbmt || !pbmte)) return this.decide(step, 'PBMT set but Svpbmt not enabled: page fault', PAGE_FAULT);
      if (pbmt === 3) return this.decide(step, 'PBMT=3 (reserved): page fault', PAGE_FAULT);
      const napot = (hi & PTE_HI_N) !== 0;
      if (napot && !this.svnapot) return this.decide(step, 'N set but Svnapot not implemented: page fault', PAGE_FAULT);
      const ppn = (hi & PTE_HI_PPN_MASK) * 4194304 + (lo >>> 10);
      if ((lo & (PTE_R | PTE_X)) === 0) {
        // Step 4: a pointer to the next level. D, A, U, PBMT and N are reserved in non-leaf PTEs.
        if (i === 0) return this.decide(step, 'pointer PTE at level 0: page fault', PAGE_FAULT);
        if ((lo & (PTE_D | PTE_A | PTE_U)) !== 0 || pbmt !== 0 || napot) return this.decide(step, 'non-leaf PTE with D/A/U/PBMT/N set (reserved): page fault', PAGE_FAULT);
        if (stage !== STAGE_G && (lo & PTE_G) !== 0) global = true;
        a = ppn;
        if (step) step.decision = `pointer to next level at ppn 0x${ppn.toString(16)}`;
        continue;
      }
      // Step 5: a leaf. Permission checks (page fault).
      const isU = (lo & PTE_U) !== 0;
      if (isU) {
        if (priv === PRV_S && (access === ACCESS_FETCH || !sum)) return this.decide(step, access === ACCESS_FETCH ? 'S-mode fetch from a U page: page fault' : 'S-mode access to a U page with SUM=0: page fault', PAGE_FAULT);
      } else if (priv === PRV_U) {
        return this.decide(step, stage === STAGE_G ? 'G-stage leaf with U=0: guest-page fault' : 'U-mode access to an S page: page fault', PAGE_FAULT);
      }
      let permitted: boolean;
      if (access === ACCESS_FETCH) permitted = (lo & PTE_X) !== 0;
      else if (access === ACCESS_STORE) permitted = (lo & PTE_W) !== 0;
      else if (hlvx) permitted = (lo & PTE_X) !== 0;
      else permitted = (lo & PTE_R) !== 0 || (mxr && (lo & PTE_X) !== 0);
      if (!permitted) return this.decide(step, step ? `no ${hlvx ? 'execute (HLVX)' : ['execute', 'read', 'write'][access]} permission: page fault` : '', PAGE_FAULT);
      // Step 6: misaligned superpage.
      const span = pow2(bits * i);
      if (i > 0 && ppn % span !== 0) return this.decide(step, 'misaligned superpage: page fault', PAGE_FAULT);
      // Svnapot: N=1 is defined only for 64 KiB at level 0 (ppn[3:0] = 1000).
      let fragment: number;
      let shift = 12 + bits * i;
      if (napot) {
        if (i !== 0 || ppn % 16 !== 8) return this.decide(step, 'N=1 with a reserved NAPOT size: page fault', PAGE_FAULT);
        fragment = ppn - (ppn % 16) + (vpn % 16);
        shift = 16;
      } else {
        fragment = ppn + (vpn % span);
      }
      // Step 7: A/D. Svade: fault. Svadu (xenvcfg.ADUE=1): set them, atomically with the check.
      const needA = (lo & PTE_A) === 0;
      const needD = access === ACCESS_STORE && (lo & PTE_D) === 0;
      if (needA || needD) {
        if (!adue) return this.decide(step, needA ? 'A=0 with Svade (ADUE=0): page fault' : 'D=0 on a store with Svade (ADUE=0): page fault', PAGE_FAULT);
        const newLo = lo | PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
        if (!this.readOnly) {
          let wpa = pa;
          if (stage === STAGE_VS) {
            // The A/D write of a VS PTE is an implicit store at the G-stage.
            const g = this.gTranslate(a, ACCESS_STORE, false, this.traceSteps === null, true);
            if (g !== OK) return this.vsPteFault(g, a, off, true, i);
            wpa = this.gPpn * 4096 + off;
          }
          if (!this.checkPhys(wpa, 8, ACCESS_STORE)) return this.decide(step, 'A/D update not permitted (PMP/PMA): access fault', ACCESS_FAULT);
          if (stage === STAGE_VS) {
            // Written once the G-stage has accepted the final GPA: a D update for an explicit
            // store must be exact (priv spec, "Svade"/Svadu rules for two-stage translation).
            this.pendingWpa = wpa;
            this.pendingLo = newLo;
          } else {
            // Single-threaded harts: the read-check-write above is atomic with respect to other harts.
            this.memory.write32(wpa, newLo);
          }
        }
        lo = newLo;
        if (step) step.decision = `leaf; ${this.readOnly ? 'would set' : 'set'} ${needA ? 'A' : ''}${needD ? 'D' : ''} (Svadu)`;
      } else if (step) {
        step.decision = 'leaf';
      }
      if (step) step.decision += `: ppn 0x${fragment.toString(16)}, page 2^${shift}`;
      this.wPpn = fragment;
      this.wFlags = lo & 0xff;
      this.wShift = shift;
      this.wGlobal = global || (stage !== STAGE_G && (lo & PTE_G) !== 0);
      return OK;
    }
    return PAGE_FAULT; // unreachable: every level returns or descends
  }

  /** A G-stage failure while reading or updating a VS PTE at GPA (tablePpn, off). */
  private vsPteFault(g: number, tablePpn: number, off: number, write: boolean, level: number): number {
    if (g === GUEST_PAGE_FAULT) {
      this.setFaultGpa(tablePpn, off);
      this.faultTinst = write ? TINST_PSEUDO_PTE_WRITE_RV64 : TINST_PSEUDO_PTE_READ_RV64;
      this.traceNote('vs', level, `G-stage fault on the PTE ${write ? 'write' : 'read'}: guest-page fault`);
      return GUEST_PAGE_FAULT;
    }
    this.accessAtG = true;
    return ACCESS_FAULT;
  }

  // ------------------------------------------------------------------ tracing helpers

  private traceStep(stage: WalkStep['stage'], level: number, tablePpn: number, off: number, pa: number, lo: number, hi: number): WalkStep {
    const pteAddr = BigInt(tablePpn) * 4096n + BigInt(off);
    const step: WalkStep = { stage, level, pteAddr, ptePa: BigInt(pa), pte: toBig(lo, hi), decision: '' };
    this.traceSteps!.push(step);
    return step;
  }

  private traceNote(stage: WalkStep['stage'], level: number, decision: string): void {
    if (this.traceSteps !== null) this.traceSteps.push({ stage, level, pteAddr: -1n, ptePa: -1n, pte: 0n, decision });
  }

  private decide(step: WalkStep | null, decision: string, status: number): number {
    if (step) step.decision = decision;
    return status;
  }

  // ------------------------------------------------------------------ off-hot-path API

  /**
   * Translates a 64-bit VA with named options (tests, VMMs, the web viewer). Style habit 7:
   * returns `{ ok: true, pa } | { ok: false, fault }`; with `trace`, each walk level too.
   */
  translateVa(va: bigint, o: TranslateVaOptions): TranslateResult {
    const lo = Number(BigInt.asIntN(32, va));
    const hi = Number(BigInt.asIntN(32, va >> 32n));
    const op = makeOp(o);
    const trace: WalkStep[] | undefined = o.trace ? [] : undefined;
    this.traceSteps = trace ?? null;
    this.readOnly = o.readOnly ?? false;
    let pa: number;
    try {
      pa = o.noTlb || o.trace ? this.translateSlow(lo, hi, op, !o.noTlb && !o.readOnly) : this.translate(lo, hi, op);
    } finally {
      this.traceSteps = null;
      this.readOnly = false;
    }
    if (pa >= 0) return trace ? { ok: true, pa, trace } : { ok: true, pa };
    const fault = this.lastFault();
    return trace ? { ok: false, fault, trace } : { ok: false, fault };
  }

  /** Walks without touching the TLBs or writing A/D bits, recording every level. */
  walkTrace(va: bigint, o: OpOptions): TranslateResult {
    return this.translateVa(va, { ...o, trace: true, noTlb: true, readOnly: true });
  }

  /** The fault fields of the last failed translation, as an object. */
  lastFault(): TranslationFault {
    const gpa = this.faultHasGpa ? toBig(this.faultGpaLo, this.faultGpaHi) : undefined;
    return {
      cause: this.faultCause,
      tval: toBig(this.faultTvalLo, this.faultTvalHi),
      gpa,
      htval: gpa === undefined ? 0n : gpa >> 2n,
      tinst: this.faultTinst,
      guestStage: this.faultGuestStage,
    };
  }

  // ------------------------------------------------------------------ fences

  /**
   * SFENCE.VMA executed with V=0 (priv spec "Supervisor Memory-Management Fence
   * Instruction"): `addr` is rs1's value when rs1 != x0, `asid` rs2's when rs2 != x0.
   * With an ASID, global mappings stay. Executed with V=1 it is `hfenceVvma` (the hart
   * routes it). HS-level (V=0) entries only.
   */
  sfenceVma(o: { addr?: bigint; asid?: number } = {}): void {
    this.fence(false, 0, o.addr, o.asid);
  }

  /**
   * HFENCE.VVMA (and SFENCE.VMA executed with V=1): VS-stage entries of the current
   * hgatp.VMID, by guest VA and/or guest ASID, same rules as SFENCE.VMA.
   */
  hfenceVvma(o: { addr?: bigint; asid?: number } = {}): void {
    this.fence(true, this.vmid, o.addr, o.asid);
  }

  /**
   * HFENCE.GVMA: G-stage translations by guest physical address (rs1 holds GPA >> 2: pass
   * `gpa` = rs1 << 2) and/or VMID (H extension "Hypervisor Memory-Management Fence
   * Instructions"). With an address, exactly the cached translations whose G-stage leaf
   * covers it go: G-stage-only entries and combined VA -> PA entries whose final GPA it is.
   * Combined entries are VS-stage results too, which HFENCE.VVMA (not GVMA) governs, as in a
   * hart with separate VS-stage and G-stage TLBs.
   */
  hfenceGvma(o: { gpa?: bigint; vmid?: number } = {}): void {
    const vmid = o.vmid === undefined ? undefined : o.vmid & 0x3fff;
    if (o.gpa === undefined) {
      this.itlb.flushVirt(vmid);
      this.dtlb.flushVirt(vmid);
      this.gtlb.flushVirt(vmid);
      return;
    }
    const lo = Number(BigInt.asIntN(32, o.gpa));
    const hi = Number(BigInt.asIntN(32, o.gpa >> 32n));
    this.itlb.fenceCombinedByGpa(lo, hi, vmid);
    this.dtlb.fenceCombinedByGpa(lo, hi, vmid);
    this.gtlb.fenceGpa(lo, hi, vmid);
  }

  /** Drops every cached translation (all stages, all contexts). */
  flushAll(): void {
    this.itlb.flushAll();
    this.dtlb.flushAll();
    this.gtlb.flushAll();
  }

  private fence(virt: boolean, vmid: number, addr: bigint | undefined, asid: number | undefined): void {
    const s = {
      virt, vmid,
      hasAddr: addr !== undefined,
      addrLo: addr === undefined ? 0 : Number(BigInt.asIntN(32, addr)),
      addrHi: addr === undefined ? 0 : Number(BigInt.asIntN(32, addr >> 32n)),
      hasAsid: asid !== undefined,
      asid: asid === undefined ? 0 : asid & 0xffff,
    };
    this.itlb.fenceVma(s);
    this.dtlb.fenceVma(s);
  }
}

/**
 * The permission requirement of one stage as (mask | value << 16) over the TLB flag bits.
 * Priv spec "Virtual Address Translation Process" step 5; SUM/MXR in "Memory Privilege in
 * mstatus Register"; HLVX in the H extension "Hypervisor Virtual-Machine Load and Store".
 */
function stagePerm(access: AccessType, priv: number, sum: boolean, mxr: boolean, hlvx: boolean): number {
  let mask = PTE_U | PTE_A;
  let val = PTE_A;
  if (priv === PRV_U) val |= PTE_U;
  else if (access !== ACCESS_FETCH && sum) mask &= ~PTE_U;
  if (access === ACCESS_FETCH) { mask |= PTE_X; val |= PTE_X; }
  else if (access === ACCESS_STORE) { mask |= PTE_W | PTE_D; val |= PTE_W | PTE_D; }
  else if (hlvx) { mask |= PTE_X; val |= PTE_X; }
  else if (mxr) { mask |= FLAG_RX; val |= FLAG_RX; }
  else { mask |= PTE_R; val |= PTE_R; }
  return mask | (val << 16);
}

function withRx(flags: number): number {
  return (flags & 0xff) | ((flags & (PTE_R | PTE_X)) !== 0 ? FLAG_RX : 0);
}

/** Bits 63:addrBits-1 of the VA all equal (priv spec Sv39: "bits 63-39 must all equal bit 38"). */
function canonical(hi: number, addrBits: number): boolean {
  const t = hi >> (addrBits - 1 - 32);
  return t === 0 || t === -1;
}

