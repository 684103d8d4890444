# tsvisor CLI end-to-end guest (built from source by the CLI tests with riscv64-unknown-elf-gcc).
# Hart 0, in M mode as with `-bios none`: prints a line over the ns16550a UART, waits for a
# CLINT timer interrupt, then receives a line through UART RX interrupts routed by the PLIC
# (source 10, context 0 = hart 0 M mode), echoes it, and exits with status 7 through the
# sifive_test finisher ((7 << 16) | 0x3333). Any exception exits with status 99.
  .equ UART, 0x10000000
  .equ CLINT_MTIMECMP0, 0x2004000
  .equ CLINT_MTIME, 0x200bff8
  .equ PLIC, 0x0c000000
  .equ PLIC_ENABLE0, 0x0c002000
  .equ PLIC_CTX0, 0x0c200000
  .equ FINISHER, 0x100000

  .section .text.init, "ax"
  .globl _start
_start:
  bnez a0, park
  la sp, stack_top
  la t0, trap
  csrw mtvec, t0
  la a0, msg_hello
  call puts

  # Timer: mtimecmp = mtime + 1 ms, enable MTIE and MIE, sleep until the handler ran.
  li t0, CLINT_MTIME
  ld t1, 0(t0)
  li t2, 10000
  add t1, t1, t2
  li t0, CLINT_MTIMECMP0
  sd t1, 0(t0)
  li t0, 0x80
  csrs mie, t0
  # Wait without the check-then-WFI race: with mstatus.MIE clear, test the flag, WFI (which
  # wakes on any pending interrupt enabled in mie), then open MIE for the trap to be taken.
1:la t0, ticks
  lw t1, 0(t0)
  bnez t1, 3f
  wfi
  csrsi mstatus, 8
  csrci mstatus, 8
  j 1b
3:
  la a0, msg_tick
  call puts

  # UART receive interrupts through the PLIC.
  li t0, PLIC
  li t1, 1
  sw t1, 40(t0)              # priority[10] = 1
  li t0, PLIC_ENABLE0
  li t1, 1 << 10
  sw t1, 0(t0)               # context 0 enables source 10
  li t0, PLIC_CTX0
  sw zero, 0(t0)             # threshold 0
  li t0, UART
  li t1, 1
  sb t1, 1(t0)               # IER.ERBFI
  li t0, 0x800
  csrs mie, t0               # MEIE
2:la t0, linedone
  lw t1, 0(t0)
  bnez t1, 4f
  wfi
  csrsi mstatus, 8
  csrci mstatus, 8
  j 2b
4:
  la a0, msg_got
  call puts
  la a0, line
  call puts
  li a0, '\n'
  call putc
  li t0, FINISHER
  li t1, (7 << 16) | 0x3333
  sw t1, 0(t0)
park:
  wfi
  j park

putc:                         # a0: byte
  li t0, UART
1:lbu t1, 5(t0)
  andi t1, t1, 0x20
  beqz t1, 1b
  sb a0, 0(t0)
  ret

puts:                         # a0: NUL-terminated string
  addi sp, sp, -16
  sd ra, 0(sp)
  sd s0, 8(sp)
  mv s0, a0
1:lbu a0, 0(s0)
  beqz a0, 2f
  call putc
  addi s0, s0, 1
  j 1b
2:ld ra, 0(sp)
  ld s0, 8(sp)
  addi sp, sp, 16
  ret

  .align 2
trap:
  addi sp, sp, -48
  sd t0, 0(sp)
  sd t1, 8(sp)
  sd t2, 16(sp)
  sd t3, 24(sp)
  sd a0, 32(sp)
  csrr t0, mcause
  bgez t0, fatal
  slli t0, t0, 1
  srli t0, t0, 1
  li t1, 7
  beq t0, t1, on_timer
  li t1, 11
  beq t0, t1, on_external
  j fatal
on_timer:
  li t0, CLINT_MTIMECMP0
  li t1, -1
  sd t1, 0(t0)
  la t0, ticks
  li t1, 1
  sw t1, 0(t0)
  j trap_out
on_external:
  li t0, PLIC_CTX0
  lw t2, 4(t0)               # claim
rx:
  li t0, UART
  lbu t1, 5(t0)
  andi t1, t1, 1
  beqz t1, complete
  lbu t1, 0(t0)
  li t3, '\n'
  beq t1, t3, eol
  la t0, linelen
  lw t3, 0(t0)
  li a0, 60
  bgeu t3, a0, rx
  la a0, line
  add a0, a0, t3
  sb t1, 0(a0)
  addi t3, t3, 1
  sw t3, 0(t0)
  j rx
eol:
  la t0, linedone
  li t1, 1
  sw t1, 0(t0)
  j rx
complete:
  li t0, PLIC_CTX0
  sw t2, 4(t0)               # complete
trap_out:
  ld t0, 0(sp)
  ld t1, 8(sp)
  ld t2, 16(sp)
  ld t3, 24(sp)
  ld a0, 32(sp)
  addi sp, sp, 48
  mret
fatal:
  li t0, FINISHER
  li t1, (99 << 16) | 0x3333
  sw t1, 0(t0)
  j fatal

  .section .rodata
msg_hello: .asciz "tsvisor-e2e: hello\n"
msg_tick:  .asciz "tick\n"
msg_got:   .asciz "got: "

  .data
  .align 3
ticks:    .word 0
linedone: .word 0
linelen:  .word 0
line:     .zero 64
  .align 4
stack:    .zero 4096
stack_top:
