import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGuest, runCli, scratchDir } from '../test/run-cli.js';

/** The guest as a flat binary at kvmtool's kernel address (RAM + 2 MiB). */
let kernel: string;
beforeAll(() => {
  const elf = buildGuest('kvm-hello', 0x8020_0000);
  kernel = join(scratchDir(), 'kvm-hello.bin');
  const oc = spawnSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, kernel], { encoding: 'utf8' });
  if (oc.status !== 0) throw new Error(`objcopy failed: ${oc.stderr}`);
});

describe('tsvisor run: a small guest on the KVM-style API', () => {
  it('prints over the UART and the SBI console, reads seed through the VMM, and exits 0 on SBI shutdown', async () => {
    const r = await runCli(['run', '-k', kernel, '-m', '32']);
    expect(r.stdout).toBe('hello from VS mode, seed ES16: Y\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('--stats prints the exits by reason with kvm_stat names and the guest instructions retired', async () => {
    const r = await runCli(['run', '-k', kernel, '-m', '32', '--stats']);
    expect(r.status).toBe(0);
    const row = (name: string) => Number(new RegExp(`^ ${name} +(\\d+)`, 'm').exec(r.stderr)?.[1]);
    // 31 UART bytes (MMIO), one seed read (CSR), three ECALLs (two DBCN writes forwarded, SRST).
    // The guest retires 148 instructions: the trapping ones (the MMIO stores, the seed read, the
    // ECALLs) are carried out by the hypervisor and do not retire in the guest.
    expect(row('mmio_exit_user')).toBe(31);
    expect(row('csr_exit_user')).toBe(1);
    expect(row('ecall_exit_stat')).toBe(3);
    expect(row('sbi_exit_user')).toBe(2);
    expect(row('exits')).toBe(35);
    expect(row('guest instructions retired')).toBe(148);
  });

  it('--disable-zkr: the guest has no Zkr (not in riscv,isa) and its seed read traps in the guest', async () => {
    const dtb = join(scratchDir(), 'nozkr.dtb');
    expect((await runCli(['run', '-k', kernel, '-m', '32', '--disable-zkr', '--dump-dtb', dtb])).status).toBe(0);
    const dtc = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8' });
    expect(dtc.stdout).toMatch(/riscv,isa = "rv64imafdc_/);
    expect(dtc.stdout).not.toContain('zkr');
    const r = await runCli(['run', '-k', kernel, '-m', '32', '--disable-zkr', '--stats']);
    expect(r.stdout).toBe('hello from VS mode, seed ES16: X\n');
    expect(r.stderr).not.toMatch(/csr_exit_user/);
    expect(r.status).toBe(0);
  });
});
