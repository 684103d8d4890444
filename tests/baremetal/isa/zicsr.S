# Zicsr: CSRRW/CSRRS/CSRRC and their immediate forms, on mscratch (a plain read/write
# register) and the fcsr aliases. Zicsr chapter of the unprivileged ISA manual.
#include "test.h"
  TEST_BEGIN
  csrr s7, mscratch          # the runtime keeps its trap stack here; restored at the end
  li s3, 0x123456789abcdef0
  csrw mscratch, s3
  li s3, 0x0f0f
  csrrw s4, mscratch, s3
  CHECK_REG "csrrw returns old value", s4, 0x123456789abcdef0
  csrr s4, mscratch
  CHECK_REG "csrrw wrote", s4, 0x0f0f
  li s3, 0xf000
  csrrs s4, mscratch, s3
  CHECK_REG "csrrs returns old value", s4, 0x0f0f
  csrr s4, mscratch
  CHECK_REG "csrrs set bits", s4, 0xff0f
  li s3, 0x0f00
  csrrc s4, mscratch, s3
  CHECK_REG "csrrc returns old value", s4, 0xff0f
  csrr s4, mscratch
  CHECK_REG "csrrc cleared bits", s4, 0xf00f
  csrrwi s4, mscratch, 31
  CHECK_REG "csrrwi returns old value", s4, 0xf00f
  csrr s4, mscratch
  CHECK_REG "csrrwi zero-extends uimm", s4, 31
  csrrci s4, mscratch, 5
  csrr s4, mscratch
  CHECK_REG "csrrci", s4, 26
  csrrsi s4, mscratch, 1
  CHECK_REG "csrrsi returns old value", s4, 26
  csrr s4, mscratch
  CHECK_REG "csrrsi", s4, 27
  csrrs s4, mscratch, x0     # rs1 = x0: read only
  CHECK_REG "csrrs x0 reads", s4, 27
  li s3, 0xffffffffffffffff
  csrrc x0, mscratch, s3     # rd = x0: write only
  csrr s4, mscratch
  CHECK_REG "csrrc rd=x0 writes", s4, 0
  # Reading a read-only CSR with CSRRS rs1=x0 / CSRRSI uimm=0 is allowed (no write).
  csrrs s4, mhartid, x0
  CHECK_REG "csrrs mhartid x0", s4, 0
  csrrsi s4, mhartid, 0
  CHECK_REG "csrrsi mhartid 0", s4, 0
  # fcsr = frm << 5 | fflags; the aliases see the same bits.
  csrwi fcsr, 0
  csrwi frm, 3
  csrr s4, fcsr
  CHECK_REG "frm lands in fcsr[7:5]", s4, 0x60
  csrsi fflags, 0x15
  csrr s4, fcsr
  CHECK_REG "fflags lands in fcsr[4:0]", s4, 0x75
  li s3, 0xffffffff
  csrw fcsr, s3
  csrr s4, fcsr
  CHECK_REG "fcsr bits above 7 are zero", s4, 0xff
  csrr s4, frm
  CHECK_REG "frm", s4, 7
  csrr s4, fflags
  CHECK_REG "fflags", s4, 0x1f
  csrwi fcsr, 0
  csrw mscratch, s7
  TEST_END
