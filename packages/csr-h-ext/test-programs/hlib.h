/* Tiny library for the bare-metal hypervisor tests: console, checks, trap records. */
#ifndef HLIB_H
#define HLIB_H

typedef unsigned long u64;
typedef long i64;
typedef unsigned int u32;

#define STR_(x) #x
#define STR(x) STR_(x)
#define csrr(csr) ({ u64 v_; asm volatile("csrr %0, " STR(csr) : "=r"(v_) :: "memory"); v_; })
#define csrw(csr, val) asm volatile("csrw " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")
#define csrs(csr, val) asm volatile("csrs " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")
#define csrc(csr, val) asm volatile("csrc " STR(csr) ", %0" :: "r"((u64)(val)) : "memory")

/* H-extension CSR numbers (assembler names need an 'h' in -march, which GCC 12 refuses). */
#define HSTATUS 0x600
#define HEDELEG 0x602
#define HIDELEG 0x603
#define HIE 0x604
#define HTIMEDELTA 0x605
#define HCOUNTEREN 0x606
#define HGEIE 0x607
#define HENVCFG 0x60a
#define HTVAL 0x643
#define HIP 0x644
#define HVIP 0x645
#define HTINST 0x64a
#define HGATP 0x680
#define HGEIP 0xe12
#define VSSTATUS 0x200
#define VSIE 0x204
#define VSTVEC 0x205
#define VSSCRATCH 0x240
#define VSEPC 0x241
#define VSCAUSE 0x242
#define VSTVAL 0x243
#define VSIP 0x244
#define VSTIMECMP 0x24d
#define VSATP 0x280
#define MTINST 0x34a
#define MTVAL2 0x34b
#define MENVCFG 0x30a
#define STIMECMP 0x14d

#define MSTATUS_MPV (1ul << 39)
#define MSTATUS_GVA (1ul << 38)
#define MSTATUS_TW (1ul << 21)
#define MSTATUS_TVM (1ul << 20)
#define HSTATUS_GVA (1ul << 6)
#define HSTATUS_SPV (1ul << 7)
#define HSTATUS_SPVP (1ul << 8)
#define HSTATUS_HU (1ul << 9)
#define HSTATUS_VTVM (1ul << 20)
#define HSTATUS_VTW (1ul << 21)
#define HSTATUS_VTSR (1ul << 22)

/* H instructions through .insn: r-type opcode SYSTEM, funct3 4 (loads/stores) or 0 (fences). */
#define HLV(f7, rs2sel, addr) ({ u64 v_; asm volatile(".insn r 0x73, 4, " STR(f7) ", %0, %1, x" STR(rs2sel) : "=r"(v_) : "r"(addr) : "memory"); v_; })
#define HLV_B(a) HLV(0x30, 0, a)
#define HLV_BU(a) HLV(0x30, 1, a)
#define HLV_H(a) HLV(0x32, 0, a)
#define HLV_HU(a) HLV(0x32, 1, a)
#define HLVX_HU(a) HLV(0x32, 3, a)
#define HLV_W(a) HLV(0x34, 0, a)
#define HLV_WU(a) HLV(0x34, 1, a)
#define HLVX_WU(a) HLV(0x34, 3, a)
#define HLV_D(a) HLV(0x36, 0, a)
#define HSV(f7, addr, val) asm volatile(".insn r 0x73, 4, " STR(f7) ", x0, %0, %1" :: "r"(addr), "r"((u64)(val)) : "memory")
#define HSV_B(a, v) HSV(0x31, a, v)
#define HSV_H(a, v) HSV(0x33, a, v)
#define HSV_W(a, v) HSV(0x35, a, v)
#define HSV_D(a, v) HSV(0x37, a, v)
#define HFENCE_VVMA() asm volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory")
#define HFENCE_GVMA() asm volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory")

enum { MODE_U = 0, MODE_HS = 1, MODE_VU = 2, MODE_VS = 3 };
enum { LVL_HS = 1, LVL_VS = 2, LVL_M = 3 };

/* What the last trap looked like, as seen by the level that took it. */
struct trap_rec {
  volatile i64 count;
  volatile i64 level;  /* LVL_* */
  volatile u64 cause;
  volatile u64 epc;
  volatile u64 tval;
  volatile u64 tval2;  /* mtval2 or htval (0 in VS) */
  volatile u64 tinst;  /* mtinst or htinst (0 in VS) */
  volatile u64 status; /* mstatus (M), hstatus (HS), sstatus (VS) */
};
extern struct trap_rec last;
/* Set while a test calls into an unfetchable address: the handler then returns to ra. */
extern volatile int fetch_test;
/* Called for interrupts with (level, cause); it must clear the source. */
extern void (*volatile irq_hook)(i64 level, u64 cause);

/* An HS-level handler that may take a trap over (it sets sepc itself and returns nonzero). */
extern long (*volatile hs_hook)(u64 *frame, u64 cause);

void trap_reset(void);
/* The cause of the last trap since trap_reset(), or -1 if none was taken. */
i64 trap_cause(void);
long run_in(long mode, long (*fn)(long), long arg);
void exit_ecall(long value);

void puts_(const char *s);
void puthex(u64 v);
/* Prints "ok <name> = <got>" or "FAIL <name> = <got> (expected <want>)". */
void check(const char *name, u64 got, u64 want);
/* Prints "info <name> = <value>": a value compared with the oracle, not self-checked. */
void info(const char *name, u64 value);
void finish(void);

extern void hs_trap_entry(void);
extern void vs_trap_entry(void);
extern char hs_trap_stack_top[], vs_trap_stack_top[];

#endif
