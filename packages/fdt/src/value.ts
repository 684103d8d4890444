import { FdtError } from './errors.js';

/** A reference to the node carrying `label`; it becomes that node's phandle (DT spec 2.3.3). */
export interface PhandleRef {
  readonly ref: string;
}

/** One 32-bit cell: a number (0..2^32-1; negative int32 values are taken as their two's complement) or a phandle reference. */
export type Cell = number | PhandleRef;

/**
 * A property value, as DT spec 2.2.4 "Property Values" describes them.
 * - `empty`: a boolean property (no value)
 * - `cells`: a <prop-encoded-array> of u32 cells, big-endian, may hold phandle references
 * - `u64`: u64 values, each written as two cells, high cell first
 * - `string`, `strings`: NUL-terminated string(s), a <stringlist> back to back
 * - `bytes`: raw bytes, written as given
 */
export type FdtValue =
  | { readonly kind: 'empty' }
  | { readonly kind: 'cells'; readonly cells: readonly Cell[] }
  | { readonly kind: 'u64'; readonly values: readonly (bigint | number)[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'strings'; readonly values: readonly string[] }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array };

/** A phandle reference to the node labelled `label`, for use inside cells. */
export function ref(label: string): PhandleRef {
  return { ref: label };
}

export function isRef(c: Cell): c is PhandleRef {
  return typeof c === 'object';
}

/** Splits a u64 into two cells, high first (DT spec 2.2.4: "<u64> ... represented by two <u32>"). */
export function u64Cells(v: bigint | number): [number, number] {
  const b = toU64(v, 'u64 value');
  return [Number(b >> 32n), Number(b & 0xffff_ffffn)];
}

export function toU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0xffff_ffff) {
    throw new FdtError(`${what}: ${v} is not a 32-bit cell value`);
  }
  return v >>> 0;
}

export function toU64(v: bigint | number, what: string): bigint {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new FdtError(`${what}: ${v} is not a u64 value`);
    return BigInt(v);
  }
  if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw new FdtError(`${what}: ${v} is not a u64 value`);
  return v;
}
