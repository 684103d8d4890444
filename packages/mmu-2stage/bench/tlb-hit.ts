/**
 * Micro-benchmark: TLB-hit translations per second on the hot path
 * (`Translator.translate(lo, hi, op)`), for Bare, Sv39 and two-stage Sv39 + Sv39x4,
 * plus the miss path (full walks) for scale. Run: `pnpm --filter @tsvisor/mmu-2stage bench`.
 */
import { Translator, makeOp, TRANSLATE_FAULT } from '../src/index.js';
import { FlatRam, LEAF, PageTableBuilder, URWX } from '../src/test/index.js';

const PAGES = 256; // working set: fits the 1024-entry TLBs
const ITER = 20_000_000;

function atp(mode: number, root: number, id = 0): bigint {
  return (BigInt(mode) << 60n) | (BigInt(id) << 44n) | BigInt(root / 4096);
}

const ram = new FlatRam(0x8000_0000, 64 * 2 ** 20);
const single = new PageTableBuilder(ram, 'single', 8, 0x8000_0000);
const g = new PageTableBuilder(ram, 'g', 8, 0x8100_0000);
const vs = new PageTableBuilder(ram, 'single', 8, 0x8200_0000);
for (let p = 0; p < 256; p++) g.map(BigInt(0x8200_0000 + p * 4096), 0x8200_0000 + p * 4096, URWX | LEAF);
const MISS_PAGES = 8192; // far more than the TLB holds: every access in a sequential sweep misses
for (let p = 0; p < MISS_PAGES; p++) {
  single.map(0x4000_0000n + BigInt(p * 4096), 0x9000_0000 + p * 4096, URWX | LEAF);
  vs.map(0x4000_0000n + BigInt(p * 4096), 0x1000_0000 + p * 4096, URWX | LEAF);
  g.map(0x1000_0000n + BigInt(p * 4096), 0xa000_0000 + p * 4096, URWX | LEAF);
}
const tr = new Translator({ memory: ram });
tr.configure({ satp: atp(8, 0x8000_0000, 1), vsatp: atp(8, 0x8200_0000, 2), hgatp: atp(8, 0x8100_0000, 3), mstatus: 1n << 18n, vsstatus: 1n << 18n }); // SUM, as in Linux copy_{to,from}_user

function run(name: string, op: number, iter: number): void {
  let sum = 0;
  // Warm up (fills the TLB, lets the JIT settle).
  for (let i = 0; i < 200_000; i++) sum += tr.translate(0x4000_0000 + ((i & (PAGES - 1)) << 12) + (i & 0xff8), 0, op);
  const t0 = performance.now();
  for (let i = 0; i < iter; i++) {
    const pa = tr.translate(0x4000_0000 + ((i & (PAGES - 1)) << 12) + (i & 0xff8), 0, op);
    if (pa === TRANSLATE_FAULT) throw new Error(`${name}: unexpected fault ${tr.faultCause}`);
    sum += pa;
  }
  const dt = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(34)} ${(iter / dt / 1e6).toFixed(1).padStart(7)} M translations/s  (checksum ${sum % 9973})`);
}

function runTry(name: string, op: number, iter: number): void {
  let sum = 0;
  for (let i = 0; i < 200_000; i++) if (tr.tryTranslate(0x4000_0000 + ((i & (PAGES - 1)) << 12) + (i & 0xff8), 0, op)) sum += tr.pa;
  const t0 = performance.now();
  for (let i = 0; i < iter; i++) {
    if (!tr.tryTranslate(0x4000_0000 + ((i & (PAGES - 1)) << 12) + (i & 0xff8), 0, op)) throw new Error(`${name}: unexpected fault ${tr.faultCause}`);
    sum += tr.pa;
  }
  const dt = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(34)} ${(iter / dt / 1e6).toFixed(1).padStart(7)} M translations/s  (checksum ${sum % 9973})`);
}

function runMisses(name: string, op: number, iter: number): void {
  const t0 = performance.now();
  for (let i = 0; i < iter; i++) {
    if (tr.translate(0x4000_0000 + ((i & (MISS_PAGES - 1)) << 12), 0, op) === TRANSLATE_FAULT) throw new Error(`${name}: fault ${tr.faultCause}`);
  }
  const dt = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(34)} ${(iter / dt / 1e6).toFixed(2).padStart(7)} M walks/s`);
}

console.log(`TLB-hit path, ${PAGES} pages, ${ITER / 1e6}M translations each`);
run('M-mode (Bare, no TLB)', makeOp({ access: 'load', priv: 3 }), ITER);
run('Sv39 load, S-mode (hit)', makeOp({ access: 'load', priv: 1 }), ITER);
run('Sv39 store, U-mode (hit)', makeOp({ access: 'store', priv: 0 }), ITER);
run('Sv39 + Sv39x4 load, VS (hit)', makeOp({ access: 'load', priv: 1, virt: true }), ITER);
run('Sv39 + Sv39x4 fetch, VU (hit)', makeOp({ access: 'fetch', priv: 0, virt: true }), ITER);
runTry('tryTranslate: Sv39 load, S (hit)', makeOp({ access: 'load', priv: 1 }), ITER);
runTry('tryTranslate: 2-stage load, VS (hit)', makeOp({ access: 'load', priv: 1, virt: true }), ITER);
runMisses('Sv39 load, U (miss: walk)', makeOp({ access: 'load', priv: 0 }), 400_000);
runMisses('Sv39 + Sv39x4 load, VU (miss: 2-stage)', makeOp({ access: 'load', priv: 0, virt: true }), 400_000);
