/* Assembly test macros for self-checking ISA programs (isa/NAME.S).
 * Each check calls rt_check_eq(name, got, want), which prints one TAP-style line.
 * Expected values are written from the ISA manual's definition of each instruction. */
#ifndef TEST_H
#define TEST_H

  .macro CHECK_REG name, reg, want
  mv a1, \reg
  li a2, \want
  la a0, 9f
  call rt_check_eq
  .pushsection .rodata.str, "aMS", @progbits, 1
9: .asciz "\name"
  .popsection
  .endm

  /* rd = op(rs1 = a, rs2 = b) */
  .macro TEST_RR op, want, a, b
  li s2, \a
  li s3, \b
  \op s4, s2, s3
  CHECK_REG "\op \a, \b", s4, \want
  .endm

  /* rd = op(rs1 = a, imm) */
  .macro TEST_RI op, want, a, imm
  li s2, \a
  \op s4, s2, \imm
  CHECK_REG "\op \a, \imm", s4, \want
  .endm

  /* rd = op(rs1 = a) */
  .macro TEST_R op, want, a
  li s2, \a
  \op s4, s2
  CHECK_REG "\op \a", s4, \want
  .endm

  /* rd = op(rs1 = a, rs2 = b) with the instruction as a raw word (for extensions our
   * assembler does not know, e.g. Zicond). rd = s4 (x20), rs1 = s2 (x18), rs2 = s3 (x19). */
  .macro TEST_RR_WORD name, word, want, a, b
  li s2, \a
  li s3, \b
  .word \word
  CHECK_REG "\name \a, \b", s4, \want
  .endm

  .macro TEST_BEGIN
  .text
  .globl main
main:
  addi sp, sp, -16
  sd ra, 8(sp)
  .endm

  .macro TEST_END
  call rt_done
  ld ra, 8(sp)
  addi sp, sp, 16
  ret
  .endm

#endif
