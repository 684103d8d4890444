/**
 * A direct-mapped, software-managed TLB holding 4 KiB fragments of translations.
 *
 * Struct-of-arrays storage (typed arrays), so a hit reads a few numbers and allocates
 * nothing. Each entry is tagged with a context key that folds in V, VMID, ASID and
 * the G (global) bit (see `contextKey`), and keeps what the fences need to decide
 * whether it is in scope: the leaf page size of each stage, the ASID, the VMID and the
 * guest-physical page it went through. Superpages and NAPOT ranges are cached as 4 KiB
 * fragments; an address fence matches a fragment by the size of the leaf it came from,
 * so fencing any address inside a superpage removes every fragment of it.
 */

/** The fields of an entry to insert. The translator reuses one object, so inserts do not allocate. */
export interface TlbInsert {
  /** VA (or GPA for G-stage-only entries) of the 4 KiB page, as int32 halves; lo's low 12 bits are ignored. */
  vaLo: number;
  vaHi: number;
  /** Context key from `contextKey`. */
  key: number;
  /** Permission flags: the leaf PTE bits (plus the synthetic RX bit) of each stage, see Translator. */
  flags: number;
  /** Physical address of the 4 KiB page. */
  paPage: number;
  virt: boolean;
  vmid: number;
  asid: number;
  global: boolean;
  /** log2 of the size of the leaf this fragment comes from (12, 16 for NAPOT, 21, 30, 39, 48). */
  leafShift: number;
  /** For two-stage entries: GPA page number (GPA >> 12) of this fragment, and log2 of the G-stage leaf size. */
  gppn: number;
  gShift: number;
}

/** Options of a VMA-style fence (SFENCE.VMA, HFENCE.VVMA, HFENCE.GVMA on the G-stage TLB). */
export interface TlbFenceScope {
  /** Only entries with V=virt (and, when virt, with this VMID) are in scope. */
  virt: boolean;
  vmid: number;
  /** Address to match (rs1 != x0); omitted means every address. */
  hasAddr: boolean;
  addrLo: number;
  addrHi: number;
  /** ASID to match (rs2 != x0); omitted means every ASID, and global entries are in scope only then. */
  hasAsid: boolean;
  asid: number;
}

const INVALID_TAG = 1; // never equals a page-aligned lo

/**
 * Context key of an entry or of the current translation context. Global entries use
 * asid = -1 (GLOBAL_ASID), so one comparison covers "this ASID" and a second "global".
 * `bareVs` marks two-stage entries made while vsatp was Bare (G-stage only).
 */
export function contextKey(virt: boolean, vmid: number, asid: number, bareVs: boolean): number {
  // asid + 1 in 0..65536 (17 bits), vmid 14 bits, virt and bareVs one bit each: 33 bits, exact in a double.
  return (asid + 1) + (vmid & 0x3fff) * 0x20000 + (virt ? 2 ** 31 : 0) + (bareVs ? 2 ** 32 : 0);
}
/** The ASID stored in (and used in the context key of) entries from global mappings (priv spec: PTE G bit). */
export const GLOBAL_ASID = -1;

function sameAbove(lo1: number, hi1: number, lo2: number, hi2: number, shift: number): boolean {
  if (shift >= 64) return true;
  if (shift >= 32) return ((hi1 ^ hi2) >>> (shift - 32)) === 0;
  return hi1 === hi2 && ((lo1 ^ lo2) >>> shift) === 0;
}

/** A direct-mapped TLB. `size` must be a power of two. */
export class Tlb {
  readonly size: number;
  readonly mask: number;
  readonly tagLo: Int32Array;
  readonly tagHi: Int32Array;
  readonly key: Float64Array;
  readonly flags: Int32Array;
  readonly pa: Float64Array;
  readonly asid: Int32Array;
  readonly vmid: Int32Array;
  readonly virt: Uint8Array;
  readonly leafShift: Uint8Array;
  readonly gppn: Float64Array;
  readonly gShift: Uint8Array;
  /** Count of entries made from leaves larger than 4 KiB since the last full flush: address fences scan only when nonzero. */
  private bigEntries = 0;

  constructor(size = 1024) {
    if (!(size > 0) || (size & (size - 1)) !== 0) throw new RangeError(`TLB size must be a power of two (got ${size})`);
    this.size = size;
    this.mask = size - 1;
    this.tagLo = new Int32Array(size).fill(INVALID_TAG);
    this.tagHi = new Int32Array(size);
    this.key = new Float64Array(size);
    this.flags = new Int32Array(size);
    this.pa = new Float64Array(size);
    this.asid = new Int32Array(size);
    this.vmid = new Int32Array(size);
    this.virt = new Uint8Array(size);
    this.leafShift = new Uint8Array(size);
    this.gppn = new Float64Array(size);
    this.gShift = new Uint8Array(size);
  }

  /** Index of the entry for the page of (lo, hi) in context `key` or `globalKey`, or -1. Allocation-free. */
  lookup(lo: number, hi: number, key: number, globalKey: number): number {
    const i = (lo >>> 12) & this.mask;
    if (this.tagLo[i] === (lo & ~0xfff) && this.tagHi[i] === hi) {
      const k = this.key[i];
      if (k === key || k === globalKey) return i;
    }
    return -1;
  }

  insert(e: TlbInsert): number {
    const i = (e.vaLo >>> 12) & this.mask;
    this.tagLo[i] = e.vaLo & ~0xfff;
    this.tagHi[i] = e.vaHi | 0;
    this.key[i] = e.key;
    this.flags[i] = e.flags;
    this.pa[i] = e.paPage;
    this.asid[i] = e.global ? GLOBAL_ASID : e.asid;
    this.vmid[i] = e.virt ? e.vmid : 0;
    this.virt[i] = e.virt ? 1 : 0;
    this.leafShift[i] = e.leafShift;
    this.gppn[i] = e.gppn;
    this.gShift[i] = e.gShift;
    if (e.leafShift > 12 || (e.virt && e.gShift > 12)) this.bigEntries++;
    return i;
  }

  invalidate(i: number): void {
    this.tagLo[i] = INVALID_TAG;
  }

  flushAll(): void {
    this.tagLo.fill(INVALID_TAG);
    this.bigEntries = 0;
  }

  /** Number of valid entries (for tests and statistics; not on a hot path). */
  countValid(): number {
    let n = 0;
    for (let i = 0; i < this.size; i++) if (this.tagLo[i] !== INVALID_TAG) n++;
    return n;
  }

  /**
   * Removes the entries in scope of a VMA fence. Priv spec "Supervisor Memory-Management
   * Fence Instruction": with rs2 != x0 global mappings are not flushed; with rs1 != x0 only
   * leaf translations of that address are.
   */
  fenceVma(s: TlbFenceScope): void {
    if (s.hasAddr && this.bigEntries === 0) {
      const i = (s.addrLo >>> 12) & this.mask;
      if (this.inScope(i, s)) this.invalidate(i);
      return;
    }
    for (let i = 0; i < this.size; i++) if (this.inScope(i, s)) this.invalidate(i);
  }

  private inScope(i: number, s: TlbFenceScope): boolean {
    if (this.tagLo[i] === INVALID_TAG) return false;
    if (this.virt[i] !== (s.virt ? 1 : 0)) return false;
    if (s.virt && this.vmid[i] !== s.vmid) return false;
    if (s.hasAsid && (this.asid[i] === GLOBAL_ASID || this.asid[i] !== s.asid)) return false;
    if (s.hasAddr && !sameAbove(this.tagLo[i], this.tagHi[i], s.addrLo, s.addrHi, this.leafShift[i])) return false;
    return true;
  }

  /** Removes the G-stage-only entries (tags are GPAs) whose leaf covers the GPA (lo, hi), of one VMID or all. */
  fenceGpa(lo: number, hi: number, vmid?: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.tagLo[i] === INVALID_TAG || this.virt[i] !== 1) continue;
      if (vmid !== undefined && this.vmid[i] !== vmid) continue;
      if (sameAbove(this.tagLo[i], this.tagHi[i], lo, hi, this.leafShift[i])) this.invalidate(i);
    }
  }

  /**
   * Removes the two-stage (VA -> PA) entries whose G-stage leaf covers the GPA (lo, hi), of
   * one VMID or all: the combined-entry part of HFENCE.GVMA with rs1 != x0.
   */
  fenceCombinedByGpa(lo: number, hi: number, vmid?: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.tagLo[i] === INVALID_TAG || this.virt[i] !== 1) continue;
      if (vmid !== undefined && this.vmid[i] !== vmid) continue;
      const gppn = this.gppn[i];
      const gLo = ((gppn % 0x100000) * 4096) | 0;
      const gHi = Math.floor(gppn / 0x100000) | 0;
      if (sameAbove(gLo, gHi, lo, hi, this.gShift[i])) this.invalidate(i);
    }
  }

  /** Removes every two-stage entry of a VMID (or of every VMID when `vmid` is undefined). */
  flushVirt(vmid?: number): void {
    for (let i = 0; i < this.size; i++) {
      if (this.tagLo[i] === INVALID_TAG || this.virt[i] !== 1) continue;
      if (vmid === undefined || this.vmid[i] === vmid) this.invalidate(i);
    }
  }
}
