# tsvisor demo guest: prints a banner with the hart id over the ns16550a UART at
# 0x10000000 and powers off through the sifive_test finisher at 0x100000 (0x5555 = pass).
# Entered in M mode with a0 = hartid, a1 = dtb, as on QEMU's virt machine with -bios none.
  .section .text.init
  .globl _start
_start:
  bnez a0, park              # one banner: other harts wait
  mv s0, a0
  la a0, banner
  call puts
  addi a0, s0, '0'           # hart ids below 10 print as one digit
  call putc
  la a0, tail
  call puts
  li t0, 0x10000000
1:lbu t1, 5(t0)              # LSR.TEMT: the UART has sent everything
  andi t1, t1, 0x40
  beqz t1, 1b
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
park:
  wfi
  j park

putc:                        # a0: the byte
  li t0, 0x10000000
1:lbu t1, 5(t0)              # LSR: wait for THRE (bit 5)
  andi t1, t1, 0x20
  beqz t1, 1b
  sb a0, 0(t0)
  ret

puts:                        # a0: NUL-terminated string
  mv t2, ra
  mv t3, a0
1:lbu a0, 0(t3)
  beqz a0, 2f
  call putc
  addi t3, t3, 1
  j 1b
2:mv ra, t2
  ret

  .section .rodata
banner: .asciz "Hello from tsvisor! RISC-V hart "
tail:   .asciz " is up; bye.\n"
