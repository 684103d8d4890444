/*
 * A tiny guest for `tsvisor run` (kvmtool's map: RAM at 0x80000000, the kernel at RAM + 2 MiB,
 * the 8250 UART at 0x10000000): it prints over the UART and the SBI debug console, reads the
 * Zkr seed CSR (a KVM_EXIT_RISCV_CSR the VMM answers), reports whether the answer is ES16
 * (Y/N, or X when the read trapped: no Zkr), and shuts down through SBI SRST.
 */
  .section .text
  .globl _start
_start:
  la t0, trap
  csrw stvec, t0
  la s0, msg
  li s1, 0x10000000
1:
  lbu t0, 0(s0)
  beqz t0, 2f
  sb t0, 0(s1)
  addi s0, s0, 1
  j 1b
2:
  csrrw t0, 0x15, zero          /* seed */
  srli t0, t0, 30
  li t1, 2                      /* OPST = ES16 */
  li a0, 'Y'
  beq t0, t1, 3f
  li a0, 'N'
3:
  li a7, 0x4442434E             /* DBCN write_byte */
  li a6, 2
  ecall
  li a0, '\n'
  li a7, 0x4442434E
  li a6, 2
  ecall
  li a7, 0x53525354             /* SRST: shutdown */
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
4:
  j 4b

  .align 2
trap:                           /* any exception (the seed read without Zkr): report X */
  li a0, 'X'
  j 3b

  .section .rodata
msg:
  .asciz "hello from VS mode, seed ES16: "
