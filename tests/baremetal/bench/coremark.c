/* A CoreMark-like mix (our own code, not CoreMark): linked-list find/reverse/sort,
 * integer matrix multiply, a byte-driven state machine, and CRC-16 over the results. */
#define BENCH_NAME "coremark"
#define BENCH_REPS 25
#include "bench.h"

struct node { struct node *next; int16_t key; int16_t val; };
#define NN 256
static struct node nodes[NN];

static uint16_t crc16(uint16_t crc, uint8_t b) {
  crc ^= b;
  for (int i = 0; i < 8; i++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
  return crc;
}
static uint16_t crc_u32(uint16_t crc, uint32_t v) {
  for (int i = 0; i < 4; i++) crc = crc16(crc, (uint8_t)(v >> (8 * i)));
  return crc;
}

static struct node *list_reverse(struct node *h) {
  struct node *p = 0;
  while (h) { struct node *n = h->next; h->next = p; p = h; h = n; }
  return p;
}
static struct node *list_sort(struct node *h) {  /* insertion sort by val */
  struct node *out = 0;
  while (h) {
    struct node *n = h->next, **pp = &out;
    while (*pp && (*pp)->val < h->val) pp = &(*pp)->next;
    h->next = *pp; *pp = h; h = n;
  }
  return out;
}

#define MS 24
static int32_t ma[MS][MS], mb[MS][MS], mc[MS][MS];

static int state_machine(const uint8_t *s, int n) {
  enum { START, INT, FRAC, EXP, INVALID } st = START;
  int counts[5] = { 0 };
  for (int i = 0; i < n; i++) {
    uint8_t c = s[i];
    switch (st) {
      case START: st = (c >= '0' && c <= '9') ? INT : (c == '.') ? FRAC : INVALID; break;
      case INT: if (c == '.') st = FRAC; else if (c == 'e') st = EXP; else if (c == ',') st = START; else if (c < '0' || c > '9') st = INVALID; break;
      case FRAC: if (c == 'e') st = EXP; else if (c == ',') st = START; else if (c < '0' || c > '9') st = INVALID; break;
      case EXP: if (c == ',') st = START; else if (c < '0' || c > '9') st = INVALID; break;
      default: if (c == ',') st = START; break;
    }
    counts[st]++;
  }
  return counts[0] * 3 + counts[1] * 5 + counts[2] * 7 + counts[3] * 11 + counts[4] * 13;
}

static uint64_t bench_work(void) {
  uint16_t crc = 0;
  uint32_t seed = 0x1234;
  static uint8_t text[2048];
  const char alphabet[] = "0123456789.e,x";
  for (int iter = 0; iter < 60; iter++) {
    for (int i = 0; i < NN; i++) {
      seed = seed * 1664525u + 1013904223u;
      nodes[i].key = (int16_t)i; nodes[i].val = (int16_t)(seed >> 17);
      nodes[i].next = i + 1 < NN ? &nodes[i + 1] : 0;
    }
    struct node *h = list_reverse(&nodes[0]);
    h = list_sort(h);
    int found = 0;
    for (struct node *p = h; p; p = p->next) if ((p->key & 15) == (iter & 15)) found += p->val;
    crc = crc_u32(crc, (uint32_t)found);
    for (int i = 0; i < MS; i++) for (int j = 0; j < MS; j++) { ma[i][j] = (i * j + iter) & 0xff; mb[i][j] = (i - j + iter) & 0x7f; }
    for (int i = 0; i < MS; i++) for (int j = 0; j < MS; j++) {
      int32_t s = 0;
      for (int k = 0; k < MS; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
    for (int i = 0; i < MS; i++) crc = crc_u32(crc, (uint32_t)mc[i][(i + iter) % MS]);
    for (int i = 0; i < 2048; i++) { seed = seed * 1664525u + 1013904223u; text[i] = (uint8_t)alphabet[(seed >> 20) % 14]; }
    crc = crc_u32(crc, (uint32_t)state_machine(text, 2048));
  }
  return crc;
}
