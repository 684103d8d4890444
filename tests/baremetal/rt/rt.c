#include "rt.h"

struct trap_record rt_trap;
rt_trap_hook_t rt_mtrap_hook;
rt_trap_hook_t rt_strap_hook;
volatile int rt_expect;
uint64_t rt_boot_hartid, rt_boot_dtb;
static int checks, failures;

extern void rt_resume(uint64_t value) __attribute__((noreturn));

void rt_putc(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  while ((uart[5] & 0x20) == 0) { } /* LSR.THRE */
  uart[0] = (uint8_t)c;
}

void rt_puts(const char *s) { while (*s) rt_putc(*s++); }

void rt_puthex(uint64_t v) {
  rt_puts("0x");
  for (int i = 60; i >= 0; i -= 4) rt_putc("0123456789abcdef"[(v >> i) & 15]);
}

void rt_putdec(int64_t v) {
  char buf[24]; int n = 0; uint64_t u;
  if (v < 0) { rt_putc('-'); u = -(uint64_t)v; } else u = (uint64_t)v;
  do { buf[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  while (n) rt_putc(buf[--n]);
}

void rt_exit(int code) {
  volatile uint32_t *test = (volatile uint32_t *)TEST_BASE;
  volatile uint8_t *uart = (volatile uint8_t *)UART0_BASE;
  while ((uart[5] & 0x40) == 0) { } /* LSR.TEMT: everything sent before power-off */
  *test = code == 0 ? 0x5555u : (((uint32_t)code << 16) | 0x3333u);
  for (;;) __asm__ volatile("wfi");
}

void rt_check(const char *name, int ok) {
  ++checks;
  if (!ok) { ++failures; rt_puts("not "); }
  rt_puts("ok "); rt_putdec(checks); rt_puts(" - "); rt_puts(name); rt_putc('\n');
}

void rt_check_eq(const char *name, uint64_t got, uint64_t want) {
  ++checks;
  if (got != want) { ++failures; rt_puts("not "); }
  rt_puts("ok "); rt_putdec(checks); rt_puts(" - "); rt_puts(name);
  if (got != want) { rt_puts(" got="); rt_puthex(got); rt_puts(" want="); rt_puthex(want); }
  rt_putc('\n');
}

int rt_done(void) {
  rt_puts(failures ? "FAIL " : "PASS "); rt_putdec(checks - failures); rt_putc('/'); rt_putdec(checks);
  rt_putc('\n');
  return failures ? 1 : 0;
}

void rt_clear_trap(void) {
  rt_trap.count = 0; rt_trap.cause = ~0UL; rt_trap.tval = ~0UL; rt_trap.epc = ~0UL;
  rt_trap.mode = ~0UL; rt_trap.prev = ~0UL;
}

static int insn_len(uint64_t epc) {
  /* Read the low halfword only: the upper half may sit on an unmapped page. */
  uint16_t h = *(volatile uint16_t *)epc;
  return (h & 3) == 3 ? 4 : 2;
}

static int is_fetch_fault(uint64_t cause) {
  return cause == CAUSE_MISALIGNED_FETCH || cause == CAUSE_FETCH_ACCESS || cause == CAUSE_FETCH_PAGE_FAULT;
}

static void unexpected(const char *who, uint64_t cause, uint64_t epc, uint64_t tval) {
  rt_puts("unexpected trap in "); rt_puts(who); rt_puts(": cause="); rt_puthex(cause);
  rt_puts(" epc="); rt_puthex(epc); rt_puts(" tval="); rt_puthex(tval); rt_putc('\n');
  rt_exit(99);
}

/* Resume after an expected exception: fetch faults return to ra (the test called the
 * bad address), others skip the faulting instruction. */
/* Paging tests identity-map their code, so reading the instruction at epc works in M too. */
static uint64_t skip(struct trap_frame *f, uint64_t cause, uint64_t epc) {
  if (is_fetch_fault(cause)) return f->x[1];
  return epc + insn_len(epc);
}

void rt_mtrap(struct trap_frame *f) {
  uint64_t cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval);
  uint64_t mstatus = csr_read(mstatus);
  uint64_t prev = (mstatus >> 11) & 3;
  if (!(cause & CAUSE_INTERRUPT) && (cause == CAUSE_USER_ECALL || cause == CAUSE_SUPERVISOR_ECALL) &&
      f->x[17] == RT_ECALL_RETURN) {
    rt_resume(f->x[10]);
  }
  rt_trap.count++; rt_trap.cause = cause; rt_trap.tval = tval; rt_trap.epc = epc;
  rt_trap.mode = PRV_M; rt_trap.prev = prev;
  if (rt_mtrap_hook && rt_mtrap_hook(f, cause, epc, tval)) return;
  if (cause & CAUSE_INTERRUPT) unexpected("M (interrupt)", cause, epc, tval);
  if (!rt_expect) unexpected("M", cause, epc, tval);
  csr_write(mepc, skip(f, cause, epc));
}

void rt_strap(struct trap_frame *f) {
  uint64_t cause = csr_read(scause), epc = csr_read(sepc), tval = csr_read(stval);
  uint64_t prev = (csr_read(sstatus) >> 8) & 1;
  if (!(cause & CAUSE_INTERRUPT) && cause == CAUSE_USER_ECALL && f->x[17] == RT_ECALL_RETURN) {
    /* A U-mode function returned while U ecalls are delegated: pass it on to M. */
    register uint64_t a0 __asm__("a0") = f->x[10];
    register uint64_t a7 __asm__("a7") = RT_ECALL_RETURN;
    __asm__ volatile("ecall" :: "r"(a0), "r"(a7));
  }
  rt_trap.count++; rt_trap.cause = cause; rt_trap.tval = tval; rt_trap.epc = epc;
  rt_trap.mode = PRV_S; rt_trap.prev = prev;
  if (rt_strap_hook && rt_strap_hook(f, cause, epc, tval)) return;
  if (cause & CAUSE_INTERRUPT) unexpected("S (interrupt)", cause, epc, tval);
  if (!rt_expect) unexpected("S", cause, epc, tval);
  csr_write(sepc, skip(f, cause, epc));
}
