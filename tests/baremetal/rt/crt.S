# Bare-metal entry for QEMU virt (and tsvisor's virt machine): M mode, a0 = hartid, a1 = dtb.
# Hart 0 clears .bss and runs main(); harts 1..3 wait for that and run rt_secondary(hartid),
# which parks them unless the program defines it; harts 4 and up park.
  .section .text.init
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  # Per-hart stacks (harts 0..3): sp, the M trap stack (mscratch) and the S one (sscratch).
  li t0, 4
  bgeu a0, t0, park
  slli t1, a0, 15
  la sp, __stack_top
  sub sp, sp, t1
  slli t1, a0, 12
  la t0, __mtrap_stack_top
  sub t0, t0, t1
  csrw mscratch, t0
  la t0, __strap_stack_top
  sub t0, t0, t1
  csrw sscratch, t0
  la t0, rt_mtrap_entry
  csrw mtvec, t0
  # PMP entry 0 = NAPOT over the whole address space, RWX, so S and U may run
  # (priv spec, "Physical Memory Protection": with PMP entries implemented and none
  # matching, S/U accesses fail). Tests that use PMP rewrite these entries.
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  # mstatus.FS = Initial so F/D instructions work.
  li t0, (1 << 13)
  csrs mstatus, t0
  csrwi fcsr, 0
  bnez a0, secondary
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:mv s0, a0
  mv s1, a1
  la t0, rt_boot_hartid
  sd a0, 0(t0)
  la t0, rt_boot_dtb
  sd a1, 0(t0)
  fence rw, rw
  la t0, rt_bss_ready
  li t1, 1
  sw t1, 0(t0)
  call main
  call rt_exit
# Other harts wait until hart 0 has cleared .bss, then run rt_secondary(hartid)
# (by default: park). A program that uses more harts defines rt_secondary.
secondary:
  la t0, rt_bss_ready
3:lw t1, 0(t0)
  beqz t1, 3b
  fence rw, rw
  call rt_secondary
park:
  wfi
  j park

  .weak rt_secondary
rt_secondary:
  j park

  .data
  .balign 4
  .globl rt_bss_ready
rt_bss_ready: .word 0
  .text

# Trap entries. Each swaps sp with its xscratch (which holds the trap stack top),
# saves x1..x31 and the interrupted sp in a 32-slot frame (slot i = xi), calls the C
# handler with the frame, restores xscratch and every register, and returns with xRET.
.macro TRAP_ENTRY name, scratch, handler, ret
  .balign 64
  .globl \name
\name:
  csrrw sp, \scratch, sp
  addi sp, sp, -256
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
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  mv a0, sp
  call \handler
  addi t0, sp, 256
  csrw \scratch, t0
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
  ld sp, 16(sp)
  \ret
.endm

  .text
  TRAP_ENTRY rt_mtrap_entry, mscratch, rt_mtrap, mret
  TRAP_ENTRY rt_strap_entry, sscratch, rt_strap, sret

# rt_enter_mode(mode, fn, arg): run fn(arg) in privilege `mode` (0 = U, 1 = S, 3 = M)
# and return its result. fn returns into rt_lower_return, which makes an ecall with
# a7 = RT_ECALL_RETURN; the M-mode handler then calls rt_resume with the saved context.
  .globl rt_enter_mode
rt_enter_mode:
  la t0, rt_enter_ctx
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
  # mstatus.MPP = mode, MPIE kept as is.
  li t1, (3 << 11)
  csrc mstatus, t1
  andi t2, a0, 3
  slli t2, t2, 11
  csrs mstatus, t2
  csrw mepc, a1
  mv a0, a2
  la ra, rt_lower_return
  mret

  .globl rt_lower_return
rt_lower_return:
  li a7, 0x52455431          # RT_ECALL_RETURN ("RET1")
  ecall
1:j 1b

# rt_resume(value): called from the M trap handler; abandons the trap frame and
# returns `value` from the rt_enter_mode call that is in progress.
  .globl rt_resume
rt_resume:
  csrr t2, mhartid
  slli t2, t2, 12
  la t1, __mtrap_stack_top
  sub t1, t1, t2
  csrw mscratch, t1
  la t1, __strap_stack_top
  sub t1, t1, t2
  csrw sscratch, t1
  la t0, rt_enter_ctx
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
  ret

  .bss
  .balign 8
rt_enter_ctx: .space 128
