/**
 * The code-emitter interface of instruction rows (`InsnRow.jit`). A row may carry, next to its
 * `exec`, an emitter that returns JavaScript source doing the same thing for one constant
 * instruction word; the block compiler (block.ts) splices it into a compiled block. Rows
 * without an emitter (or whose emitter returns undefined for a word) are compiled as a call of
 * their `exec`, so an emitter is an optimisation only: jit/emit.test.ts checks every emitter
 * against its row's exec on random words and register values.
 *
 * Rules for emitted code:
 * - It is one JS statement list, run inside its own `{ }`, so it may declare `const`s freely.
 * - Registers are read only through `c.lo(r)` / `c.hi(r)` (int32 halves; x0 reads `0`) and
 *   written only through `c.set(r, lo, hi)`, whose arguments must not read the destination
 *   after the first half is written (compute into consts first).
 * - Memory goes through `c.load` / `c.store` (inline RAM fast path; the slow path may trap, in
 *   which case nothing of this instruction has happened yet, so guards come first as in exec).
 * - Control flow: `c.branch` (conditional, the block goes on when not taken) and `c.jump`
 *   (the block ends). pc/npc are compile-time constants (`c.pc`, `c.npc`).
 */
export interface JitCtx {
  /** This instruction's address, low and high halves (int32). */
  readonly pc: number;
  readonly pch: number;
  /** The next instruction's address (pc + 2 for RVC, pc + 4 otherwise). */
  readonly npc: number;
  readonly npch: number;
  /** IALIGN = 16 (C enabled): jump targets need only 2-byte alignment. */
  readonly hasC: boolean;
  /** Source of bits 31:0 of x[r] as int32 ('0' for x0). */
  lo(r: number): string;
  /** Source of bits 63:32 of x[r] as int32 ('0' for x0). */
  hi(r: number): string;
  /** Statements setting x[r] to (lo, hi); nothing for x0. */
  set(r: number, lo: string, hi: string): string;
  /**
   * Statements loading `size` bytes at the address (al, ah) (names of int32 consts) into a new
   * local `v` (int32; sign- or zero-extended to 32 bits for sizes 1 and 2 per `signed`), and for
   * size 8 the high half into `vh`. Faults and MMIO behave as `Hart.loadN`.
   */
  load(size: 1 | 2 | 4 | 8, signed: boolean, al: string, ah: string): string;
  /** Statements storing the low `size` bytes of (vl, vh) at (al, ah); as `Hart.storeN`. */
  store(size: 1 | 2 | 4 | 8, al: string, ah: string, vl: string, vh: string): string;
  /**
   * `if (cond)` go to pc + off (a conditional branch; not taken falls through to the next
   * instruction). Undefined when the target would raise instruction-address-misaligned
   * (then the row's exec runs instead).
   */
  branch(cond: string, off: number): string | undefined;
  /** Statements ending the block at the address (lo, hi) (source expressions, evaluated once). */
  jump(lo: string, hi: string): string;
  /** An identifier the emitted code can call `f` by (a pure helper: it must not touch the hart). */
  fn(f: (...args: never[]) => unknown): string;
}

/** A row's code emitter: source for `insn`, or undefined to run the row's exec instead. */
export type JitEmit = (insn: number, c: JitCtx) => string | undefined;
