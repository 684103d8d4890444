/**
 * C extension (unprivileged ISA ch. 16 "Compressed Instructions", RV64 forms; Zca/Zcd).
 * Each row expands a 16-bit word into its 32-bit equivalent; reserved encodings (the
 * all-zero word, c.addi4spn with imm 0, c.lwsp/c.ldsp with rd 0, c.jr with rs1 0,
 * c.addi16sp/c.lui with imm 0, c.addiw with rd 0, quadrant-0 funct3 100, and the reserved
 * CA encodings) expand to 0, which the hart turns into illegal-instruction with
 * tval = the 16-bit word. HINT encodings expand to their base instruction (a no-op effect).
 */
import type { InsnRow } from '../insn-table.js';

// 32-bit encoders for expansions.
export const encR = (op: number, f3: number, f7: number, rd: number, rs1: number, rs2: number): number =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) | 0;
export const encI = (op: number, f3: number, rd: number, rs1: number, imm: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) | 0;
export const encS = (op: number, f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op) | 0;
export const encB = (f3: number, rs1: number, rs2: number, imm: number): number =>
  ((((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63) | 0;
export const encJ = (rd: number, imm: number): number =>
  ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) | 0;
export const encU = (op: number, rd: number, imm20: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | op) | 0;

const bit = (w: number, b: number): number => (w >>> b) & 1;
const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1);
const sext = (v: number, n: number): number => (v << (32 - n)) >> (32 - n);
const rdp = (w: number): number => 8 + bits(w, 4, 2);
const rs1p = (w: number): number => 8 + bits(w, 9, 7);
const rs2p = rdp;
const rdf = (w: number): number => bits(w, 11, 7);
const rs2f = (w: number): number => bits(w, 6, 2);
/** The 6-bit signed immediate imm[5] = bit 12, imm[4:0] = bits 6:2. */
const imm6 = (w: number): number => sext((bit(w, 12) << 5) | bits(w, 6, 2), 6);
const uimm6 = (w: number): number => (bit(w, 12) << 5) | bits(w, 6, 2);

// Offsets of the loads/stores.
const offLw = (w: number): number => (bits(w, 12, 10) << 3) | (bit(w, 6) << 2) | (bit(w, 5) << 6);
const offLd = (w: number): number => (bits(w, 12, 10) << 3) | (bits(w, 6, 5) << 6);
const offLwsp = (w: number): number => (bit(w, 12) << 5) | (bits(w, 6, 4) << 2) | (bits(w, 3, 2) << 6);
const offLdsp = (w: number): number => (bit(w, 12) << 5) | (bits(w, 6, 5) << 3) | (bits(w, 4, 2) << 6);
const offSwsp = (w: number): number => (bits(w, 12, 9) << 2) | (bits(w, 8, 7) << 6);
const offSdsp = (w: number): number => (bits(w, 12, 10) << 3) | (bits(w, 9, 7) << 6);
const offJ = (w: number): number =>
  sext((bit(w, 12) << 11) | (bit(w, 11) << 4) | (bits(w, 10, 9) << 8) | (bit(w, 8) << 10) | (bit(w, 7) << 6) |
    (bit(w, 6) << 7) | (bits(w, 5, 3) << 1) | (bit(w, 2) << 5), 12);
const offB = (w: number): number =>
  sext((bit(w, 12) << 8) | (bits(w, 11, 10) << 3) | (bits(w, 6, 5) << 6) | (bits(w, 4, 3) << 1) | (bit(w, 2) << 5), 9);

const row = (name: string, ext: string, q: number, f3: number, expand: (w: number) => number, extraMask = 0, extraMatch = 0): InsnRow =>
  ({ name, ext, fmt: '', match: (f3 << 13) | q | extraMatch, mask: 0xe003 | extraMask, expand });

export const C_ROWS: InsnRow[] = [
  // ---- quadrant 0 ----
  row('c.addi4spn', 'zca', 0, 0, (w) => {
    const imm = (bits(w, 12, 11) << 4) | (bits(w, 10, 7) << 6) | (bit(w, 6) << 2) | (bit(w, 5) << 3);
    return imm === 0 ? 0 : encI(0x13, 0, rdp(w), 2, imm);
  }),
  row('c.fld', 'zcd', 0, 1, (w) => encI(0x07, 3, rdp(w), rs1p(w), offLd(w))),
  row('c.lw', 'zca', 0, 2, (w) => encI(0x03, 2, rdp(w), rs1p(w), offLw(w))),
  row('c.ld', 'zca', 0, 3, (w) => encI(0x03, 3, rdp(w), rs1p(w), offLd(w))),
  row('c.fsd', 'zcd', 0, 5, (w) => encS(0x27, 3, rs1p(w), rs2p(w), offLd(w))),
  row('c.sw', 'zca', 0, 6, (w) => encS(0x23, 2, rs1p(w), rs2p(w), offLw(w))),
  row('c.sd', 'zca', 0, 7, (w) => encS(0x23, 3, rs1p(w), rs2p(w), offLd(w))),
  // ---- quadrant 1 ----
  row('c.addi', 'zca', 1, 0, (w) => encI(0x13, 0, rdf(w), rdf(w), imm6(w))),
  row('c.addiw', 'zca', 1, 1, (w) => (rdf(w) === 0 ? 0 : encI(0x1b, 0, rdf(w), rdf(w), imm6(w)))),
  row('c.li', 'zca', 1, 2, (w) => encI(0x13, 0, rdf(w), 0, imm6(w))),
  row('c.addi16sp', 'zca', 1, 3, (w) => {
    const imm = sext((bit(w, 12) << 9) | (bit(w, 6) << 4) | (bit(w, 5) << 6) | (bits(w, 4, 3) << 7) | (bit(w, 2) << 5), 10);
    return imm === 0 ? 0 : encI(0x13, 0, 2, 2, imm);
  }, 0x0f80, 0x0100),
  row('c.lui', 'zca', 1, 3, (w) => {
    const imm = imm6(w);
    return imm === 0 ? 0 : encU(0x37, rdf(w), imm);
  }),
  row('c.srli', 'zca', 1, 4, (w) => encI(0x13, 5, rs1p(w), rs1p(w), uimm6(w)), 0x0c00, 0x0000),
  row('c.srai', 'zca', 1, 4, (w) => encI(0x13, 5, rs1p(w), rs1p(w), uimm6(w) | 0x400), 0x0c00, 0x0400),
  row('c.andi', 'zca', 1, 4, (w) => encI(0x13, 7, rs1p(w), rs1p(w), imm6(w)), 0x0c00, 0x0800),
  row('c.sub', 'zca', 1, 4, (w) => encR(0x33, 0, 0x20, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x0c00),
  row('c.xor', 'zca', 1, 4, (w) => encR(0x33, 4, 0, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x0c20),
  row('c.or', 'zca', 1, 4, (w) => encR(0x33, 6, 0, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x0c40),
  row('c.and', 'zca', 1, 4, (w) => encR(0x33, 7, 0, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x0c60),
  row('c.subw', 'zca', 1, 4, (w) => encR(0x3b, 0, 0x20, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x1c00),
  row('c.addw', 'zca', 1, 4, (w) => encR(0x3b, 0, 0, rs1p(w), rs1p(w), rs2p(w)), 0x1c60, 0x1c20),
  row('c.j', 'zca', 1, 5, (w) => encJ(0, offJ(w))),
  row('c.beqz', 'zca', 1, 6, (w) => encB(0, rs1p(w), 0, offB(w))),
  row('c.bnez', 'zca', 1, 7, (w) => encB(1, rs1p(w), 0, offB(w))),
  // ---- quadrant 2 ----
  row('c.slli', 'zca', 2, 0, (w) => encI(0x13, 1, rdf(w), rdf(w), uimm6(w))),
  row('c.fldsp', 'zcd', 2, 1, (w) => encI(0x07, 3, rdf(w), 2, offLdsp(w))),
  row('c.lwsp', 'zca', 2, 2, (w) => (rdf(w) === 0 ? 0 : encI(0x03, 2, rdf(w), 2, offLwsp(w)))),
  row('c.ldsp', 'zca', 2, 3, (w) => (rdf(w) === 0 ? 0 : encI(0x03, 3, rdf(w), 2, offLdsp(w)))),
  row('c.jr', 'zca', 2, 4, (w) => (rdf(w) === 0 ? 0 : encI(0x67, 0, 0, rdf(w), 0)), 0x107c, 0x0000),
  row('c.mv', 'zca', 2, 4, (w) => encR(0x33, 0, 0, rdf(w), 0, rs2f(w)), 0x1000, 0x0000),
  row('c.ebreak', 'zca', 2, 4, () => 0x00100073, 0x1ffc, 0x1000),
  row('c.jalr', 'zca', 2, 4, (w) => encI(0x67, 0, 1, rdf(w), 0), 0x107c, 0x1000),
  row('c.add', 'zca', 2, 4, (w) => encR(0x33, 0, 0, rdf(w), rdf(w), rs2f(w)), 0x1000, 0x1000),
  row('c.fsdsp', 'zcd', 2, 5, (w) => encS(0x27, 3, 2, rs2f(w), offSdsp(w))),
  row('c.swsp', 'zca', 2, 6, (w) => encS(0x23, 2, 2, rs2f(w), offSwsp(w))),
  row('c.sdsp', 'zca', 2, 7, (w) => encS(0x23, 3, 2, rs2f(w), offSdsp(w))),
];
