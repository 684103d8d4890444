// The differential harness on the demo guest and on a fixed set of fuzz seeds: the same
// ELF on QEMU and on tsvisor must print the same UART output (register dumps after every
// block, trap records, the memory area) and exit with the same status.
// `pnpm --filter @tsvisor/system-tests fuzz -- --seeds 1000` runs many more seeds.
import { describe, expect, it } from 'vitest';
import { elfPath } from '../src/env.js';
import { runSeed } from '../src/fuzz/harness.js';
import { runQemu } from '../src/qemu.js';
import { runTsvisor } from '../src/tsvisor.js';

/** Fixed CI seeds: small enough for a busy 2-core box. */
const CI_SEEDS = [1, 2, 3, 4];
/** Seeds run in loop mode (each block 300-400 times: compiled hot code). */
const CI_LOOP_SEEDS = [1];

describe('differential: QEMU vs tsvisor', () => {
  it('hello demo: same banner and exit status', async () => {
    const [q, t] = await Promise.all([runQemu(elfPath('hello')), runTsvisor(elfPath('hello'))]);
    expect(q.output).toBe('Hello from tsvisor! RISC-V hart 0 is up; bye.\n');
    expect(t.output).toBe(q.output);
    expect(t.status).toBe(0);
    expect(q.status).toBe(0);
  });

  for (const seed of CI_SEEDS) {
    it(`fuzz seed ${seed}: registers, traps and memory agree`, async () => {
      const r = await runSeed(seed, { blocks: 10, blockLength: 32 });
      expect(r.qemu.output).toMatch(/^END$/m);
      expect(r.divergence?.report ?? 'no divergence').toBe('no divergence');
    });
  }

  for (const seed of CI_LOOP_SEEDS) {
    it(`fuzz seed ${seed}, blocks looped (hot code): registers and memory agree`, async () => {
      const r = await runSeed(seed, { blocks: 8, blockLength: 32, loops: true });
      expect(r.qemu.output).toMatch(/^END$/m);
      expect(r.divergence?.report ?? 'no divergence').toBe('no divergence');
    });
  }
});
