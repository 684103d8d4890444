import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli as runInProcess } from '../cli.js';
import { buildGuest, runCli, runCliOnTty, scratchDir } from '../test/run-cli.js';

let elf: string;
beforeAll(() => {
  elf = buildGuest('e2e');
});

describe('tsvisor machine: a bare-metal guest built for QEMU virt', () => {
  it('prints over the UART, takes a timer and UART/PLIC interrupts, and exits with the finisher code', async () => {
    const r = await runCli(['machine', '--bios', 'none', '--kernel', elf, '-m', '64M'], { input: 'hello tsvisor\n' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('tsvisor-e2e: hello\ntick\ngot: hello tsvisor\n');
    expect(r.status).toBe(7);
  });

  it('runs the same on the plain wall clock (--clock host)', async () => {
    const r = await runCli(['machine', '--bios', 'none', '--kernel', elf, '--clock', 'host'], { input: 'wall\n' });
    expect(r.stdout).toBe('tsvisor-e2e: hello\ntick\ngot: wall\n');
    expect(r.status).toBe(7);
  });

  it('runs the same with two harts and the deterministic clock', async () => {
    const r = await runCli(['machine', '--bios', 'none', '--kernel', elf, '--smp', '2', '--clock', 'instructions'], {
      input: 'two harts\n',
      inputDelayMs: 200,
    });
    expect(r.stdout).toBe('tsvisor-e2e: hello\ntick\ngot: two harts\n');
    expect(r.status).toBe(7);
  });

  it('--dump-dtb writes a device tree dtc accepts, with the configured harts, memory and bootargs', async () => {
    const out = join(scratchDir(), 'virt.dtb');
    const status = await runInProcess(['machine', '--bios', 'none', '--kernel', elf, '--smp', '2', '-m', '256M', '--append', 'console=ttyS0', '--dump-dtb', out]);
    expect(status).toBe(0);
    const dtc = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', out], { encoding: 'utf8' });
    expect(dtc.status).toBe(0);
    expect(dtc.stdout).toContain('bootargs = "console=ttyS0"');
    expect(dtc.stdout).toContain('reg = <0x00 0x80000000 0x00 0x10000000>');
    expect(dtc.stdout).toContain('cpu@1 {');
    expect(dtc.stdout).toContain('compatible = "ns16550a"');
  });
});

describe('tsvisor machine on a terminal', () => {
  it('Ctrl-A H lists the keys, Ctrl-A I shows the harts, Ctrl-A X quits with status 0', async () => {
    const r = await runCliOnTty(['machine', '--bios', 'none', '--kernel', elf], [
      { when: 'tick', send: '\x01h' },
      { when: 'Ctrl-A X  quit', send: '\x01i' },
      { when: 'hart 0: pc=', send: '\x01x' },
    ]);
    const out = r.stdout.replace(/\r/g, '');
    expect(out).toContain('tsvisor-e2e: hello\ntick\n');
    expect(out).toMatch(/hart 0: pc=0x[0-9a-f]+ mode=M/);
    expect(out).toContain('tsvisor: terminated (Ctrl-A X)');
    expect(r.status).toBe(0);
  });
});

describe('tsvisor machine: a hung guest can be inspected', () => {
  it('SIGUSR1 prints each hart\'s pc, mode and last trap on stderr and the guest keeps running', async () => {
    // The guest waits for a line that does not come until after the signal.
    const r = await runCli(['machine', '--bios', 'none', '--kernel', elf, '--smp', '2'], {
      respond: [
        { when: 'tick\n', signal: 'SIGUSR1' },
        { when: 'hart 1: pc=', send: 'after\n' },
      ],
    });
    expect(r.stderr).toMatch(/^hart 0: pc=0x8[0-9a-f]+ mode=M (running|wfi); last trap: M: interrupt 7 \(MTI\) at epc 0x8[0-9a-f]+ tval 0x0\n/);
    expect(r.stderr).toMatch(/hart 1: pc=0x8[0-9a-f]+ mode=M wfi; last trap: none\n/);
    expect(r.stdout).toBe('tsvisor-e2e: hello\ntick\ngot: after\n');
    expect(r.status).toBe(7);
  });
});

describe('tsvisor machine --h-ext', () => {
  it('adds the H extension to every hart (riscv,isa has h)', async () => {
    const out = join(scratchDir(), 'h.dtb');
    expect(await runInProcess(['machine', '--bios', 'none', '--h-ext', '1.0', '--dump-dtb', out])).toBe(0);
    const dtc = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', out], { encoding: 'utf8' });
    expect(dtc.stdout).toMatch(/riscv,isa = "rv64imafdch_/);
  });
});

describe('tsvisor machine: bad input is one line on stderr and status 1', () => {
  // In-process (fast): the same entry point main.ts calls, with stderr captured.
  const expectOneLine = async (args: string[], pattern: RegExp) => {
    const lines: string[] = [];
    const status = await runInProcess(args, { error: (l) => lines.push(l) });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).toMatch(/^tsvisor: /);
    expect(lines[0]).toMatch(pattern);
  };

  it('as a process: one line on stderr, nothing on stdout, status 1', async () => {
    const r = await runCli(['machine', '--bios', 'none', '--kernel', '/nonexistent/k.elf']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('tsvisor: --kernel /nonexistent/k.elf: no such file\n');
  });

  it('a missing kernel file', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', '/nonexistent/k.elf'], /--kernel \/nonexistent\/k\.elf: no such file/);
  });

  it('an ELF that does not fit in RAM', async () => {
    const high = buildGuest('e2e', 0x8100_0000, 'high.elf');
    await expectOneLine(['machine', '--bios', 'none', '--kernel', high, '-m', '16M'], /does not fit in RAM/);
  });

  it('a truncated ELF', async () => {
    const cut = join(scratchDir(), 'truncated.elf');
    writeFileSync(cut, readFileSync(elf).subarray(0, 100));
    await expectOneLine(['machine', '--bios', 'none', '--kernel', cut], /truncated|ends before|too short/i);
  });

  it('an unknown --isa extension', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '--isa', 'rv64gc_zfoo'], /unknown ISA extension 'zfoo'/);
  });

  it('a bad memory size', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '-m', '12X'], /-m 12X: not a size/);
  });

  it('too little memory', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '-m', '1M'], /memory size .* 16 MiB/);
  });

  it('a bad --smp', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '--smp', 'two'], /--smp two/);
  });

  it('an unknown option', async () => {
    await expectOneLine(['machine', '--frobnicate'], /unknown option '--frobnicate'/);
  });

  it('an initrd that does not fit', async () => {
    const big = join(scratchDir(), 'big.initrd');
    writeFileSync(big, new Uint8Array(12 * 2 ** 20));
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '-m', '16M', '--initrd', big], /big\.initrd: .* do not fit in RAM/);
  });

  it('a --dtb that is not a device tree', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '--dtb', elf], /--dtb|not a DTB/);
  });

  it('a kernel that is neither ELF nor Image under firmware', async () => {
    const raw = join(scratchDir(), 'raw.bin');
    writeFileSync(raw, new Uint8Array(4096).fill(0x13));
    await expectOneLine(['machine', '--bios', elf, '--kernel', raw], /raw\.bin: neither an ELF file nor a RISC-V Linux Image/);
  });

  it('an unknown --h-ext version', async () => {
    await expectOneLine(['machine', '--bios', 'none', '--kernel', elf, '--h-ext', '2.0'], /--h-ext 2\.0: unknown version/);
  });
});

describe('tsvisor machine: the H extension', () => {
  it('--h-ext picks the spec module; an isa string with h alone means H 1.0', async () => {
    const { machineOptions } = await import('./machine.js');
    const base = { bios: 'none', memory: '64M', smp: '1', clock: 'instructions' as const };
    const specOf = (o: { extensions?: unknown[] }): string | undefined =>
      (o.extensions?.[0] as { spec?: { version: string } } | undefined)?.spec?.version;
    expect(specOf(await machineOptions({ ...base, hExt: '0.6.1' }))).toBe('0.6.1');
    expect(specOf(await machineOptions({ ...base, hExt: '1.0' }))).toBe('1.0');
    expect(specOf(await machineOptions({ ...base, isa: 'rv64imafdch_zicsr_zifencei_sstc' }))).toBe('1.0');
    expect(specOf(await machineOptions({ ...base, isa: 'rv64imafdc_zicsr_zihintpause' }))).toBeUndefined();
  });
});
