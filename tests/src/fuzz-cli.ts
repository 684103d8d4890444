/**
 * `pnpm --filter @tsvisor/system-tests fuzz -- --seeds 1000 [--start N] [--blocks 12] [--length 32] [--loops]`
 * (--loops: each block runs 300-400 times, M mode, no traps: exercises compiled hot code)
 * Runs random instruction streams on QEMU and tsvisor and prints each divergence.
 */
import { runSeed } from './fuzz/harness.js';
import { wholeArg as arg } from './cli-args.js';


const seeds = arg('seeds', 100);
const start = arg('start', 1);
const blocks = arg('blocks', 12);
const blockLength = arg('length', 32);
const loops = process.argv.includes('--loops');
let failed = 0;
for (let s = start; s < start + seeds; s++) {
  const r = await runSeed(s, { blocks, blockLength, loops, keep: false });
  if (r.divergence) {
    failed++;
    console.log(`seed ${s}: DIVERGES (program kept at ${r.elf})\n${r.divergence.report}\n`);
  } else if ((s - start + 1) % 25 === 0) {
    console.log(`${s - start + 1}/${seeds} seeds agree so far`);
  }
}
console.log(`${seeds - failed}/${seeds} seeds agree between QEMU and tsvisor`);
process.exit(failed ? 1 : 0);
