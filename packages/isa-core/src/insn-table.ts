/**
 * The instruction table: one row per instruction drives decode, execute, encode and disassembly.
 *
 * ## Rows
 * `{ name, ext, fmt, match, mask, exec }`: an instruction word `w` is this row when
 * `(w & mask) === match`. `name` is the objdump (no-aliases) mnemonic. `ext` names the
 * extension(s) that must be enabled, joined by '+' (e.g. 'zicsr', 'c+d').
 *
 * 16-bit (compressed) rows carry `expand(w16)` instead of `exec`: it returns the equivalent
 * 32-bit instruction word, or 0 for a reserved/illegal encoding. The hart executes the
 * expansion's row with the expanded word, and the instruction length 2. Semantics are
 * therefore written once, for the 32-bit form. (Unprivileged ISA, "C" chapter: every RVC
 * instruction expands into a single base instruction.)
 *
 * ## The exec(hart, insn) calling convention
 * - `insn` is the 32-bit instruction word (the expansion for compressed instructions).
 * - Before `exec`, the hart has set `h.pc`/`h.pch` to the instruction's own address and
 *   `h.npc`/`h.npch` to the address of the next instruction (pc + 2 or pc + 4). A jump or
 *   taken branch writes `h.npc`/`h.npch`; link registers get the old `h.npc` (so c.jal links pc+2).
 * - Integer registers: `h.x` is an Int32Array view into the WebAssembly.Memory with
 *   `x[2*r]` = bits 31:0 and `x[2*r+1]` = bits 63:32 of register r. The doubled indices are
 *   cheap to extract: `rd*2 = (insn >>> 6) & 62`, `rs1*2 = (insn >>> 14) & 62`,
 *   `rs2*2 = (insn >>> 19) & 62`. Writing x0 is allowed: the hart re-zeroes it after
 *   every instruction.
 * - FP registers: `h.f` Int32Array (same interleaving), `h.fd` Float64Array (fd[r]) and
 *   `h.fs` Float32Array (fs[2*r] is the single in the low half) alias the same bytes.
 *   Writing a single must NaN-box it: `f[2*r+1] = -1`. `h.fflags` and `h.frm` hold fcsr.
 *   `h.requireFs(insn)` raises illegal-instruction when mstatus.FS (or, under H, vsstatus.FS)
 *   is Off; `h.dirtyFs()` marks FS (and SD) Dirty; call it after writing an f register or fflags.
 * - Memory: `h.load8/16/32(aLo, aHi, signed)`, `h.load64(aLo, aHi)` (returns lo, hi in `R.hi`
 *   from int64.ts), `h.store8/16/32(aLo, aHi, v)`, `h.store64(aLo, aHi, lo, hi)` translate,
 *   check and raise the right fault. `h.addrI(insn)` / `h.addrS(insn)` compute rs1 + imm
 *   (returns lo, hi in `R.hi`).
 * - Traps: `h.raise(cause, tvalLo, tvalHi)` performs trap entry and throws the preallocated
 *   `TRAP` sentinel, so it never returns (type `never`); `h.illegal()` raises
 *   illegal-instruction with tval = the original instruction bits (16-bit for RVC, as QEMU).
 *   Guards come first in every exec, so a trap leaves no partial architectural effect.
 *   Any other exception escaping an exec is a bug in the emulator, not a guest outcome.
 */
import type { Hart } from './hart.js';
import type { JitEmit } from './jit/emit.js';

/** Semantics of one instruction. */
export type ExecFn = (h: Hart, insn: number) => void;

/** `row` with a code emitter for compiled blocks (kept next to the row's exec). */
export const withJit = (row: InsnRow, jit: JitEmit): InsnRow => ({ ...row, jit });

/** A JS numeric literal for an int32, parenthesised when negative (so `a-${k(n)}` stays valid). */
export const lit = (n: number): string => (n < 0 ? `(${n})` : String(n));

/**
 * Operand format: comma-separated operand letters as objdump prints them.
 *   d s t      rd, rs1, rs2 (integer)            D S T R   rd, rs1, rs2, rs3 (FP)
 *   j          I-type immediate (signed 12)      o(s)      load address: I-imm(rs1)
 *   q(s)       store address: S-imm(rs1)         (s)       zero-offset address (AMO, LR/SC)
 *   p          branch target                     a         jal target
 *   u          U-type immediate (printed 0x…)    >  <      shamt 6 / shamt 5
 *   E          CSR                               Z         CSR zimm (rs1 field)
 *   m          rounding mode (printed when not dyn)   P Q  fence predecessor / successor
 *   (empty)    no operands
 * Compressed rows use the fmt of the instruction they expand to (disassembly goes through
 * the expansion, as objdump's default output does).
 */
export type OperandFormat = string;

export interface InsnRow {
  /** objdump mnemonic without aliases, e.g. 'addi', 'c.addi', 'fmadd.s'. */
  readonly name: string;
  /** Required extension(s), lowercase, '+'-joined: 'i', 'm', 'a', 'f', 'd', 'c', 'c+d', 'zicsr', 'zba', 'h'. */
  readonly ext: string;
  readonly fmt: OperandFormat;
  readonly match: number;
  readonly mask: number;
  /** 32-bit rows: the semantics. */
  readonly exec?: ExecFn;
  /** 32-bit rows, optional: JS source doing what exec does, for compiled blocks (jit/emit.ts). */
  readonly jit?: JitEmit;
  /** 16-bit rows: the equivalent 32-bit word, or 0 when reserved/illegal. */
  readonly expand?: (w16: number) => number;
  /** Only valid on RV64 (all rows here are RV64; kept for a future RV32 hart). */
  readonly rv64only?: boolean;
}

/** True when the row's 'ext' requirement is met by the enabled set. */
export function rowEnabled(row: InsnRow, enabled: ReadonlySet<string>): boolean {
  for (const e of row.ext.split('+')) if (!enabled.has(e)) return false;
  return true;
}

/**
 * A decoder over a set of rows: 32-bit rows bucketed by major opcode (bits 6:0),
 * 16-bit rows by quadrant and funct3 (bits 1:0, 15:13). Within a bucket the rows are
 * tried in order of decreasing mask popcount so the most specific encoding wins
 * (e.g. c.jr before c.mv, hint-free forms before general ones).
 */
export class Decoder {
  private readonly wide: InsnRow[][] = [];
  private readonly narrow: InsnRow[][] = [];
  readonly rows: readonly InsnRow[];

  constructor(rows: readonly InsnRow[]) {
    this.rows = rows;
    for (let i = 0; i < 128; i++) this.wide.push([]);
    for (let i = 0; i < 32; i++) this.narrow.push([]);
    const pop = (m: number): number => {
      let c = 0;
      for (let v = m >>> 0; v !== 0; v &= v - 1) c++;
      return c;
    };
    const sorted = [...rows].sort((a, b) => pop(b.mask) - pop(a.mask));
    for (const r of sorted) {
      if ((r.match & 3) === 3) {
        if ((r.mask & 0x7f) !== 0x7f) throw new Error(`row ${r.name}: mask must cover the opcode`);
        this.wide[r.match & 0x7f].push(r);
      } else {
        if ((r.mask & 0xe003) !== 0xe003) throw new Error(`row ${r.name}: mask must cover quadrant and funct3`);
        this.narrow[((r.match >>> 13) & 7) | ((r.match & 3) << 3)].push(r);
      }
    }
  }

  /** The row for a 32-bit word (low bits 11) or a 16-bit word; undefined when none matches. */
  find(w: number): InsnRow | undefined {
    if ((w & 3) === 3) {
      const b = this.wide[w & 0x7f];
      for (let i = 0; i < b.length; i++) if ((w & b[i].mask) === (b[i].match | 0)) return b[i];
      return undefined;
    }
    w &= 0xffff;
    const b = this.narrow[((w >>> 13) & 7) | ((w & 3) << 3)];
    for (let i = 0; i < b.length; i++) if ((w & b[i].mask) === b[i].match) return b[i];
    return undefined;
  }
}

/** Instruction field helpers (unprivileged ISA 2.3, "Immediate Encoding Variants"). */
export const immI = (i: number): number => i >> 20;
export const immS = (i: number): number => ((i >> 20) & ~31) | ((i >>> 7) & 31);
export const immB = (i: number): number =>
  ((i >> 19) & ~0xfff) | ((i << 4) & 0x800) | ((i >>> 20) & 0x7e0) | ((i >>> 7) & 0x1e);
export const immU = (i: number): number => i & ~0xfff;
export const immJ = (i: number): number =>
  ((i >> 11) & ~0xfffff) | (i & 0xff000) | ((i >>> 9) & 0x800) | ((i >>> 20) & 0x7fe);
