/**
 * Access kinds and the packed "operation" number the hot path takes.
 *
 * The hart computes an op once per privilege change (for fetches) or per data access
 * kind, so `Translator.translate(lo, hi, op)` takes three numbers and allocates nothing.
 * The effective privilege is the caller's job: for data accesses with mstatus.MPRV=1
 * pass priv = MPP and virt = MPV (priv spec "Memory Privilege in mstatus Register";
 * H extension: MPRV with MPV=1 gives two-stage translation as VS/VU). Fetches always
 * use the current privilege. HLV/HLVX/HSV pass priv = hstatus.SPVP and virt = true,
 * ignoring MPRV. M-mode (priv 3, virt false) is never translated.
 */
/** Instruction fetch (faults 1/12/20). */
export const ACCESS_FETCH = 0;
/** Load, LR, HLV/HLVX (faults 5/13/21). */
export const ACCESS_LOAD = 1;
/** Store, SC, AMO, HSV (faults 7/15/23). */
export const ACCESS_STORE = 2;
/** 0 fetch, 1 load (or HLVX with OP_HLVX), 2 store/AMO. */
export type AccessType = 0 | 1 | 2;

/** Bits 1:0 of an op: the access type. */
export const OP_ACCESS_MASK = 3;
/** Bits 3:2 of an op: the effective privilege (0 U, 1 S, 3 M). */
export const OP_PRIV_SHIFT = 2;
/** V=1: two-stage translation (VS-stage via vsatp, then G-stage via hgatp). */
export const OP_VIRT = 16;
/** HLVX: execute permission is required instead of read, at both stages. */
export const OP_HLVX = 32;
/** Number of distinct op values (the tables indexed by op have this length). */
export const OP_COUNT = 64;

export type AccessName = 'fetch' | 'load' | 'store';
/** Access type numbers by name. */
export const ACCESS_BY_NAME: Readonly<Record<AccessName, AccessType>> = { fetch: ACCESS_FETCH, load: ACCESS_LOAD, store: ACCESS_STORE };

/** Options of an operation: effective privilege (0 U, 1 S, 3 M), V, and the HLVX flag. */
export interface OpOptions {
  access: AccessType | AccessName;
  priv: 0 | 1 | 3;
  virt?: boolean;
  hlvx?: boolean;
}

/** Packs an operation for `Translator.translate`. Compute it once and keep it; it is a small integer. */
export function makeOp(o: OpOptions): number {
  const a = typeof o.access === 'number' ? o.access : ACCESS_BY_NAME[o.access];
  return a | (o.priv << OP_PRIV_SHIFT) | (o.virt ? OP_VIRT : 0) | (o.hlvx ? OP_HLVX : 0);
}

/**
 * Converts a hart mode number `priv | (virt ? 4 : 0)` (the encoding isa-core's hooks use)
 * and an access type into an op: the two encodings line up, so this is one shift and OR.
 */
export function opFromPrivMode(access: AccessType, mode: number, hlvx = false): number {
  return access | ((mode & 7) << OP_PRIV_SHIFT) | (hlvx ? OP_HLVX : 0);
}
