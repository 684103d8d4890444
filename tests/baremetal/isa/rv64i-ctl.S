# RV64I control transfer, upper immediates, loads/stores, FENCE, Zifencei and Zihintpause.
# Expected values follow the unprivileged ISA manual (RV32I/RV64I base chapters).
#include "test.h"

  .macro TEST_BR op, taken, a, b
  li s2, \a
  li s3, \b
  li s4, 0
  \op s2, s3, 1f
  j 2f
1:li s4, 1
2:CHECK_REG "\op \a, \b", s4, \taken
  .endm

  .macro TEST_LD op, want, off
  la s2, data
  \op s4, \off(s2)
  CHECK_REG "\op \off(data)", s4, \want
  .endm

  .macro TEST_ST sop, lop, val, off, want
  la s2, scratch
  li s3, -1
  sd s3, 0(s2)
  sd s3, 8(s2)
  li s3, \val
  \sop s3, \off(s2)
  \lop s4, 0(s2)
  CHECK_REG "\sop \val, \off(scratch)", s4, \want
  .endm

  TEST_BEGIN
  # Branches: signed and unsigned comparisons, taken and not taken.
  TEST_BR beq, 1, 5, 5
  TEST_BR beq, 0, 5, 6
  TEST_BR bne, 1, 5, 6
  TEST_BR bne, 0, -1, -1
  TEST_BR blt, 1, -1, 0
  TEST_BR blt, 0, 0, -1
  TEST_BR blt, 0, 7, 7
  TEST_BR bge, 1, 7, 7
  TEST_BR bge, 1, 0, -1
  TEST_BR bge, 0, -1, 0
  TEST_BR bltu, 0, -1, 0
  TEST_BR bltu, 1, 0, -1
  TEST_BR bgeu, 1, -1, 0
  TEST_BR bgeu, 0, 0, -1
  TEST_BR bgeu, 1, 0x8000000000000000, 0x7fffffffffffffff

  # LUI / AUIPC: 20-bit immediate shifted by 12 and sign-extended to 64 bits.
  lui s4, 0x80000
  CHECK_REG "lui 0x80000", s4, 0xffffffff80000000
  lui s4, 0x7ffff
  CHECK_REG "lui 0x7ffff", s4, 0x7ffff000
  lui s4, 0
  CHECK_REG "lui 0", s4, 0
1:auipc s4, 0
  la s3, 1b
  sub s4, s4, s3
  CHECK_REG "auipc 0 == pc", s4, 0
1:auipc s4, 0xfffff
  la s3, 1b
  sub s4, s4, s3
  CHECK_REG "auipc -1 page", s4, -4096

  # JAL / JALR: link = pc + 4; JALR clears bit 0 of the target.
1:jal s4, 2f
2:la s3, 1b
  sub s4, s4, s3
  CHECK_REG "jal link = pc+4", s4, 4
  la s3, 3f
  addi s3, s3, 1           # odd target: bit 0 is cleared
  li s4, 0
  jalr s5, 0(s3)
  li s4, 99
3:la s6, 3b
  sub s5, s6, s5
  CHECK_REG "jalr clears bit 0", s4, 0
  CHECK_REG "jalr link", s5, 4
  la s3, 4f
  addi s3, s3, -8
  jalr s5, 8(s3)           # offset added before clearing bit 0
  li s4, 99
4:CHECK_REG "jalr offset", s4, 0
  # rd == rs1: the target uses the old value of rs1.
  la s5, 5f
  jalr s5, 0(s5)
  li s4, 99
5:CHECK_REG "jalr rd==rs1", s4, 0

  # Loads: sign and zero extension.
  TEST_LD lb, 0x7f, 0
  TEST_LD lbu, 0x80, 1
  TEST_LD lb, 0xffffffffffffff80, 1
  TEST_LD lh, 0xffffffffffff807f, 0
  TEST_LD lhu, 0x807f, 0
  TEST_LD lh, 0xffffffffffff8001, 2
  TEST_LD lw, 0xffffffff8001807f, 0
  TEST_LD lwu, 0x8001807f, 0
  TEST_LD lw, 0x12345678, 4
  TEST_LD lwu, 0x12345678, 4
  TEST_LD ld, 0x123456788001807f, 0
  TEST_LD lb, 0x34, 6
  TEST_LD lh, 0x1234, 6
  TEST_LD ld, 0xfedcba9876543210, 8
  TEST_LD lw, 0xfffffffffedcba98, 12
  TEST_LD lbu, 0xfe, 15
  TEST_LD lb, 0xfffffffffffffffe, 15
  # Negative offsets.
  la s2, data + 16
  ld s4, -8(s2)
  CHECK_REG "ld -8", s4, 0xfedcba9876543210

  # Stores write exactly their width.
  TEST_ST sb, ld, 0x1234, 0, 0xffffffffffffff34
  TEST_ST sb, ld, 0x56, 7, 0x56ffffffffffffff
  TEST_ST sh, ld, 0x1234, 2, 0xffffffff1234ffff
  TEST_ST sw, ld, 0x89abcdef, 4, 0x89abcdefffffffff
  TEST_ST sd, ld, 0x0011223344556677, 0, 0x0011223344556677
  TEST_ST sw, lwu, 0, 0, 0
  TEST_ST sh, lhu, 0xabcd, 0, 0xabcd

  # x0 is hard-wired to zero: writes are discarded.
  li s4, 5
  addi x0, s4, 1
  mv s4, x0
  CHECK_REG "x0 stays zero", s4, 0
  la s2, data
  ld x0, 0(s2)
  CHECK_REG "load to x0", x0, 0

  # FENCE variants are ordering only.
  fence
  fence rw, rw
  fence.tso
  fence i, o
  # Zihintpause: PAUSE is a FENCE hint (pred = W, succ = 0) and has no effect.
  li s4, 3
  pause
  CHECK_REG "pause", s4, 3

  # Zifencei: after a store to an instruction, FENCE.I makes the fetch see it.
  la s2, patch
  lw s3, newinsn
  sw s3, 0(s2)
  fence.i
  li s4, 0
  call patch
  CHECK_REG "fence.i self-modifying code", s4, 42
  # And once more with a different immediate.
  lw s3, newinsn2
  sw s3, 0(s2)
  fence.i
  call patch
  CHECK_REG "fence.i second patch", s4, 7

  TEST_END

  .balign 4
  .option push
  .option norvc           # 32-bit encodings: the patch replaces one word
patch:
  li s4, 1                 # replaced at run time by `li s4, 42`
  ret
newinsn:
  li s4, 42
newinsn2:
  li s4, 7
  .option pop

  .data
  .balign 16
data:
  .dword 0x123456788001807f
  .dword 0xfedcba9876543210
scratch:
  .dword 0, 0
