#include "hlib.h"

#define UART ((volatile unsigned char *)0x10000000ul)
#define FINISHER ((volatile unsigned int *)0x100000ul)
#define EXIT_MAGIC 0x7e5f

struct trap_rec last;
volatile int fetch_test;
long (*volatile hs_hook)(u64 *frame, u64 cause);
void (*volatile irq_hook)(i64 level, u64 cause);
extern u64 run_result;
static int failures;

static void putc_(char c) {
  while ((UART[5] & 0x20) == 0) {}
  UART[0] = (unsigned char)c;
}
void puts_(const char *s) { while (*s) putc_(*s++); }
void puthex(u64 v) {
  puts_("0x");
  int started = 0;
  for (int i = 60; i >= 0; i -= 4) {
    unsigned d = (v >> i) & 0xf;
    if (d || started || i == 0) { putc_("0123456789abcdef"[d]); started = 1; }
  }
}
void check(const char *name, u64 got, u64 want) {
  puts_(got == want ? "ok " : "FAIL ");
  puts_(name); puts_(" = "); puthex(got);
  if (got != want) { puts_(" (expected "); puthex(want); puts_(")"); failures++; }
  puts_("\n");
}
void info(const char *name, u64 value) { puts_("info "); puts_(name); puts_(" = "); puthex(value); puts_("\n"); }
void finish(void) {
  puts_(failures ? "done: failures\n" : "done: all ok\n");
  *FINISHER = 0x5555;
  for (;;) {}
}

void trap_reset(void) { last.count = 0; last.level = 0; last.cause = 0; last.tval = 0; last.tval2 = 0; last.tinst = 0; last.status = 0; }
i64 trap_cause(void) { return last.count ? (i64)last.cause : -1; }

/* frame: x0..x31 at 8*i */
long trap_handler(u64 *frame, long level) {
  u64 cause, epc;
  if (level == LVL_M) { cause = csrr(mcause); epc = csrr(mepc); }
  else { cause = csrr(scause); epc = csrr(sepc); }
  int interrupt = (long)cause < 0;
  if (!interrupt && (cause == 8 || cause == 9 || cause == 10) && frame[17] == EXIT_MAGIC) {
    if (level == LVL_M) { run_result = frame[10]; return 1; }
    /* leaving for good: give the level its trap stack back before passing the exit upwards */
    csrw(sscratch, (u64)(level == LVL_HS ? hs_trap_stack_top : vs_trap_stack_top));
    exit_ecall((long)frame[10]);
  }
  if (level == LVL_HS && hs_hook && hs_hook(frame, cause)) return 0;
  last.count++;
  last.level = level;
  last.cause = cause;
  last.epc = epc;
  if (level == LVL_M) {
    last.tval = csrr(mtval); last.tval2 = csrr(MTVAL2); last.tinst = csrr(MTINST); last.status = csrr(mstatus);
  } else if (level == LVL_HS) {
    last.tval = csrr(stval); last.tval2 = csrr(HTVAL); last.tinst = csrr(HTINST); last.status = csrr(HSTATUS);
  } else {
    last.tval = csrr(stval); last.tval2 = 0; last.tinst = 0; last.status = csrr(sstatus);
  }
  if (interrupt) {
    if (irq_hook) irq_hook(level, cause);
    return 0;
  }
  /* Fetch-fault tests reach the bad address through a call: return to the caller. (Decided by
     the test, not by the cause, so a wrong cause cannot loop.) */
  if (fetch_test) epc = frame[1];
  else epc += ((*(volatile unsigned short *)epc) & 3) == 3 ? 4 : 2;
  if (level == LVL_M) csrw(mepc, epc); else csrw(sepc, epc);
  return 0;
}
