// The bare-metal programs on QEMU 7.2 (the oracle): this validates the programs themselves.
// A program passes there, or fails exactly its documented departures (programs.ts), where
// QEMU departs from the spec and the program expects the spec behaviour.
import { describe, expect, it } from 'vitest';
import { elfPath, requireTools } from '../src/env.js';
import { PROGRAMS } from '../src/programs.js';
import { runQemu } from '../src/qemu.js';
import { parseChecks, summarize } from '../src/tap.js';

describe('bare-metal programs on qemu-system-riscv64 (oracle)', () => {
  it('has the cross toolchain and QEMU', () => {
    expect(() => requireTools()).not.toThrow();
  });

  it('hello demo prints its banner and exits 0', async () => {
    const r = await runQemu(elfPath('hello'));
    expect(r.output).toContain('Hello from tsvisor! RISC-V hart 0 is up');
    expect(r.status).toBe(0);
  });

  for (const p of PROGRAMS.filter((p) => p.qemu === 'runs')) {
    it(`${p.name}: ${p.covers}`, async () => {
      const r = await runQemu(elfPath(p.name), { h: p.h });
      const failing = parseChecks(r.output).filter((c) => !c.ok).map((c) => c.name).sort();
      const departures = (p.qemuDepartures ?? []).map((d) => d.check).sort();
      expect(failing, summarize(r.output, r.status)).toEqual(departures);
      expect(r.status, summarize(r.output, r.status)).toBe(departures.length ? 1 : 0);
      expect(parseChecks(r.output).length).toBeGreaterThan(0);
    });
  }
});
