/**
 * The fixed parts of a fuzz program (assembly text): entry, register dump, trap handler.
 *
 * Register conventions inside generated blocks:
 *   x1 (ra)  unused;  x2 (sp) = MEM + 128;  x3 (gp) = MEM
 *   x4..x31  random values, random destinations.
 * Blocks run in M, S or U mode (satp = Bare, PMP open). Two custom-0 words, illegal on
 * every hart, are requests to the M-mode trap handler instead of traps to report:
 *   FZ_DUMP (0x0000000b)            print the registers (a B line)
 *   FZ_MODE(m) (0x0000100b | m<<7)  continue in privilege mode m
 * MEM is a 256-byte area that loads, stores, AMOs and sp-relative compressed forms use.
 *
 * Output lines (compared between QEMU and tsvisor):
 *   B<n> x4=.. .. x31=.. f0=.. .. f31=.. fcsr=..   after block n
 *   T<n> cause=.. epc=.. tval=..                     a trap inside block n (tval "-" where the
 *                                                   spec lets implementations write 0 or a value)
 *   M <offset> <8 doublewords>                      the memory area, at the end
 *   END
 */
export const RUNTIME_HEAD = `
  .option norelax
  .section .text.init
  .globl _start
_start:
  bnez a0, 99f
  la t0, fz_trap
  csrw mtvec, t0
  li t0, -1                  # PMP: one NAPOT entry over everything, RWX, for S and U
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  li t0, (1 << 13)           # mstatus.FS = Initial
  csrs mstatus, t0
  csrwi fcsr, 0
  la t0, fz_block
  sd zero, 0(t0)
  j fz_begin
99:wfi
  j 99b

# fz_putc: a0 = byte. Clobbers t5, t6.
fz_putc:
  li t5, 0x10000000
1:lbu t6, 5(t5)
  andi t6, t6, 0x20
  beqz t6, 1b
  sb a0, 0(t5)
  ret

# fz_hex: a1 = value, prints 16 hex digits. Clobbers a0, a2, t4, t5, t6, s11 (return address).
fz_hex:
  mv s11, ra
  li a2, 60
1:srl t4, a1, a2
  andi t4, t4, 15
  la a0, fz_digits
  add a0, a0, t4
  lbu a0, 0(a0)
  call fz_putc
  addi a2, a2, -4
  bgez a2, 1b
  mv ra, s11
  ret

# fz_str: a1 = NUL-terminated string. Clobbers a0, a1, t5, t6, s10.
fz_str:
  mv s10, ra
1:lbu a0, 0(a1)
  beqz a0, 2f
  call fz_putc
  addi a1, a1, 1
  j 1b
2:mv ra, s10
  ret

# Saves x1..x31 to fz_save (t0 goes through mscratch).
.macro FZ_SAVE area
  csrw mscratch, t0
  la t0, \\area
  .irp r,1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\\r, (\\r*8)(t0)
  .endr
  csrr t1, mscratch
  sd t1, 40(t0)
.endm
.macro FZ_RESTORE area
  la t0, \\area
  .irp r,1,2,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\\r, (\\r*8)(t0)
  .endr
  ld t0, 40(t0)
.endm

# fz_regs: prints "B<n>" and every register from the save area at s0 (x regs), the live
# f registers and s1 (fcsr); n = fz_block, which it then increments. Clobbers a0-a2, s2, s3,
# t0, t1, t4-t6, s10, s11.
fz_regs:
  mv s9, ra
  li a0, 'B'
  call fz_putc
  la t0, fz_block
  ld a1, 0(t0)
  addi t1, a1, 1
  sd t1, 0(t0)
  call fz_hex
  li s2, 4
1:li a0, ' '
  call fz_putc
  slli t0, s2, 3
  add t0, t0, s0
  ld a1, 0(t0)
  call fz_hex
  addi s2, s2, 1
  li t0, 32
  blt s2, t0, 1b
  la s3, fz_fsave
  .irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  fsd f\\r, (\\r*8)(s3)
  .endr
  li s2, 0
2:li a0, ' '
  call fz_putc
  slli t0, s2, 3
  add t0, t0, s3
  ld a1, 0(t0)
  call fz_hex
  addi s2, s2, 1
  li t0, 32
  blt s2, t0, 2b
  li a0, ' '
  call fz_putc
  mv a1, s1
  call fz_hex
  li a0, 10
  call fz_putc
  mv ra, s9
  ret

# The trap handler: prints "T<block> cause epc tval" and resumes after the instruction.
  .balign 4
fz_trap:
  FZ_SAVE fz_tsave
  csrr s1, fcsr
  # Requests (custom-0 words, which trap as illegal instructions).
  csrr t0, mcause
  li t1, 2
  bne t0, t1, 7f
  csrr t0, mepc
  lhu t1, 0(t0)
  lhu t2, 2(t0)
  slli t2, t2, 16
  or t1, t1, t2
  li t2, 0x0000000b
  bne t1, t2, 8f
  la s0, fz_tsave
  call fz_regs
  j 9f
8:li t2, 0xfffff07f
  and t2, t1, t2
  li t3, 0x0000100b
  bne t2, t3, 7f
  srli t1, t1, 7
  andi t1, t1, 3
  slli t1, t1, 11
  li t2, (3 << 11)
  csrc mstatus, t2
  csrs mstatus, t1
9:csrr t0, mepc
  addi t0, t0, 4
  csrw mepc, t0
  csrw fcsr, s1
  FZ_RESTORE fz_tsave
  mret
7:li a0, 'T'
  call fz_putc
  la t0, fz_block
  ld a1, 0(t0)
  call fz_hex
  li a0, ' '
  call fz_putc
  csrr a1, mcause
  mv s4, a1
  call fz_hex
  li a0, ' '
  call fz_putc
  csrr a1, mepc
  la t0, _start
  sub a1, a1, t0             # epc relative to the image
  call fz_hex
  li a0, ' '
  call fz_putc
  # Illegal instruction (2) and breakpoint (3): mtval may be 0 or a value (priv spec,
  # "Machine Trap Value Register"), so it is not compared.
  addi t0, s4, -2
  li t1, 1
  bleu t0, t1, 3f
  csrr a1, mtval
  call fz_hex
  j 4f
3:li a0, '-'
  call fz_putc
4:li a0, 10
  call fz_putc
  # Resume after the trapping instruction (16 or 32 bits).
  csrr t0, mepc
  lhu t1, 0(t0)
  andi t1, t1, 3
  li t2, 3
  addi t0, t0, 2
  bne t1, t2, 5f
  addi t0, t0, 2
5:csrw mepc, t0
  csrw fcsr, s1
  FZ_RESTORE fz_tsave
  mret

fz_end:
  la s0, fz_mem
  li s2, 0
1:li a0, 'M'
  call fz_putc
  li s3, 0
2:li a0, ' '
  call fz_putc
  slli t0, s2, 3
  add t0, t0, s0
  ld a1, 0(t0)
  call fz_hex
  addi s2, s2, 1
  addi s3, s3, 1
  li t0, 8
  blt s3, t0, 2b
  li a0, 10
  call fz_putc
  li t0, 32
  blt s2, t0, 1b
  la a1, fz_endstr
  call fz_str
  # Wait until the UART has sent everything (LSR.TEMT) before powering off, so a host
  # that drains its output lazily loses no byte.
  li t5, 0x10000000
3:lbu t6, 5(t5)
  andi t6, t6, 0x40
  beqz t6, 3b
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
6:wfi
  j 6b

fz_begin:
  la gp, fz_mem
  addi sp, gp, 128
`;

/** Requests to the trap handler (custom-0 encodings: illegal on every hart). */
export const FZ_DUMP = '.word 0x0000000b';
export const fzMode = (m: 0 | 1 | 3): string => `.word 0x${(0x100b | (m << 7)).toString(16).padStart(8, '0')}`;

export const RUNTIME_TAIL = `
  .section .rodata
fz_digits: .ascii "0123456789abcdef"
fz_endstr: .asciz "END\\n"
  .data
  .balign 64
fz_block: .dword 0
fz_save: .space 256
fz_tsave: .space 256
fz_fsave: .space 256
  .balign 64
fz_mem:
`;
