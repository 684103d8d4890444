// Every bare-metal program on tsvisor's virt machine: all checks pass and the program
// exits 0 through the sifive_test finisher.
import { describe, expect, it } from 'vitest';
import { elfPath } from '../src/env.js';
import { PROGRAMS } from '../src/programs.js';
import { parseChecks, summarize } from '../src/tap.js';
import { runTsvisor } from '../src/tsvisor.js';

describe('bare-metal programs on tsvisor', () => {
  it('hello demo prints its banner and exits 0', async () => {
    const r = await runTsvisor(elfPath('hello'));
    expect(r.output).toBe('Hello from tsvisor! RISC-V hart 0 is up; bye.\n');
    expect(r.status).toBe(0);
  });

  for (const p of PROGRAMS) {
    it(`${p.name}: ${p.covers}`, async () => {
      const r = await runTsvisor(elfPath(p.name), { isa: p.isa });
      const checks = parseChecks(r.output);
      expect(checks.filter((c) => !c.ok).map((c) => c.line), summarize(r.output, r.status)).toEqual([]);
      expect(checks.length, summarize(r.output, r.status)).toBeGreaterThan(0);
      expect(r.output, summarize(r.output, r.status)).toMatch(/^PASS \d+\/\d+$/m);
      expect(r.status, summarize(r.output, r.status)).toBe(0);
    });
  }
});
