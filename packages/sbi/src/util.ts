/** Small helpers shared by the extension modules (not exported from index.ts). */
import type { SbiCallContext, SbiOutcome } from './types';
import { SBI_ERR_INVALID_PARAM, SBI_SUCCESS } from './defs';

const MASK64 = (1n << 64n) - 1n;

/** An argument register as an unsigned 64-bit value (missing args read as 0). */
export function arg(args: readonly bigint[], i: number): bigint {
  const v = args[i];
  return v === undefined ? 0n : v & MASK64;
}

/**
 * A `uint32_t` parameter: "higher privilege software must ensure that it only
 * uses 32 bit data" (SBI spec, "Binary Encoding"), so only bits 31:0 count.
 */
export function arg32(args: readonly bigint[], i: number): number {
  return Number(arg(args, i) & 0xffffffffn);
}

export function ret(error: number, value: bigint = 0n): SbiOutcome {
  return { kind: 'return', error, value: value & MASK64 };
}

export const ok = (value: bigint = 0n): SbiOutcome => ret(SBI_SUCCESS, value);

export const ALL_ONES = MASK64;

/**
 * Decodes a hart list (SBI spec, "Hart list parameter"): hart_mask_base = -1
 * means every hart; otherwise bit i of hart_mask names hart base + i, and every
 * named hart must exist. The base itself need not exist unless bit 0 is set.
 */
export function decodeHartMask(ctx: SbiCallContext, mask: bigint, base: bigint): number[] | undefined {
  if (base === ALL_ONES) return [...ctx.hartIds];
  const harts: number[] = [];
  for (let i = 0n; i < 64n; i++) {
    if (((mask >> i) & 1n) === 0n) continue;
    const id = base + i;
    if (!ctx.isHart(id)) return undefined;
    harts.push(Number(id));
  }
  return harts;
}

export const INVALID_HART_MASK = ret(SBI_ERR_INVALID_PARAM);

/** Reads a little-endian unsigned 64-bit value from bytes. */
export function le64(bytes: Uint8Array, off = 0): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i] ?? 0);
  return v;
}

/** Joins a (lo, hi) pair of XLEN registers into a physical address (SBI spec, "Binary Encoding"). */
export function joinAddress(lo: bigint, hi: bigint): bigint {
  return (hi << 64n) | lo;
}
