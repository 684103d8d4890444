/* Integer ALU and multiply/divide: a sieve, xorshift hashing, gcd. */
#define BENCH_NAME "int"
#define BENCH_REPS 18
#include "bench.h"

static uint8_t sieve[200000];

static uint64_t bench_work(void) {
  uint64_t sum = 0;
  for (int rep = 0; rep < 4; rep++) {
    for (int i = 0; i < 200000; i++) sieve[i] = 1;
    for (int i = 2; i * i < 200000; i++)
      if (sieve[i]) for (int j = i * i; j < 200000; j += i) sieve[j] = 0;
    for (int i = 2; i < 200000; i++) sum += sieve[i] ? (uint64_t)i : 0;
  }
  uint64_t x = 0x9e3779b97f4a7c15UL;
  for (int i = 0; i < 1000000; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; sum += x * 0x2545f4914f6cdd1dUL; }
  for (uint64_t a = 1; a < 20000; a++) {
    uint64_t p = a * 7919 + 13, q = a * 104729 + 7;
    while (q) { uint64_t t = p % q; p = q; q = t; }
    sum += p + (a * 1000003) / (a + 3);
  }
  return sum;
}
