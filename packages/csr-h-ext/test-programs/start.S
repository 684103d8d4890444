/* Entry, trap vectors for M, HS and VS, and run_in(): enter a lower mode and come back. */
#define EXIT_MAGIC 0x7e5f
#define FRAME 256

  .section .text.init
  .globl _start
_start:
  la sp, m_stack_top
  la t0, m_trap_stack_top
  csrw mscratch, t0
  la t0, m_trap_entry
  csrw mtvec, t0
  call main
  /* main returned: report through the finisher */
  call finish
1: j 1b

/* One trap entry per level: the S-level entries use sscratch/sepc, which are the VS copies when
   the trap is taken into VS-mode. The C handler returns 0 to resume, 1 to end run_in(). */
.macro TRAP_ENTRY name, scratch, level, ret
  .align 4
  .globl \name
\name:
  csrrw sp, \scratch, sp
  addi sp, sp, -FRAME
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, \scratch
  sd t0, 16(sp)
  mv a0, sp
  li a1, \level
  call trap_handler
  bnez a0, run_in_return
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  addi sp, sp, FRAME
  csrrw sp, \scratch, sp
  \ret
.endm

  .text
  TRAP_ENTRY m_trap_entry, mscratch, 3, mret
  TRAP_ENTRY hs_trap_entry, sscratch, 1, sret
  TRAP_ENTRY vs_trap_entry, sscratch, 2, sret

/* long run_in(long mode, long (*fn)(long), long arg)
   mode: 0 U, 1 HS, 2 VU, 3 VS. Runs fn(arg) there; its return value comes back here. */
  .globl run_in
run_in:
  la t0, run_ctx
  sd ra, 0(t0)
  sd sp, 8(t0)
  sd s0, 16(t0)
  sd s1, 24(t0)
  sd s2, 32(t0)
  sd s3, 40(t0)
  sd s4, 48(t0)
  sd s5, 56(t0)
  sd s6, 64(t0)
  sd s7, 72(t0)
  sd s8, 80(t0)
  sd s9, 88(t0)
  sd s10, 96(t0)
  sd s11, 104(t0)
  sd gp, 112(t0)
  sd tp, 120(t0)
  /* clear MPP and MPV, then set them for the mode */
  li t1, (3 << 11)
  csrc mstatus, t1
  li t1, 1
  slli t1, t1, 39
  csrc mstatus, t1
  andi t2, a0, 1
  slli t2, t2, 11
  csrs mstatus, t2
  andi t2, a0, 2
  slli t2, t2, 38
  csrs mstatus, t2
  csrw mepc, a1
  mv a0, a2
  la sp, guest_stack_top
  la ra, guest_return
  mret
guest_return:
  li a7, EXIT_MAGIC
  ecall
1: j 1b

/* reached from a trap entry when the handler saw the exit ecall in M-mode */
run_in_return:
  la t0, m_trap_stack_top
  csrw mscratch, t0
  la t0, run_ctx
  ld ra, 0(t0)
  ld sp, 8(t0)
  ld s0, 16(t0)
  ld s1, 24(t0)
  ld s2, 32(t0)
  ld s3, 40(t0)
  ld s4, 48(t0)
  ld s5, 56(t0)
  ld s6, 64(t0)
  ld s7, 72(t0)
  ld s8, 80(t0)
  ld s9, 88(t0)
  ld s10, 96(t0)
  ld s11, 104(t0)
  ld gp, 112(t0)
  ld tp, 120(t0)
  la t0, run_result
  ld a0, 0(t0)
  ret

/* void exit_ecall(long value): used by the HS and VS handlers to pass the exit on upwards */
  .globl exit_ecall
exit_ecall:
  li a7, EXIT_MAGIC
  ecall
1: j 1b

  .bss
  .align 4
run_ctx: .skip 128
  .globl run_result
run_result: .skip 8
  .align 12
  .skip 16384
m_stack_top:
  .skip 8192
m_trap_stack_top:
  .skip 8192
  .globl hs_trap_stack_top
hs_trap_stack_top:
  .skip 8192
  .globl vs_trap_stack_top
vs_trap_stack_top:
  .skip 16384
guest_stack_top:
