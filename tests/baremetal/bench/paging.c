/* Paging-heavy workload for the MMU: the same page-hopping loop in S mode with satp = Bare
 * and with Sv39 (4 KiB pages over 8 MiB, so the TLB misses often). Prints, per phase,
 *   bench paging-<mode> instret=<n> ticks=<time CSR delta> checksum=<hex>
 * `pnpm bench` runs it with the host clock, so ticks (10 MHz) are wall time and give MIPS. */
#include "bench.h"

#define PTE_V 0x01UL
#define PTE_RWX 0x0eUL
#define PTE_AD 0xc0UL
#define REGION (8UL << 20)
#define VBASE 0x40000000UL

static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[REGION / (2UL << 20)][512] __attribute__((aligned(4096)));
static uint8_t region[REGION] __attribute__((aligned(4096)));

static uint64_t walk(uint64_t base) {
  uint64_t sum = 0, x = 0x2545f4914f6cdd1dUL;
  for (int i = 0; i < 8000000; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    volatile uint64_t *p = (volatile uint64_t *)(base + ((x % (REGION / 64)) * 64));
    sum += *p;
    *p = sum ^ (uint64_t)i;
  }
  return sum;
}

static uint64_t s_phase(uint64_t base) {
  uint64_t t0 = csr_read(time), i0 = csr_read(instret);
  uint64_t sum = walk(base);
  uint64_t t1 = csr_read(time), i1 = csr_read(instret);
  rt_puts(base == VBASE ? "bench paging-sv39 instret=" : "bench paging-bare instret=");
  rt_putdec((int64_t)(i1 - i0)); rt_puts(" ticks="); rt_putdec((int64_t)(t1 - t0));
  rt_puts(" checksum="); rt_puthex(sum); rt_putc('\n');
  return sum;
}

int main(void) {
  /* Identity gigapage for code/data/UART access from S, plus VBASE -> region in 4 KiB pages. */
  l2[2] = ((0x80000000UL >> 12) << 10) | PTE_V | PTE_RWX | PTE_AD;
  l2[0] = ((0x0UL >> 12) << 10) | PTE_V | 0x06UL | PTE_AD;   /* devices (UART) RW */
  l2[(VBASE >> 30) & 511] = (((uint64_t)l1 >> 12) << 10) | PTE_V;
  for (unsigned long j = 0; j < REGION / (2UL << 20); j++) {
    l1[j] = (((uint64_t)l0[j] >> 12) << 10) | PTE_V;
    for (int k = 0; k < 512; k++) {
      uint64_t pa = (uint64_t)region + (j << 21) + ((uint64_t)k << 12);
      l0[j][k] = ((pa >> 12) << 10) | PTE_V | 0x06UL | PTE_AD;
    }
  }
  csr_write(mcounteren, 7);
  csr_write(satp, 0);
  for (unsigned long i = 0; i < REGION; i += 8) *(uint64_t *)((uint64_t)region + i) = i * 3;
  uint64_t a = rt_enter_mode(PRV_S, s_phase, (uint64_t)region);
  csr_write(satp, (8UL << 60) | ((uint64_t)l2 >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  for (unsigned long i = 0; i < REGION; i += 8) *(uint64_t *)((uint64_t)region + i) = i * 3;
  uint64_t b = rt_enter_mode(PRV_S, s_phase, VBASE);
  csr_write(satp, 0);
  rt_puts(a == b ? "paging: both phases agree\n" : "paging: phases DIFFER\n");
  return 0;
}
