/**
 * Constants of the RISC-V F and D extensions (unprivileged ISA, chapters
 * "F" Standard Extension for Single-Precision Floating-Point" and "D").
 */

/** fflags bits (unprivileged ISA, F extension, "Floating-Point Control and Status Register"). */
export const FFLAG_NX = 0x01; // inexact
export const FFLAG_UF = 0x02; // underflow
export const FFLAG_OF = 0x04; // overflow
export const FFLAG_DZ = 0x08; // divide by zero
export const FFLAG_NV = 0x10; // invalid operation

/** Rounding-mode encodings of the rm field and of frm. */
export const RM_RNE = 0; // round to nearest, ties to even
export const RM_RTZ = 1; // round towards zero
export const RM_RDN = 2; // round down (towards -inf)
export const RM_RUP = 3; // round up (towards +inf)
export const RM_RMM = 4; // round to nearest, ties to max magnitude
/** rm = 7 in an instruction selects frm; frm itself must not be 5, 6 or 7. */
export const RM_DYN = 7;

/** The canonical NaN of each format (F extension, "NaN Generation and Propagation"). */
export const F32_CANONICAL_NAN = 0x7fc00000;
export const F64_CANONICAL_NAN_HI = 0x7ff80000;
export const F64_CANONICAL_NAN_LO = 0;

/** FCLASS result bits (F extension, "Single-Precision Floating-Point Classify Instruction"). */
export const FCLASS_NEG_INF = 1 << 0;
export const FCLASS_NEG_NORMAL = 1 << 1;
export const FCLASS_NEG_SUBNORMAL = 1 << 2;
export const FCLASS_NEG_ZERO = 1 << 3;
export const FCLASS_POS_ZERO = 1 << 4;
export const FCLASS_POS_SUBNORMAL = 1 << 5;
export const FCLASS_POS_NORMAL = 1 << 6;
export const FCLASS_POS_INF = 1 << 7;
export const FCLASS_SNAN = 1 << 8;
export const FCLASS_QNAN = 1 << 9;

/**
 * Where soft-float operations leave their results: no operation allocates.
 * A binary32 result or a 32-bit integer is in `lo`; a binary64 result or a
 * 64-bit integer is `(lo, hi)` as int32 halves. Exception flags are ORed
 * into `flags` (the caller clears it when it wants the flags of one operation).
 */
export class FpResult {
  lo = 0;
  hi = 0;
  flags = 0;
}
