/* Sv39, Sv48 and Sv57 with U- and S-mode code: translation, permission faults (load,
 * store and instruction page faults with stval/mtval = the virtual address), U/SUM/MXR,
 * reserved encodings, misaligned superpages, canonical addresses, SFENCE.VMA and MPRV.
 * Priv spec: "Supervisor-Level ISA" chapter, "Sv32 Virtual-Address Translation Process"
 * (the algorithm every SvNN reuses), "Sv39", "Sv48", "Sv57". A/D bits are preset so
 * the implementation's choice of updating them or faulting does not matter, except in
 * the one check that allows either. */
#include "rt.h"

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_U 0x10UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL

static uint64_t pool[40][512] __attribute__((aligned(4096)));
static int npool;
static int levels;
static uint64_t data_pg[512] __attribute__((aligned(4096)));
static uint64_t ro_pg[512] __attribute__((aligned(4096)));
static uint32_t code_pg[1024] __attribute__((aligned(4096)));

#define VA_RW 0x40000000UL
#define VA_RO 0x40001000UL
#define VA_X 0x40002000UL
#define VA_NOU 0x40003000UL
#define VA_UNMAPPED 0x40004000UL
#define VA_WONLY 0x40005000UL
#define VA_ALIAS 0x40006000UL
#define VA_NOA 0x40007000UL
#define VA_MISSUPER 0x40200000UL

static uint64_t *alloc_pt(void) {
  uint64_t *p = pool[npool++];
  for (int i = 0; i < 512; i++) p[i] = 0;
  return p;
}

static uint64_t *walk_to(uint64_t *root, uint64_t va, int lvl) {
  uint64_t *t = root;
  for (int l = levels - 1; l > lvl; l--) {
    int idx = (va >> (12 + 9 * l)) & 511;
    if (!(t[idx] & PTE_V)) t[idx] = (((uint64_t)alloc_pt() >> 12) << 10) | PTE_V;
    t = (uint64_t *)((t[idx] >> 10) << 12);
  }
  return &t[(va >> (12 + 9 * lvl)) & 511];
}

static void map(uint64_t *root, uint64_t va, uint64_t pa, int lvl, uint64_t flags) {
  *walk_to(root, va, lvl) = ((pa >> 12) << 10) | flags;
}

static char name_buf[96];
static const char *prefix;
static const char *nm(const char *s) {
  int n = 0;
  for (const char *p = prefix; *p; p++) name_buf[n++] = *p;
  name_buf[n++] = ':'; name_buf[n++] = ' ';
  while (*s && n < 94) name_buf[n++] = *s++;
  name_buf[n] = 0;
  return name_buf;
}

static uint64_t u_load(uint64_t a) { return *(volatile uint64_t *)a; }
static uint64_t u_store(uint64_t a) { *(volatile uint64_t *)a = 0xabcdef; return 0; }
static uint64_t u_call(uint64_t a) { return ((uint64_t (*)(void))a)(); }

/* Delegated page faults need U code on U pages and an S handler on supervisor pages:
 * the image is also mapped at ALIAS (U=1), and U code runs there through u_tramp, which
 * moves sp into the alias, calls u_target and returns with the runtime's ecall. */
#define ALIAS_OFF 0x40000000UL
static volatile uint64_t u_target;
extern uint64_t u_tramp(uint64_t);
__asm__(".balign 4\n"
        "u_tramp:\n"
        "  li t0, 0x40000000\n"
        "  add sp, sp, t0\n"
        "  la t1, u_target\n"
        "  ld t1, 0(t1)\n"
        "  jalr t1\n"
        "  li a7, 0x52455431\n"
        "  ecall\n");

static uint64_t run_u_alias(uint64_t (*fn)(uint64_t), uint64_t arg) {
  u_target = (uint64_t)fn + ALIAS_OFF;
  return rt_enter_mode(PRV_U, (uint64_t (*)(uint64_t))((uint64_t)u_tramp + ALIAS_OFF), arg);
}

static void use_root(unsigned long mode, uint64_t *root) {
  csr_write(satp, (mode << 60) | ((uint64_t)root >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
}

static void expect_fault(const char *what, unsigned long mode, uint64_t (*fn)(uint64_t), uint64_t va, uint64_t cause) {
  EXPECT_TRAP(rt_enter_mode(mode, fn, va));
  rt_check_eq(nm(what), rt_trap.cause, cause);
  rt_check_eq(nm("... mtval = the virtual address"), rt_trap.tval, va);
}

static void run_mode(unsigned long mode, int nlevels, const char *label) {
  prefix = label;
  levels = nlevels;
  npool = 0;
  uint64_t *root_u = alloc_pt(), *root_s = alloc_pt();
  /* Identity gigapage over RAM: U=1 for user code, U=0 for supervisor code. */
  map(root_u, 0x80000000UL, 0x80000000UL, 2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
  map(root_s, 0x80000000UL, 0x80000000UL, 2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  uint64_t *roots[2] = { root_u, root_s };
  for (int i = 0; i < 2; i++) {
    uint64_t *r = roots[i];
    map(r, VA_RW, (uint64_t)data_pg, 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    map(r, VA_RO, (uint64_t)ro_pg, 0, PTE_V | PTE_R | PTE_U | PTE_A);
    map(r, VA_X, (uint64_t)code_pg, 0, PTE_V | PTE_X | PTE_U | PTE_A);
    map(r, VA_NOU, (uint64_t)data_pg, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    map(r, VA_WONLY, (uint64_t)data_pg, 0, PTE_V | PTE_W | PTE_U | PTE_A | PTE_D);
    map(r, VA_ALIAS, (uint64_t)data_pg, 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
    map(r, VA_NOA, (uint64_t)ro_pg, 0, PTE_V | PTE_R | PTE_U);
    /* A 2 MiB leaf whose PPN is only 4 KiB aligned: a misaligned superpage. */
    map(r, VA_MISSUPER, (uint64_t)data_pg, 1, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  }
  /* The first address past the Sv39 (2^38) or Sv48 (2^47) range. */
  uint64_t high39 = 1UL << 39, high48 = 1UL << 48;
  if (levels >= 4) map(root_u, high39, (uint64_t)data_pg, 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  if (levels >= 5) map(root_u, high48, (uint64_t)data_pg, 0, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);

  data_pg[0] = 0x600d000000000000UL | mode;
  ro_pg[1] = 0x00000000000000aaUL;

  use_root(mode, root_u);
  rt_check_eq(nm("satp mode is supported (reads back)"), csr_read(satp) >> 60, mode);
  rt_check_eq(nm("U load through a 4K page"), rt_enter_mode(PRV_U, u_load, VA_RW), data_pg[0]);
  rt_enter_mode(PRV_U, u_store, VA_RW + 8);
  rt_check_eq(nm("U store lands in the physical page"), data_pg[1], 0xabcdef);
  rt_check_eq(nm("U load through an alias"), rt_enter_mode(PRV_U, u_load, VA_ALIAS + 8), 0xabcdef);
  rt_check_eq(nm("U fetch from an X-only page"), rt_enter_mode(PRV_U, u_call, VA_X), 42);
  rt_check_eq(nm("U load from an R page"), rt_enter_mode(PRV_U, u_load, VA_RO + 8), 0xaa);
  expect_fault("U load from an invalid PTE: load page fault", PRV_U, u_load, VA_UNMAPPED + 16, CAUSE_LOAD_PAGE_FAULT);
  expect_fault("U store to an invalid PTE: store page fault", PRV_U, u_store, VA_UNMAPPED + 24, CAUSE_STORE_PAGE_FAULT);
  expect_fault("U fetch from an invalid PTE: instruction page fault", PRV_U, u_call, VA_UNMAPPED, CAUSE_FETCH_PAGE_FAULT);
  expect_fault("U store to a read-only page", PRV_U, u_store, VA_RO + 16, CAUSE_STORE_PAGE_FAULT);
  expect_fault("U load from an X-only page without MXR", PRV_U, u_load, VA_X, CAUSE_LOAD_PAGE_FAULT);
  csr_set(mstatus, MSTATUS_MXR);
  rt_check_eq(nm("MXR: U load from an X-only page"), rt_enter_mode(PRV_U, u_load, VA_X), 0x0000806702a00513UL);
  csr_clear(mstatus, MSTATUS_MXR);
  expect_fault("U load from a supervisor page", PRV_U, u_load, VA_NOU, CAUSE_LOAD_PAGE_FAULT);
  expect_fault("U fetch from a non-X page", PRV_U, u_call, VA_RW, CAUSE_FETCH_PAGE_FAULT);
  expect_fault("W without R is reserved: load page fault", PRV_U, u_load, VA_WONLY, CAUSE_LOAD_PAGE_FAULT);
  expect_fault("misaligned superpage: load page fault", PRV_U, u_load, VA_MISSUPER + 8, CAUSE_LOAD_PAGE_FAULT);
  /* A = 0: the implementation either faults or sets A (priv spec, "Sv32 ... Process" step 7). */
  EXPECT_TRAP(uint64_t v = rt_enter_mode(PRV_U, u_load, VA_NOA + 8);
              rt_check(nm("A=0 leaf: page fault, or the access works and sets A"),
                       rt_trap.count ? rt_trap.cause == CAUSE_LOAD_PAGE_FAULT && rt_trap.tval == VA_NOA + 8
                                     : v == 0xaa && (*walk_to(root_u, VA_NOA, 0) & PTE_A) != 0));

  /* Canonical addresses: bits above the VA width must copy its top bit. */
  if (levels == 3) expect_fault("2^39 is not canonical in Sv39", PRV_U, u_load, high39, CAUSE_LOAD_PAGE_FAULT);
  else rt_check_eq(nm("2^39 is mapped and canonical"), rt_enter_mode(PRV_U, u_load, high39), data_pg[0]);
  if (levels == 4) expect_fault("2^48 is not canonical in Sv48", PRV_U, u_load, high48, CAUSE_LOAD_PAGE_FAULT);
  if (levels == 5) rt_check_eq(nm("2^48 is mapped and canonical"), rt_enter_mode(PRV_U, u_load, high48), data_pg[0]);
  expect_fault("upper half unmapped", PRV_U, u_load, 0xffffffffffff0000UL, CAUSE_LOAD_PAGE_FAULT);

  /* SFENCE.VMA makes a changed PTE visible. */
  *walk_to(root_u, VA_ALIAS, 0) = (((uint64_t)ro_pg >> 12) << 10) | PTE_V | PTE_R | PTE_U | PTE_A;
  __asm__ volatile("sfence.vma" ::: "memory");
  rt_check_eq(nm("after sfence.vma the new mapping is used"), rt_enter_mode(PRV_U, u_load, VA_ALIAS + 8), 0xaa);

  /* MPRV: M-mode loads and stores translate as MPP. */
  csr_clear(mstatus, MSTATUS_MPP);   /* MPP = U */
  csr_set(mstatus, MSTATUS_MPRV);
  uint64_t via = *(volatile uint64_t *)VA_RW;
  csr_clear(mstatus, MSTATUS_MPRV);
  rt_check_eq(nm("MPRV=1, MPP=U: M load is translated"), via, data_pg[0]);

  /* Supervisor code: U pages need SUM for loads and are never executable. */
  use_root(mode, root_s);
  expect_fault("S load from a U page without SUM", PRV_S, u_load, VA_RW, CAUSE_LOAD_PAGE_FAULT);
  csr_set(mstatus, MSTATUS_SUM);
  rt_check_eq(nm("SUM: S load from a U page"), rt_enter_mode(PRV_S, u_load, VA_RW), data_pg[0]);
  expect_fault("S fetch from a U page, even with SUM", PRV_S, u_call, VA_X, CAUSE_FETCH_PAGE_FAULT);
  csr_clear(mstatus, MSTATUS_SUM);
  rt_check_eq(nm("S load from a supervisor page"), rt_enter_mode(PRV_S, u_load, VA_NOU), data_pg[0]);

  /* Page faults delegated to S (medeleg 12, 13, 15): U code at the alias, S handler on
   * supervisor pages; scause/stval/sepc and SPP as in the supervisor trap CSRs. */
  map(root_s, 0x80000000UL + ALIAS_OFF, 0x80000000UL, 2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
  use_root(mode, root_s);
  csr_write(stvec, (unsigned long)rt_strap_entry);
  csr_write(medeleg, (1UL << CAUSE_FETCH_PAGE_FAULT) | (1UL << CAUSE_LOAD_PAGE_FAULT) | (1UL << CAUSE_STORE_PAGE_FAULT));
  csr_set(mstatus, MSTATUS_SUM);   /* the S handler reads the U instruction to skip it */
  rt_check_eq(nm("U code on the alias runs"), run_u_alias(u_load, VA_RW), data_pg[0]);
  EXPECT_TRAP(run_u_alias(u_load, VA_UNMAPPED + 40));
  rt_check_eq(nm("delegated load page fault taken in S"), rt_trap.mode, PRV_S);
  rt_check_eq(nm("scause = load page fault"), rt_trap.cause, CAUSE_LOAD_PAGE_FAULT);
  rt_check_eq(nm("stval = the virtual address"), rt_trap.tval, VA_UNMAPPED + 40);
  rt_check_eq(nm("sstatus.SPP = U"), rt_trap.prev, PRV_U);
  rt_check(nm("sepc is in the alias"), rt_trap.epc >= 0x80000000UL + ALIAS_OFF && rt_trap.epc < 0xc4000000UL);
  EXPECT_TRAP(run_u_alias(u_store, VA_RO));
  rt_check_eq(nm("delegated store page fault"), rt_trap.cause | (rt_trap.mode << 8), CAUSE_STORE_PAGE_FAULT | (PRV_S << 8));
  csr_write(medeleg, 0);
  csr_clear(mstatus, MSTATUS_SUM);

  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
}

int main(void) {
  code_pg[0] = 0x02a00513;   /* li a0, 42 */
  code_pg[1] = 0x00008067;   /* ret */
  __asm__ volatile("fence.i");
  /* A mode the hart lacks is not written at all (satp is WARL as a whole): mode 1 is reserved. */
  csr_write(satp, 1UL << 60);
  rt_check_eq("satp: reserved mode 1 is ignored", csr_read(satp), 0);
  run_mode(8, 3, "sv39");
  run_mode(9, 4, "sv48");
  run_mode(10, 5, "sv57");
  return rt_done();
}
