import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli as runInProcess } from '../cli.js';
import { scratchDir } from '../test/run-cli.js';

const dts = (file: string): string => spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' }).stdout;

describe('tsvisor machine --aia (QEMU -machine virt,aia=)', () => {
  it('aplic-imsic: APLIC domains forwarding to IMSICs, harts with smaia/ssaia', async () => {
    const out = join(scratchDir(), 'aia.dtb');
    expect(await runInProcess(['machine', '--bios', 'none', '--smp', '2', '--aia', 'aplic-imsic', '--dump-dtb', out])).toBe(0);
    const s = dts(out);
    expect(s).toMatch(/imsics@24000000/);
    expect(s).toMatch(/imsics@28000000/);
    expect(s).toMatch(/aplic@c000000/);
    expect(s).toMatch(/riscv,isa = "rv64imafdc_[a-z_]*_smaia_ssaia/);
    expect(s).not.toMatch(/plic@c000000 \{[^}]*riscv,ndev/);
  });

  it('--aia-guests spaces the S files by guest pages (riscv,guest-index-bits) and gives H that GEILEN', async () => {
    const out = join(scratchDir(), 'aiag.dtb');
    expect(await runInProcess(['machine', '--bios', 'none', '--h-ext', '1.0', '--aia', 'aplic-imsic', '--aia-guests', '3', '--dump-dtb', out])).toBe(0);
    expect(dts(out)).toMatch(/riscv,guest-index-bits = <0x02>/);
  });

  it('bad --aia-guests values are one line on stderr and status 1', async () => {
    for (const [args, pattern] of [
      [['--aia', 'aplic-imsic', '--aia-guests', '9'], /aia-guests 9: the virt machine takes 0 to 7/],
      [['--aia', 'aplic-imsic', '--aia-guests', 'x'], /--aia-guests x: not a whole number/],
      [['--aia-guests', '1'], /aia-guests needs aia=aplic-imsic/],
    ] as const) {
      const lines: string[] = [];
      expect(await runInProcess(['machine', '--bios', 'none', ...args, '--dump-dtb', join(scratchDir(), 'x.dtb')], { error: (l) => lines.push(l) })).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
    }
  });
});
