/**
 * Test doubles: a small sparse RAM implementing PteMemory, and a page-table builder
 * for hand-made Sv39/48/57 and SvNNx4 tables. Exported for other packages' tests.
 */
import type { PteMemory } from '../translator.js';
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from '../defs.js';
import { findPagingMode, type PagingMode } from '../modes.js';

/** Sparse little-endian RAM of 32-bit words; unwritten words read 0. Counts accesses. */
export class SparseRam implements PteMemory {
  private readonly words = new Map<number, number>();
  reads = 0;
  writes = 0;
  read32(pa: number): number {
    this.reads++;
    return this.words.get(pa) ?? 0;
  }
  write32(pa: number, value: number): void {
    this.writes++;
    this.words.set(pa, value >>> 0);
  }
  read64(pa: number): bigint {
    return (BigInt(this.words.get(pa + 4) ?? 0) << 32n) | BigInt(this.words.get(pa) ?? 0);
  }
  /** Every written word, sorted by address (for comparing two RAMs). */
  dump(): [number, number][] {
    return [...this.words.entries()].sort((a, b) => a[0] - b[0]);
  }
  write64(pa: number, v: bigint): void {
    this.words.set(pa, Number(v & 0xffffffffn));
    this.words.set(pa + 4, Number((v >> 32n) & 0xffffffffn));
  }
}

/** Flat RAM of `size` bytes at `base`, backed by a Uint32Array (fast, like a hart's RAM). Outside reads 0. */
export class FlatRam extends SparseRam {
  private readonly w: Uint32Array;
  constructor(readonly base: number, readonly size: number) {
    super();
    this.w = new Uint32Array(size / 4);
  }
  private idx(pa: number): number {
    const o = pa - this.base;
    return o >= 0 && o < this.size ? o / 4 : -1;
  }
  override read32(pa: number): number {
    const i = this.idx(pa);
    return i >= 0 ? this.w[i] : 0;
  }
  override write32(pa: number, value: number): void {
    const i = this.idx(pa);
    if (i >= 0) this.w[i] = value;
  }
  override read64(pa: number): bigint {
    return (BigInt(this.read32(pa + 4)) << 32n) | BigInt(this.read32(pa));
  }
  override write64(pa: number, v: bigint): void {
    this.write32(pa, Number(v & 0xffffffffn));
    this.write32(pa + 4, Number((v >> 32n) & 0xffffffffn));
  }
}

/** Builds a PTE from a PPN and flag bits (and optional high bits 63:54 as `hiBits << 54`). */
export function pte(ppn: bigint | number, flags: number, hiBits = 0n): bigint {
  return (BigInt(ppn) << 10n) | BigInt(flags) | (hiBits << 54n);
}

export const RWX = PTE_R | PTE_W | PTE_X;
export const LEAF = PTE_V | PTE_A | PTE_D;
export const URWX = RWX | PTE_U;

/**
 * Allocates page-table pages from `next` upwards and maps pages. `map` writes the
 * pointer PTEs it needs (flags V only) and the leaf at `level` (0 = 4 KiB).
 */
export class PageTableBuilder {
  readonly mode: PagingMode;
  readonly root: number;
  private next: number;
  constructor(readonly ram: SparseRam, stage: 'single' | 'g', modeValue: number, tableBase: number) {
    const m = findPagingMode(stage, modeValue);
    if (!m) throw new Error(`no paging mode ${stage}/${modeValue}`);
    this.mode = m;
    this.root = tableBase;
    const rootBytes = 2 ** (m.vpnBits + m.widenBits) * m.pteBytes;
    this.next = tableBase + rootBytes;
  }
  /** Index of `va` at `level`. */
  index(va: bigint, level: number): number {
    const bits = this.mode.vpnBits + (level === this.mode.levels - 1 ? this.mode.widenBits : 0);
    return Number((va >> BigInt(12 + this.mode.vpnBits * level)) & ((1n << BigInt(bits)) - 1n));
  }
  /** Address of the PTE for `va` at `level`, creating pointer PTEs down to it. */
  slot(va: bigint, level: number, pointerFlags = PTE_V): number {
    let table = this.root;
    for (let i = this.mode.levels - 1; i > level; i--) {
      const addr = table + this.index(va, i) * 8;
      const cur = this.ram.read64(addr);
      if ((cur & 1n) === 0n) {
        const page = this.next;
        this.next += 4096;
        this.ram.write64(addr, pte(page / 4096, pointerFlags));
        table = page;
      } else {
        table = Number(cur >> 10n) * 4096;
      }
    }
    return table + this.index(va, level) * 8;
  }
  /** Maps `va` to `pa` with a leaf at `level` carrying `flags` (V is added). Returns the PTE address. */
  map(va: bigint, pa: number, flags: number, level = 0, hiBits = 0n): number {
    const addr = this.slot(va, level);
    this.ram.write64(addr, pte(pa / 4096, flags | PTE_V, hiBits));
    return addr;
  }
  /** Writes a raw PTE value for `va` at `level`. */
  setRaw(va: bigint, level: number, value: bigint): number {
    const addr = this.slot(va, level);
    this.ram.write64(addr, value);
    return addr;
  }
}

export { referenceTranslate, type RefConfig, type RefResult } from './reference.js';
