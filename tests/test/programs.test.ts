// Every self-checking bare-metal program, run once on QEMU 7.2 (the oracle) and once on
// tsvisor's virt machine:
//  - on tsvisor every check passes and the program exits 0 through the finisher;
//  - on QEMU the program passes, or fails exactly its documented departures (programs.ts:
//    QEMU departs from the spec there and the program expects the spec's behaviour);
//  - differential: both machines print the same check lines, apart from those departures
//    and the checks whose path the spec leaves to the implementation (a misaligned access
//    may be done in hardware or trap).
import { describe, expect, it } from 'vitest';
import { elfPath, requireTools } from '../src/env.js';
import { PROGRAMS, type GuestProgram } from '../src/programs.js';
import { runQemu, type GuestRun } from '../src/qemu.js';
import { parseChecks, summarize } from '../src/tap.js';
import { runTsvisor } from '../src/tsvisor.js';

const qemuRuns = new Map<string, Promise<GuestRun>>();
const ourRuns = new Map<string, Promise<GuestRun>>();
const onQemu = (p: GuestProgram): Promise<GuestRun> => {
  if (!qemuRuns.has(p.name)) qemuRuns.set(p.name, runQemu(elfPath(p.name), { h: p.h, harts: p.harts }));
  return qemuRuns.get(p.name)!;
};
const onTsvisor = (p: GuestProgram): Promise<GuestRun> => {
  if (!ourRuns.has(p.name)) ourRuns.set(p.name, runTsvisor(elfPath(p.name), { isa: p.isa, harts: p.harts }));
  return ourRuns.get(p.name)!;
};

describe('system test prerequisites', () => {
  it('has the cross toolchain and QEMU', () => {
    expect(() => requireTools()).not.toThrow();
  });
});

for (const p of PROGRAMS) {
  describe(`${p.name} (${p.covers})`, () => {
    it('passes on tsvisor', async () => {
      const r = await onTsvisor(p);
      const checks = parseChecks(r.output);
      expect(checks.filter((c) => !c.ok).map((c) => c.line), summarize(r.output, r.status)).toEqual([]);
      expect(checks.length, summarize(r.output, r.status)).toBeGreaterThan(0);
      expect(r.output, summarize(r.output, r.status)).toMatch(/^PASS \d+\/\d+$/m);
      expect(r.status, summarize(r.output, r.status)).toBe(0);
    });

    if (p.qemu === 'runs') {
      it('on QEMU: passes apart from the documented departures', async () => {
        const r = await onQemu(p);
        const failing = parseChecks(r.output).filter((c) => !c.ok).map((c) => c.name).sort();
        const departures = (p.qemuDepartures ?? []).map((d) => d.check).sort();
        expect(failing, summarize(r.output, r.status)).toEqual(departures);
        expect(r.status, summarize(r.output, r.status)).toBe(departures.length ? 1 : 0);
      });

      it('differential: same check lines on QEMU and tsvisor', async () => {
        const [q, t] = await Promise.all([onQemu(p), onTsvisor(p)]);
        const departures = new Set((p.qemuDepartures ?? []).map((d) => d.check));
        const implDefined = (name: string): boolean => name.startsWith('misaligned ');
        const lines = (out: string): string[] => parseChecks(out)
          .filter((c) => !departures.has(c.name) && !implDefined(c.name))
          .map((c) => `${c.ok ? 'ok' : 'not ok'} - ${c.name}`);
        expect(lines(t.output)).toEqual(lines(q.output));
      });
    }
  });
}
