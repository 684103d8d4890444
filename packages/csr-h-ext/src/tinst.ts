/**
 * The value written to htinst/mtinst on a trap (H: "Transformed Instruction or
 * Pseudoinstruction for mtinst or htinst"): zero, a *transformed* standard load, store, AMO
 * or HLV/HLVX/HSV (immediate zeroed, rs1 replaced by the offset of the faulting address from
 * the original one, bit 1 cleared for a compressed instruction), or a pseudo-instruction for
 * an implicit VS-stage page-table access (which the translator supplies).
 */
import type { Hart } from '@tsvisor/isa-core';

const CAUSES_WITH_TRANSFORM = new Set([4, 5, 6, 7, 13, 15, 21, 23]);

/**
 * The transformed instruction for exception `cause` raised by the instruction in `h.raw`
 * at virtual address tval (lo), or 0 when none is defined.
 */
export function transformedInstruction(h: Hart, cause: number, tvalLo: number): number {
  if (!CAUSES_WITH_TRANSFORM.has(cause)) return 0;
  const raw = h.raw;
  const compressed = (raw & 3) !== 3;
  let w = raw;
  if (compressed) {
    const d = h.decode(raw & 0xffff);
    if (!d) return 0;
    w = d.word;
  }
  const opcode = w & 0x7f;
  const rs1 = (w >>> 15) & 31;
  const base = h.x[2 * rs1];
  let imm = 0;
  let t: number;
  switch (opcode) {
    case 0x03: // LB LH LW LD LBU LHU LWU
    case 0x07: // FLW FLD FLH FLQ
      imm = w >> 20;
      t = w & 0x000fffff & ~(31 << 15);
      break;
    case 0x23: // SB SH SW SD
    case 0x27: // FSW FSD FSH FSQ
      imm = ((w >> 20) & ~31) | ((w >>> 7) & 31);
      t = w & 0x01fff07f & ~(31 << 15);
      break;
    case 0x2f: // LR SC AMO*
      t = w & ~(31 << 15);
      break;
    case 0x73: // HLV HLVX HSV (funct3 4)
      if (((w >>> 12) & 7) !== 4) return 0;
      t = w & ~(31 << 15);
      break;
    default:
      return 0;
  }
  // Addr. Offset: the positive difference between the faulting address and the original one
  // (nonzero only for a misaligned access that faulted on a later part).
  const offset = (tvalLo - ((base + imm) | 0)) | 0;
  if (offset > 0 && offset < 32) t |= offset << 15;
  if (compressed) t &= ~2;
  return t | 0;
}
