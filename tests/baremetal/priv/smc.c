/* Hot code that changes under it: code run thousands of times (so a caching or compiling
 * implementation has cached it) is then rewritten by a store or an AMO, or its page is
 * remapped, and after FENCE.I / SFENCE.VMA the new code must run (Zifencei chapter; priv
 * spec, "Supervisor Memory-Management Fence Instruction"). */
#include "rt.h"

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_U 0x10UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL

/* "li a0, imm; ret" as two 32-bit words. */
#define LI_A0(imm) (0x00000513u | ((uint32_t)(imm) << 20))
#define RET 0x00008067u

static uint32_t code_a[1024] __attribute__((aligned(4096)));
static uint32_t code_b[1024] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));

typedef uint64_t (*fn_t)(void);

static uint64_t hot(fn_t f, int n) {
  uint64_t sum = 0;
  for (int i = 0; i < n; i++) sum += f();
  return sum;
}

static uint64_t u_hot(uint64_t va) { return hot((fn_t)va, 5000); }

#define VA_CODE 0x40000000UL

int main(void) {
  /* A function in RAM, made hot, then patched by a store. */
  code_a[0] = LI_A0(1); code_a[1] = RET;
  __asm__ volatile("fence.i" ::: "memory");
  rt_check_eq("hot code: first version", hot((fn_t)code_a, 20000), 20000);
  for (int v = 2; v <= 4; v++) {
    ((volatile uint32_t *)code_a)[0] = LI_A0(v);
    __asm__ volatile("fence.i" ::: "memory");
    rt_check_eq(v == 2 ? "store + fence.i: new code runs (1)" : v == 3 ? "store + fence.i: new code runs (2)" : "store + fence.i: new code runs (3)",
                hot((fn_t)code_a, 10000), 10000UL * v);
  }
  /* Patched by an AMO. */
  uint32_t old;
  __asm__ volatile("amoswap.w %0, %2, (%1)" : "=r"(old) : "r"(code_a), "r"(LI_A0(9)) : "memory");
  __asm__ volatile("fence.i" ::: "memory");
  rt_check_eq("amoswap.w + fence.i: new code runs", hot((fn_t)code_a, 10000), 90000);
  rt_check_eq("amoswap.w returned the old instruction", old, LI_A0(4));
  /* A longer body: patch an instruction in the middle of a hot straight-line sequence. */
  for (int i = 0; i < 64; i++) code_a[i] = 0x00150513u;   /* addi a0, a0, 1 */
  code_a[0] = LI_A0(0);
  code_a[64] = RET;
  __asm__ volatile("fence.i" ::: "memory");
  rt_check_eq("64-instruction body", hot((fn_t)code_a, 5000), 5000UL * 63);
  ((volatile uint32_t *)code_a)[32] = 0x06450513u;          /* addi a0, a0, 100 */
  __asm__ volatile("fence.i" ::: "memory");
  rt_check_eq("patched in the middle of the body", hot((fn_t)code_a, 5000), 5000UL * (62 + 100));

  /* Sv39, U mode: VA_CODE maps code_a, run hot, remap to code_b, SFENCE.VMA. */
  code_a[0] = LI_A0(5); code_a[1] = RET;
  code_b[0] = LI_A0(7); code_b[1] = RET;
  __asm__ volatile("fence.i" ::: "memory");
  l2[2] = ((0x80000000UL >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
  l2[1] = (((uint64_t)l1 >> 12) << 10) | PTE_V;
  l1[0] = (((uint64_t)l0 >> 12) << 10) | PTE_V;
  l0[0] = (((uint64_t)code_a >> 12) << 10) | PTE_V | PTE_X | PTE_U | PTE_A;
  csr_write(satp, (8UL << 60) | ((uint64_t)l2 >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  rt_check_eq("U hot code through Sv39", rt_enter_mode(PRV_U, u_hot, VA_CODE), 5000UL * 5);
  l0[0] = (((uint64_t)code_b >> 12) << 10) | PTE_V | PTE_X | PTE_U | PTE_A;
  __asm__ volatile("sfence.vma" ::: "memory");
  rt_check_eq("remapped page + sfence.vma: new code runs", rt_enter_mode(PRV_U, u_hot, VA_CODE), 5000UL * 7);
  /* Same VA, new root and ASID. */
  static uint64_t l2b[512] __attribute__((aligned(4096))), l1b[512] __attribute__((aligned(4096))),
      l0b[512] __attribute__((aligned(4096)));
  l2b[2] = l2[2];
  l2b[1] = (((uint64_t)l1b >> 12) << 10) | PTE_V;
  l1b[0] = (((uint64_t)l0b >> 12) << 10) | PTE_V;
  l0b[0] = (((uint64_t)code_a >> 12) << 10) | PTE_V | PTE_X | PTE_U | PTE_A;
  csr_write(satp, (8UL << 60) | (1UL << 44) | ((uint64_t)l2b >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  rt_check_eq("another root (ASID 1): its code runs", rt_enter_mode(PRV_U, u_hot, VA_CODE), 5000UL * 5);
  csr_write(satp, (8UL << 60) | ((uint64_t)l2 >> 12));
  rt_check_eq("back to ASID 0", rt_enter_mode(PRV_U, u_hot, VA_CODE), 5000UL * 7);
  /* Code written through a writable alias while the X mapping stays: store + fence.i. */
  l0[1] = (((uint64_t)code_b >> 12) << 10) | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
  __asm__ volatile("sfence.vma" ::: "memory");
  csr_set(mstatus, MSTATUS_MPRV);       /* M stores through the U mapping (MPP = U after the ecall) */
  csr_clear(mstatus, MSTATUS_MPP);
  *(volatile uint32_t *)(VA_CODE + 0x1000) = LI_A0(11);
  csr_clear(mstatus, MSTATUS_MPRV);
  __asm__ volatile("fence.i" ::: "memory");
  rt_check_eq("store through a virtual alias + fence.i", rt_enter_mode(PRV_U, u_hot, VA_CODE), 5000UL * 11);
  csr_write(satp, 0);
  __asm__ volatile("sfence.vma" ::: "memory");
  return rt_done();
}
