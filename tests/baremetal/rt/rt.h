/* Tiny bare-metal runtime for QEMU virt-compatible machines: UART output, the
 * sifive_test finisher, CSR access, trap recording and privilege switching. */
#ifndef RT_H
#define RT_H
#include <stdint.h>

#define UART0_BASE 0x10000000UL
#define TEST_BASE 0x100000UL
#define CLINT_BASE 0x2000000UL
#define CLINT_MSIP(h) (CLINT_BASE + 4 * (h))
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000 + 8 * (h))
#define CLINT_MTIME (CLINT_BASE + 0xBFF8)

#define RT_ECALL_RETURN 0x52455431

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* mcause values (priv spec, "Machine Cause Register"). */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_MACHINE_ECALL 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define CAUSE_INTERRUPT (1UL << 63)
#define IRQ_S_SOFT 1
#define IRQ_M_SOFT 3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7

#define MSTATUS_SIE (1UL << 1)
#define MSTATUS_MIE (1UL << 3)
#define MSTATUS_SPIE (1UL << 5)
#define MSTATUS_MPIE (1UL << 7)
#define MSTATUS_SPP (1UL << 8)
#define MSTATUS_MPP (3UL << 11)
#define MSTATUS_FS (3UL << 13)
#define MSTATUS_MPRV (1UL << 17)
#define MSTATUS_SUM (1UL << 18)
#define MSTATUS_MXR (1UL << 19)
#define MSTATUS_TVM (1UL << 20)
#define MSTATUS_TW (1UL << 21)
#define MSTATUS_TSR (1UL << 22)

#define STR_(x) #x
#define STR(x) STR_(x)
#define csr_read(csr) ({ unsigned long v_; __asm__ volatile("csrr %0, " STR(csr) : "=r"(v_)::"memory"); v_; })
#define csr_write(csr, val) ({ __asm__ volatile("csrw " STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory"); })
#define csr_set(csr, val) ({ __asm__ volatile("csrs " STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory"); })
#define csr_clear(csr, val) ({ __asm__ volatile("csrc " STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory"); })
#define csr_swap(csr, val) ({ unsigned long v_; __asm__ volatile("csrrw %0, " STR(csr) ", %1" : "=r"(v_) : "rK"((unsigned long)(val)) : "memory"); v_; })

static inline void mmio_write32(unsigned long a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(unsigned long a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(unsigned long a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(unsigned long a) { return *(volatile uint64_t *)a; }

/* Saved registers at trap entry: x[i] is register xi (x[2] is the interrupted sp). */
struct trap_frame { uint64_t x[32]; };

/* What the last trap recorded (in whichever mode took it). */
struct trap_record {
  volatile uint64_t count;
  volatile uint64_t cause;
  volatile uint64_t tval;
  volatile uint64_t epc;
  volatile uint64_t mode;   /* 3: taken in M, 1: taken in S */
  volatile uint64_t prev;   /* the privilege trapped from (MPP / SPP) */
};
extern struct trap_record rt_trap;

/* A test may install a hook; it returns 1 when it handled the trap (and set xepc). */
typedef int (*rt_trap_hook_t)(struct trap_frame *f, uint64_t cause, uint64_t epc, uint64_t tval);
extern rt_trap_hook_t rt_mtrap_hook;
extern rt_trap_hook_t rt_strap_hook;
/* Non-zero: exceptions are expected and skipped over; zero: an exception fails the program. */
extern volatile int rt_expect;

extern uint64_t rt_boot_hartid, rt_boot_dtb;
extern char __heap_start[];

void rt_putc(char c);
void rt_puts(const char *s);
void rt_puthex(uint64_t v);
void rt_putdec(int64_t v);
__attribute__((noreturn)) void rt_exit(int code);
/* Prints "ok N - name" or "not ok N - name ..." and counts failures. */
void rt_check(const char *name, int ok);
void rt_check_eq(const char *name, uint64_t got, uint64_t want);
int rt_done(void);   /* prints a summary; returns the exit code for main */

void rt_clear_trap(void);
/* Run fn(arg) in privilege mode (PRV_U, PRV_S) and return its result. */
uint64_t rt_enter_mode(unsigned long mode, uint64_t (*fn)(uint64_t), uint64_t arg);
void rt_strap_entry(void);

/* Expect the next instruction(s) to trap: EXPECT_TRAP(stmt) runs stmt with traps skipped. */
#define EXPECT_TRAP(stmt) do { rt_clear_trap(); rt_expect = 1; stmt; rt_expect = 0; } while (0)

#endif
