# RVC: every RV64C instruction, written with its c.* mnemonic so the assembler emits
# the 16-bit form. Semantics are those of the expanded base instruction (unprivileged
# ISA manual, "C" chapter). Registers x8-x15 (s0, s1, a0-a5) are the only ones the
# CIW/CL/CS/CA/CB formats can name.
#include "test.h"
  .option rvc
  TEST_BEGIN
  addi sp, sp, -64
  # c.li / c.lui / c.addi / c.addiw / c.addi16sp / c.addi4spn / c.nop
  c.li s1, -32
  CHECK_REG "c.li -32", s1, -32
  c.li s1, 31
  CHECK_REG "c.li 31", s1, 31
  c.lui s1, 0xfffe0          # nzimm[17:12] = 0x20: sign-extended to 0xfffffffffffe0000
  CHECK_REG "c.lui 0xfffe0", s1, 0xfffffffffffe0000
  c.lui s1, 1
  CHECK_REG "c.lui 1", s1, 0x1000
  li s1, 10
  c.addi s1, -11
  CHECK_REG "c.addi -11", s1, -1
  li s1, 0x7fffffff
  c.addiw s1, 1
  CHECK_REG "c.addiw wraps and sign-extends", s1, 0xffffffff80000000
  li s1, 0x100000005
  c.addiw s1, 0
  CHECK_REG "c.addiw 0 (sext.w)", s1, 5
  mv s2, sp
  c.addi16sp sp, -32
  sub s1, s2, sp
  CHECK_REG "c.addi16sp -32", s1, 32
  c.addi16sp sp, 32
  c.addi4spn s1, sp, 24
  sub s1, s1, sp
  CHECK_REG "c.addi4spn 24", s1, 24
  li s1, 3
  c.nop
  CHECK_REG "c.nop", s1, 3

  # c.mv / c.add / c.sub / c.xor / c.or / c.and / c.subw / c.addw / c.andi / shifts
  li a5, 0x1234
  c.mv s1, a5
  CHECK_REG "c.mv", s1, 0x1234
  li s1, 0x7fffffffffffffff
  li a5, 1
  c.add s1, a5
  CHECK_REG "c.add", s1, 0x8000000000000000
  li s1, 5
  li a5, 7
  c.sub s1, a5
  CHECK_REG "c.sub", s1, -2
  li s1, 0xff00
  li a5, 0x0ff0
  c.xor s1, a5
  CHECK_REG "c.xor", s1, 0xf0f0
  li s1, 0xff00
  li a5, 0x0ff0
  c.or s1, a5
  CHECK_REG "c.or", s1, 0xfff0
  li s1, 0xff00
  li a5, 0x0ff0
  c.and s1, a5
  CHECK_REG "c.and", s1, 0x0f00
  li s1, 0x80000000
  li a5, 1
  c.subw s1, a5
  CHECK_REG "c.subw", s1, 0x7fffffff
  li s1, 0x7fffffff
  li a5, 1
  c.addw s1, a5
  CHECK_REG "c.addw", s1, 0xffffffff80000000
  li s1, 0xff
  c.andi s1, -16
  CHECK_REG "c.andi -16", s1, 0xf0
  li s1, 1
  c.slli s1, 63
  CHECK_REG "c.slli 63", s1, 0x8000000000000000
  c.srai s1, 62
  CHECK_REG "c.srai 62", s1, -2
  c.srli s1, 60
  CHECK_REG "c.srli 60", s1, 15

  # Loads and stores: c.lw/c.ld/c.sw/c.sd, stack-relative forms, and FP ones.
  la s0, cdata
  c.lw s1, 0(s0)
  CHECK_REG "c.lw sign-extends", s1, 0xffffffff89abcdef
  c.ld s1, 0(s0)
  CHECK_REG "c.ld", s1, 0x0123456789abcdef
  li a5, 0x55aa
  c.sw a5, 8(s0)
  c.ld s1, 8(s0)
  CHECK_REG "c.sw", s1, 0x55aa
  li a5, -7
  c.sd a5, 16(s0)
  ld s1, 16(s0)
  CHECK_REG "c.sd", s1, -7
  li a5, 0x1111222233334444
  c.sdsp a5, 8(sp)
  c.ldsp s1, 8(sp)
  CHECK_REG "c.sdsp/c.ldsp", s1, 0x1111222233334444
  li a5, 0x1111222233334444
  c.swsp a5, 16(sp)
  c.lwsp s1, 16(sp)
  CHECK_REG "c.swsp/c.lwsp", s1, 0x33334444
  c.fld fa0, 0(s0)
  fmv.x.d s1, fa0
  CHECK_REG "c.fld", s1, 0x0123456789abcdef
  c.fsd fa0, 24(s0)
  ld s1, 24(s0)
  CHECK_REG "c.fsd", s1, 0x0123456789abcdef
  c.fsdsp fa0, 24(sp)
  c.fldsp fa1, 24(sp)
  fmv.x.d s1, fa1
  CHECK_REG "c.fsdsp/c.fldsp", s1, 0x0123456789abcdef

  # Control flow: c.j, c.jr, c.jalr, c.beqz, c.bnez.
  li s1, 0
  c.j 1f
  li s1, 1
1:CHECK_REG "c.j", s1, 0
  la a5, 2f
  c.jr a5
  li s1, 1
2:CHECK_REG "c.jr", s1, 0
  la a5, 3f
  c.jalr a5
4:li s1, 1
  j 5f
3:la s1, 4b
  sub s1, ra, s1
  CHECK_REG "c.jalr links pc+2", s1, 0
  li s1, 1
5:CHECK_REG "c.jalr returned", s1, 1
  li s1, 0
  c.beqz s1, 6f
  li s1, 9
6:CHECK_REG "c.beqz taken", s1, 0
  li s1, 4
  c.beqz s1, 7f
  li s1, 8
7:CHECK_REG "c.beqz not taken", s1, 8
  c.bnez s1, 8f
  li s1, 9
8:CHECK_REG "c.bnez taken", s1, 8
  li s1, 0
  c.bnez s1, 9f
  li s1, 5
9:CHECK_REG "c.bnez not taken", s1, 5
  # c.ebreak is checked in the trap programs (it raises a breakpoint).
  addi sp, sp, 64
  TEST_END

  .data
  .balign 8
cdata: .dword 0x0123456789abcdef, 0, 0, 0
