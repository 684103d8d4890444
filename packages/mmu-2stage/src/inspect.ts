/**
 * Off-hot-path helpers for viewers and debuggers: decode a PTE, and list the mappings of a
 * page table. Priv spec "Sv39" PTE format; Svnapot (bit 63), Svpbmt (bits 62:61).
 */
import { findPagingMode } from './modes.js';
import type { PteMemory } from './translator.js';

/** A PTE's fields, decoded. */
export interface PteFields {
  v: boolean; r: boolean; w: boolean; x: boolean; u: boolean; g: boolean; a: boolean; d: boolean;
  /** RSW bits 9:8 (software use). */
  rsw: number;
  ppn: bigint;
  /** Svpbmt: 0 PMA, 1 NC, 2 IO, 3 reserved. */
  pbmt: number;
  /** Svnapot N bit. */
  n: boolean;
  /** Bits 60:54 (reserved: a page fault when nonzero). */
  reserved: number;
  /** Pointer to the next level (V=1, R=W=X=0). */
  pointer: boolean;
}

/** Decodes a 64-bit PTE (Sv39/48/57 and SvNNx4 share the format). */
export function decodePte(pte: bigint): PteFields {
  const b = (n: number) => ((pte >> BigInt(n)) & 1n) === 1n;
  const fields = {
    v: b(0), r: b(1), w: b(2), x: b(3), u: b(4), g: b(5), a: b(6), d: b(7),
    rsw: Number((pte >> 8n) & 3n),
    ppn: (pte >> 10n) & ((1n << 44n) - 1n),
    pbmt: Number((pte >> 61n) & 3n),
    n: b(63),
    reserved: Number((pte >> 54n) & 0x7fn),
    pointer: false,
  };
  fields.pointer = fields.v && !fields.r && !fields.w && !fields.x;
  return fields;
}

/** Formats a PTE the way a viewer shows it: "V R W X U G A D" flags, PPN, and the extensions' fields. */
export function formatPte(pte: bigint): string {
  const f = decodePte(pte);
  const flags = (['v', 'r', 'w', 'x', 'u', 'g', 'a', 'd'] as const).map((k) => (f[k] ? k.toUpperCase() : '-')).join('');
  let s = `${flags} ppn=0x${f.ppn.toString(16)}`;
  if (f.n) s += ' N';
  if (f.pbmt) s += ` pbmt=${['PMA', 'NC', 'IO', 'reserved'][f.pbmt]}`;
  if (f.reserved) s += ` reserved=0x${f.reserved.toString(16)}`;
  return s;
}

/** One leaf mapping found by `listMappings`. */
export interface Mapping {
  /** First address mapped (VA for single-stage tables, GPA for G-stage tables; sign-extended VA). */
  va: bigint;
  /** Bytes mapped by this leaf (4 KiB, 64 KiB NAPOT, 2 MiB, 1 GiB, ...). */
  size: bigint;
  pa: bigint;
  level: number;
  pte: bigint;
  /** Address the leaf PTE was read from. */
  pteAddr: bigint;
}

export interface ListMappingsOptions {
  memory: PteMemory;
  /** 'single' for satp/vsatp tables, 'g' for hgatp tables. */
  stage: 'single' | 'g';
  /** MODE field value (8, 9, 10). */
  mode: number;
  /** Root table PPN (for 'g', PPN[1:0] are ignored). */
  rootPpn: bigint;
  /** Stop after this many leaves (default 4096). */
  limit?: number;
  /** Stop after reading this many tables (default 1024): loops and shared tables in guest memory stay cheap. */
  maxTables?: number;
}

/**
 * Lists the valid leaves of a page table, in address order (a viewer's map). It reads
 * tables as a walk would, without the permission checks, and stops at `limit` leaves or
 * `maxTables` tables read; it never goes deeper than the mode's levels, so loops end.
 * Tables at or above 2^53 are skipped.
 */
export function listMappings(o: ListMappingsOptions): Mapping[] {
  const mode = findPagingMode(o.stage, o.mode);
  if (!mode) return [];
  const limit = o.limit ?? 4096;
  let tablesLeft = o.maxTables ?? 1024;
  const out: Mapping[] = [];
  const root = o.stage === 'g' ? o.rootPpn & ~3n : o.rootPpn;
  const vaBits = BigInt(mode.addrBits);
  const visit = (tablePpn: bigint, level: number, base: bigint): void => {
    if (tablesLeft-- <= 0) return;
    const idxBits = mode.vpnBits + (level === mode.levels - 1 ? mode.widenBits : 0);
    const shift = BigInt(12 + mode.vpnBits * level);
    for (let i = 0; i < 2 ** idxBits && out.length < limit; i++) {
      const addr = tablePpn * 4096n + BigInt(i * mode.pteBytes);
      if (addr >= 1n << 53n) return;
      const a = Number(addr);
      const pte = (BigInt(o.memory.read32(a + 4) >>> 0) << 32n) | BigInt(o.memory.read32(a) >>> 0);
      const f = decodePte(pte);
      if (!f.v) continue;
      const va = base | (BigInt(i) << shift);
      if (f.pointer) {
        if (level > 0) visit(f.ppn, level - 1, va);
        continue;
      }
      let size = 1n << shift;
      let pa = f.ppn << 12n;
      if (f.n && level === 0 && (f.ppn & 0xfn) === 8n) {
        size = 1n << 16n;
        pa = (f.ppn & ~0xfn) << 12n;
      }
      // Sign-extend single-stage VAs (bits above the VA width copy its top bit).
      const sext = o.stage === 'single' && ((va >> (vaBits - 1n)) & 1n) === 1n ? va | ~((1n << vaBits) - 1n) & ((1n << 64n) - 1n) : va;
      out.push({ va: sext, size, pa, level, pte, pteAddr: addr });
    }
  };
  visit(root, mode.levels - 1, 0n);
  return out;
}
