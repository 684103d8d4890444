// The differential harness: the same ELF on QEMU and on tsvisor must print the same thing.
// Self-checking programs: identical output except the documented QEMU departures and the
// checks whose outcome the spec leaves to the implementation (misaligned accesses done in
// hardware or trapped). Fuzz programs: identical register dumps, trap records and memory.
import { describe, expect, it } from 'vitest';
import { elfPath } from '../src/env.js';
import { runSeed } from '../src/fuzz/harness.js';
import { PROGRAMS } from '../src/programs.js';
import { runQemu } from '../src/qemu.js';
import { parseChecks } from '../src/tap.js';
import { runTsvisor } from '../src/tsvisor.js';

/** Fixed CI seeds: small enough for a busy 2-core box. */
export const CI_SEEDS = [1, 2, 3, 4];

describe('differential: QEMU vs tsvisor', () => {
  it('hello demo: same output and status', async () => {
    const [q, t] = await Promise.all([runQemu(elfPath('hello')), runTsvisor(elfPath('hello'))]);
    expect(t.output).toBe(q.output);
    expect(t.status).toBe(q.status);
  });

  for (const p of PROGRAMS.filter((p) => p.qemu === 'runs')) {
    it(`${p.name}: same check lines as QEMU (apart from documented departures)`, async () => {
      const q = await runQemu(elfPath(p.name), { h: p.h });
      const t = await runTsvisor(elfPath(p.name));
      const departures = new Set((p.qemuDepartures ?? []).map((d) => d.check));
      const implDefined = (name: string): boolean => name.startsWith('misaligned ');
      const qc = parseChecks(q.output).filter((c) => !departures.has(c.name) && !implDefined(c.name)).map((c) => `${c.ok ? 'ok' : 'not ok'} - ${c.name}`);
      const tc = parseChecks(t.output).filter((c) => !departures.has(c.name) && !implDefined(c.name)).map((c) => `${c.ok ? 'ok' : 'not ok'} - ${c.name}`);
      expect(tc).toEqual(qc);
    });
  }

  for (const seed of CI_SEEDS) {
    it(`fuzz seed ${seed}: registers, traps and memory agree`, async () => {
      const r = await runSeed(seed, { blocks: 10, blockLength: 32 });
      expect(r.divergence?.report ?? 'no divergence').toBe('no divergence');
    });
  }
});
