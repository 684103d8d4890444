/** The VMM driven as `tsvisor run` drives it, on small guests assembled from source. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDtb } from '@tsvisor/fdt';
import { InstructionClock } from '@tsvisor/isa-core';
import { KVM_REG } from '@tsvisor/kvm-api';
import { VirtioRng } from '@tsvisor/virtio';
import { describe, expect, it } from 'vitest';
import { Vmm, VmmError } from './vmm.js';

const dir = mkdtempSync(join(tmpdir(), 'vmm-guest-'));
const KERNEL = 0x8020_0000; // kvmtool: RAM + 2 MiB

function assemble(name: string, body: string): Uint8Array {
  const src = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(src, `.section .text\n.globl _start\n_start:\n${body}\n`);
  const gcc = spawnSync('riscv64-unknown-elf-gcc', ['-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-nostartfiles', `-Wl,-Ttext=0x${KERNEL.toString(16)}`, '-o', elf, src], { encoding: 'utf8' });
  if (gcc.error) throw new Error('riscv64-unknown-elf-gcc is required (run tooling/scripts/setup.sh)');
  if (gcc.status !== 0) throw new Error(`assembling ${name} failed:\n${gcc.stderr}`);
  spawnSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
  return new Uint8Array(readFileSync(bin));
}

const SHUTDOWN = `
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  li a1, 0
  ecall
1: j 1b`;

describe('kvmtool-like VMM', () => {
  it('boots a guest at RAM+2MiB with a0=hartid, a1=DTB; UART and SBI console output reach the host; SRST shuts down', async () => {
    const kernel = assemble('hello', `
      mv s0, a0
      mv s1, a1
      li t0, 0x10000000
      li t1, 'U'
      sb t1, 0(t0)
      li a7, 0x4442434E  /* DBCN write_byte */
      li a6, 2
      li a0, 'S'
      ecall
      lwu t2, 0(s1)      /* FDT magic, big-endian d00dfeed */
      li t3, 0xedfe0dd0
      bne t2, t3, 2f
      li a7, 0x4442434E
      li a6, 2
      li a0, 'D'
      ecall
2:` + SHUTDOWN);
    let out = '';
    const vmm = new Vmm({ memory: 64 * 2 ** 20, cpus: 1, kernel: { name: 'hello', bytes: kernel }, clock: new InstructionClock(), output: (b) => (out += String.fromCharCode(...b)) });
    const result = await vmm.run();
    expect(result).toEqual({ status: 0, reason: 'shutdown' });
    expect(out).toBe('USD');
    expect(vmm.stats['mmio']).toBeGreaterThanOrEqual(1);
    expect(vmm.stats['riscv-sbi']).toBeGreaterThanOrEqual(2);
  });

  it('generates kvmtool-shaped device tree: cpus from ONE_REG, PLIC, serial, virtio-mmio, chosen', () => {
    const vmm = new Vmm({
      memory: 32 * 2 ** 20, cpus: 2, kernel: { name: 'k', bytes: new Uint8Array(4096) }, params: 'quiet',
      virtio: [new VirtioRng()], clock: new InstructionClock(), disableIsaExt: ['ZBC'],
    });
    const t = parseDtb(vmm.dtb);
    expect(t.root.find('/')?.string('compatible')).toBe('linux,dummy-virt');
    expect(t.root.find('/chosen')?.string('bootargs')).toBe('console=ttyS0 earlycon=uart8250,mmio,0x10000000 quiet');
    const isa = t.root.find('/cpus/cpu@1')?.string('riscv,isa') ?? '';
    expect(isa.startsWith('rv64imafdc')).toBe(true);
    expect(isa).toContain('zba');
    expect(isa).not.toContain('zbc');
    expect(t.root.find('/cpus/cpu@0')?.string('mmu-type')).toBe(`riscv,sv${{ 8: 39, 9: 48, 10: 57 }[Number(vmm.vcpus[0]!.getOneReg(KVM_REG.config('satp_mode')))]}`);
    expect(t.root.find('/smb/virtio@10020000')?.string('compatible')).toBe('virtio,mmio');
    expect(t.root.find('/smb/serial@10000000')).toBeDefined();
    expect(t.root.find('/smb/plic@8000000')).toBeDefined();
  });

  it('a second vCPU stays stopped until the guest starts it with SBI HSM', async () => {
    const kernel = assemble('smp', `
      bnez a0, secondary
      la a2, secondary   /* hart_start(1, secondary, 0) */
      li a0, 1
      mv a1, a2
      li a2, 0
      li a7, 0x48534D
      li a6, 0
      ecall
1:    li t0, 0x80300000
      lw t1, 0(t0)
      beqz t1, 1b
      li a7, 0x4442434E
      li a6, 2
      li a0, '2'
      ecall
` + SHUTDOWN + `
secondary:
      li t0, 0x80300000
      li t1, 1
      sw t1, 0(t0)
3:    wfi
      j 3b`);
    let out = '';
    const vmm = new Vmm({ memory: 32 * 2 ** 20, cpus: 2, kernel: { name: 'smp', bytes: kernel }, clock: new InstructionClock(), output: (b) => (out += String.fromCharCode(...b)) });
    expect((await vmm.run()).reason).toBe('shutdown');
    expect(out).toBe('2');
  });

  it('a guest reading the Zkr seed CSR gets ES16 and fresh entropy from the VMM; zkr is in riscv,isa', async () => {
    // Each read is stored to RAM; the guest prints 'E' when all four have OPST = ES16 (bits 31:30 = 0b10).
    const kernel = assemble('seed', `
      li s0, 0x80300000
      li s1, 4
      li s2, 0
1:    csrrw t0, 0x15, zero
      sd t0, 0(s0)
      addi s0, s0, 8
      srli t1, t0, 30
      xori t1, t1, 2
      or s2, s2, t1
      addi s1, s1, -1
      bnez s1, 1b
      bnez s2, 2f
      li a7, 0x4442434E
      li a6, 2
      li a0, 'E'
      ecall
2:` + SHUTDOWN);
    let out = '';
    const vmm = new Vmm({ memory: 32 * 2 ** 20, cpus: 1, kernel: { name: 'seed', bytes: kernel }, clock: new InstructionClock(), output: (b) => (out += String.fromCharCode(...b)) });
    expect(parseDtb(vmm.dtb).root.find('/cpus/cpu@0')?.string('riscv,isa')).toContain('_zkr');
    expect((await vmm.run()).reason).toBe('shutdown');
    expect(out).toBe('E');
    const mem = vmm.vm.guestMemory.read(0x8030_0000n, 32)!;
    const words = [0, 1, 2, 3].map((i) => new DataView(mem.buffer, mem.byteOffset + 8 * i, 8).getBigUint64(0, true));
    for (const w of words) expect(w >> 16n).toBe(0x8000n); // ES16, reserved and custom bits zero
    expect(new Set(words).size).toBeGreaterThan(1); // four equal 16-bit draws: about 2^-48
    expect(vmm.vcpuStats().csr_exit_user).toBe(4);
    expect(vmm.stats['riscv-csr']).toBe(4);
  });

  it('--disable-zkr hides seed: the guest gets illegal instruction, the VMM no CSR exit', async () => {
    const kernel = assemble('noseed', `
      la t0, 1f
      csrw stvec, t0
      csrrw t0, 0x15, zero
      j 2f
.align 4
1:    csrr t1, scause
      li t2, 2
      bne t1, t2, 2f
      li a7, 0x4442434E
      li a6, 2
      li a0, 'I'
      ecall
2:` + SHUTDOWN);
    let out = '';
    const vmm = new Vmm({ memory: 32 * 2 ** 20, cpus: 1, kernel: { name: 'noseed', bytes: kernel }, disableIsaExt: ['ZKR'], clock: new InstructionClock(), output: (b) => (out += String.fromCharCode(...b)) });
    expect(parseDtb(vmm.dtb).root.find('/cpus/cpu@0')?.string('riscv,isa')).not.toContain('zkr');
    expect((await vmm.run()).reason).toBe('shutdown');
    expect(out).toBe('I');
    expect(vmm.vcpuStats().csr_exit_user).toBe(0);
  });

  it('bad options are one-line VmmErrors', () => {
    const k = { name: 'k', bytes: new Uint8Array(16) };
    expect(() => new Vmm({ memory: 0, cpus: 1, kernel: k })).toThrow(VmmError);
    expect(() => new Vmm({ memory: 32 * 2 ** 20, cpus: 0, kernel: k })).toThrow(/between 1 and 64/);
    expect(() => new Vmm({ memory: 32 * 2 ** 20, cpus: 1, kernel: { name: 'huge', bytes: new Uint8Array(40 * 2 ** 20) } })).toThrow(VmmError);
    expect(() => new Vmm({ memory: 32 * 2 ** 20, cpus: 1, kernel: k, disableIsaExt: ['NOPE'] })).toThrow(/--disable-nope/);
  });
});
