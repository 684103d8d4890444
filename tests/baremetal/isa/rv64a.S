# RV64A: LR/SC and every AMO, word and doubleword. AMOs return the old memory value
# (sign-extended for .W) and store op(old, rs2); unprivileged ISA manual, "A" chapter.
#include "test.h"

  .macro TEST_AMO op, width, mem, src, want_rd, want_mem
  la s2, cell
  li s3, \mem
  .ifc \width,w
  sw s3, 0(s2)
  .else
  sd s3, 0(s2)
  .endif
  li s3, \src
  \op s4, s3, (s2)
  CHECK_REG "\op rd: mem=\mem src=\src", s4, \want_rd
  .ifc \width,w
  lw s4, 0(s2)
  .else
  ld s4, 0(s2)
  .endif
  CHECK_REG "\op mem: mem=\mem src=\src", s4, \want_mem
  .endm

  TEST_BEGIN
  TEST_AMO amoswap.w, w, 0x80000001, 0x12345678, 0xffffffff80000001, 0x12345678
  TEST_AMO amoadd.w, w, 0x7fffffff, 1, 0x7fffffff, 0xffffffff80000000
  TEST_AMO amoadd.w, w, 0xffffffff, 0x100000001, 0xffffffffffffffff, 0
  TEST_AMO amoxor.w, w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xfffffffff0f0f0f0
  TEST_AMO amoand.w, w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0x0f000f00
  TEST_AMO amoor.w, w, 0xff00ff00, 0x0ff00ff0, 0xffffffffff00ff00, 0xffffffffffF0fff0
  TEST_AMO amomin.w, w, 0x80000000, 1, 0xffffffff80000000, 0xffffffff80000000
  TEST_AMO amomin.w, w, 5, 0xfffffffe, 5, 0xfffffffffffffffe
  TEST_AMO amomax.w, w, 0x80000000, 1, 0xffffffff80000000, 1
  TEST_AMO amomax.w, w, 5, 0x100000007, 5, 7
  TEST_AMO amominu.w, w, 0x80000000, 1, 0xffffffff80000000, 1
  TEST_AMO amominu.w, w, 5, 0xfffffffe, 5, 5
  TEST_AMO amomaxu.w, w, 0x80000000, 1, 0xffffffff80000000, 0xffffffff80000000
  TEST_AMO amomaxu.w, w, 5, 0xfffffffe, 5, 0xfffffffffffffffe
  TEST_AMO amoswap.d, d, 0x8000000000000001, 0x123456789, 0x8000000000000001, 0x123456789
  TEST_AMO amoadd.d, d, 0x7fffffffffffffff, 1, 0x7fffffffffffffff, 0x8000000000000000
  TEST_AMO amoxor.d, d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0
  TEST_AMO amoand.d, d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00
  TEST_AMO amoor.d, d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0xfff0fff0fff0fff0
  TEST_AMO amomin.d, d, 0x8000000000000000, 1, 0x8000000000000000, 0x8000000000000000
  TEST_AMO amomin.d, d, 5, -2, 5, -2
  TEST_AMO amomax.d, d, 0x8000000000000000, 1, 0x8000000000000000, 1
  TEST_AMO amomax.d, d, 5, -2, 5, 5
  TEST_AMO amominu.d, d, 0x8000000000000000, 1, 0x8000000000000000, 1
  TEST_AMO amominu.d, d, 5, -2, 5, 5
  TEST_AMO amomaxu.d, d, 0x8000000000000000, 1, 0x8000000000000000, 0x8000000000000000
  TEST_AMO amomaxu.d, d, 5, -2, 5, -2
  # Ordering bits do not change the result.
  TEST_AMO amoadd.w.aq, w, 1, 2, 1, 3
  TEST_AMO amoadd.d.rl, d, 1, 2, 1, 3
  TEST_AMO amoadd.d.aqrl, d, 1, 2, 1, 3
  # rd = x0 still performs the memory update.
  la s2, cell
  li s3, 10
  sd s3, 0(s2)
  li s3, 5
  amoadd.d x0, s3, (s2)
  ld s4, 0(s2)
  CHECK_REG "amoadd.d rd=x0 updates memory", s4, 15

  # LR/SC: a paired SC succeeds (rd = 0) and stores; an unpaired SC fails (rd != 0)
  # and does not store (unprivileged ISA manual, "Load-Reserved/Store-Conditional").
  la s2, cell
  li s3, 0x80000000
  sd s3, 0(s2)
  lr.w s4, (s2)
  CHECK_REG "lr.w sign-extends", s4, 0xffffffff80000000
  li s3, 77
  sc.w s5, s3, (s2)
  CHECK_REG "sc.w paired succeeds", s5, 0
  lw s4, 0(s2)
  CHECK_REG "sc.w stored", s4, 77
  li s3, 88
  sc.w s5, s3, (s2)
  snez s5, s5
  CHECK_REG "sc.w without reservation fails", s5, 1
  lw s4, 0(s2)
  CHECK_REG "failed sc.w did not store", s4, 77
  li s3, 0x0123456789abcdef
  sd s3, 0(s2)
  lr.d.aq s4, (s2)
  CHECK_REG "lr.d", s4, 0x0123456789abcdef
  li s3, -3
  sc.d.rl s5, s3, (s2)
  CHECK_REG "sc.d paired succeeds", s5, 0
  ld s4, 0(s2)
  CHECK_REG "sc.d stored", s4, -3
  li s3, 4
  sc.d s5, s3, (s2)
  snez s5, s5
  CHECK_REG "sc.d without reservation fails", s5, 1
  ld s4, 0(s2)
  CHECK_REG "failed sc.d did not store", s4, -3
  # A counting loop with LR/SC makes progress.
  sd zero, 0(s2)
  li s6, 100
1:lr.d s4, (s2)
  addi s4, s4, 3
  sc.d s5, s4, (s2)
  bnez s5, 1b
  addi s6, s6, -1
  bnez s6, 1b
  ld s4, 0(s2)
  CHECK_REG "lr/sc counter loop", s4, 300
  TEST_END

  .data
  .balign 8
cell: .dword 0
