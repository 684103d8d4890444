/** `tsvisor run --irqchip aia`: the VMM sets KVM's in-kernel AIA up as kvmtool's riscv/aia.c does. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDtb } from '@tsvisor/fdt';
import { InstructionClock } from '@tsvisor/isa-core';
import { KVM_REG } from '@tsvisor/kvm-api';
import { describe, expect, it } from 'vitest';
import { Vmm } from './vmm.js';

const dir = mkdtempSync(join(tmpdir(), 'vmm-aia-'));
const KERNEL = 0x8020_0000;

function assemble(name: string, body: string): Uint8Array {
  const src = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(src, `.option norvc\n.section .text\n.globl _start\n_start:\n${body}\n`);
  const gcc = spawnSync('riscv64-unknown-elf-gcc', ['-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-nostartfiles', `-Wl,-Ttext=0x${KERNEL.toString(16)}`, '-o', elf, src], { encoding: 'utf8' });
  if (gcc.error) throw new Error('riscv64-unknown-elf-gcc is required (run tooling/scripts/setup.sh)');
  if (gcc.status !== 0) throw new Error(`assembling ${name} failed:\n${gcc.stderr}`);
  spawnSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
  return new Uint8Array(readFileSync(bin));
}

describe('VMM with the in-kernel AIA (--irqchip aia)', () => {
  it('describes riscv,imsics and riscv,aplic; devices name the APLIC with two cells; the guest ISA has ssaia', () => {
    const vmm = new Vmm({ memory: 64 * 2 ** 20, cpus: 2, kernel: { name: 'k', bytes: assemble('k', 'j .') }, clock: new InstructionClock(), irqchip: 'aia' });
    const root = parseDtb(vmm.dtb).root;
    const imsic = root.find('/smb/imsics@8000000')!;
    const aplic = root.find('/smb/aplic@8002000')!;
    expect(imsic.strings('compatible')).toEqual(['riscv,imsics']);
    expect(imsic.u32s('interrupts-extended')!.filter((_, i) => i % 2 === 1)).toEqual([9, 9]);
    expect(imsic.u32('riscv,num-ids')).toBe(255);
    expect(aplic.u32('msi-parent')).toBe(imsic.u32('phandle'));
    const uart = root.find('/smb/serial@10000000')!;
    expect(uart.u32('interrupt-parent')).toBe(aplic.u32('phandle'));
    expect(uart.u32s('interrupts')).toEqual([1, 4]);
    expect(root.find('/cpus/cpu@0')!.string('riscv,isa')).toMatch(/_ssaia/);
    expect(vmm.plic).toBeUndefined();
  });

  it('a guest programs the APLIC and its IMSIC file; a UART interrupt arrives as an MSI (no KVM_INTERRUPT, no MMIO exits for them)', async () => {
    // The guest: IMSIC on (eidelivery, eie), APLIC source 1 (the UART) Level1 -> hart 0 EIID 7,
    // the UART's THR-empty interrupt enabled; it claims through stopei and prints the identity.
    const kernel = assemble('uartirq', `
      la t0, handler
      csrw stvec, t0
      li t0, 0x70
      csrw siselect, t0
      li t0, 1
      csrw sireg, t0
      li t0, 0xc0
      csrw siselect, t0
      li t0, -2
      csrw sireg, t0
      li t0, 0x200
      csrw sie, t0
      li t3, 0x8001000       /* APLIC: after the one IMSIC page */
      li t0, 6
      sw t0, 4(t3)           /* sourcecfg[1] = Level1 */
      li t4, 0x8004004       /* target[1] */
      li t0, 7
      sw t0, 0(t4)
      li t4, 0x8002edc       /* setienum */
      li t0, 1
      sw t0, 0(t4)
      li t0, 0x104
      sw t0, 0(t3)           /* domaincfg IE | DM */
      csrsi sstatus, 2
      li t0, 0x10000000
      li t1, 2
      sb t1, 1(t0)           /* IER: THR empty */
1:    wfi
      j 1b
handler:
      csrrw t1, stopei, zero
      srli t1, t1, 16
      addi a0, t1, '0'
      li a7, 0x4442434E      /* DBCN write_byte */
      li a6, 2
      ecall
      li a7, 0x53525354      /* SRST shutdown */
      li a6, 0
      li a0, 0
      li a1, 0
      ecall
2:    j 2b`);
    let out = '';
    const vmm = new Vmm({ memory: 64 * 2 ** 20, cpus: 1, kernel: { name: 'k', bytes: kernel }, clock: new InstructionClock(), irqchip: 'aia', output: (b) => (out += String.fromCharCode(...b)) });
    expect(await vmm.run()).toEqual({ status: 0, reason: 'shutdown' });
    expect(out).toBe('7');
    expect(vmm.vcpus[0]!.stats.mmio_exit_kernel).toBeGreaterThan(0);
    expect(vmm.vcpus[0]!.getOneReg(KVM_REG.isaExt('SSAIA'))).toBe(1n);
  });
});
