/**
 * KVM_DEV_TYPE_RISCV_AIA driven the way kvmtool's riscv/aia.c and QEMU's kvm_riscv_aia_create
 * drive it: create the device, CONFIG, ADDR per vCPU, CTRL_INIT, then KVM_IRQ_LINE; small
 * guests (riscv64-unknown-elf) program the APLIC and their IMSIC file as Linux's drivers do.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstructionClock } from '@tsvisor/isa-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  KVM_DEV_RISCV_AIA_ADDR_APLIC, KVM_DEV_RISCV_AIA_ADDR_IMSIC, KVM_DEV_RISCV_AIA_CONFIG_HART_BITS, KVM_DEV_RISCV_AIA_CONFIG_IDS,
  KVM_DEV_RISCV_AIA_CONFIG_MODE, KVM_DEV_RISCV_AIA_CONFIG_SRCS, KVM_DEV_RISCV_AIA_CTRL_INIT, KVM_DEV_RISCV_AIA_GRP_ADDR,
  KVM_DEV_RISCV_AIA_GRP_APLIC, KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_GRP_IMSIC,
  KVM_DEV_RISCV_AIA_IMSIC_MKATTR, KVM_DEV_RISCV_AIA_MODE_AUTO, type AiaDevice,
} from './aia';
import { KVM_CAP_IRQCHIP, KVM_DEV_TYPE_RISCV_AIA, KVM_MP_STATE_STOPPED } from './defs';
import { KvmError } from './errors';
import type { VcpuExit } from './exits';
import { Kvm } from './kvm';
import { KVM_REG } from './onereg';
import type { Vcpu } from './vcpu';
import { DEFAULT_HOST_ISA, type Vm } from './vm';

const RAM = 0x8000_0000;
const APLIC = 0x0c00_0000;
const IMSIC = 0x2800_0000;
const AIA_HOST_ISA = `${DEFAULT_HOST_ISA}_smaia_ssaia`;
const dir = mkdtempSync(join(tmpdir(), 'kvm-aia-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function assemble(name: string, body: string): Uint8Array {
  const src = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(src, `.option norvc\n.section .text\n.globl _start\n_start:\n${body}\n`);
  const gcc = spawnSync('riscv64-unknown-elf-gcc', ['-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-nostartfiles', `-Wl,-Ttext=0x${RAM.toString(16)}`, '-o', elf, src], { encoding: 'utf8' });
  if (gcc.error) throw new Error('riscv64-unknown-elf-gcc is required to build the test guests');
  if (gcc.status !== 0) throw new Error(`assembling ${name} failed:\n${gcc.stderr}`);
  spawnSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin]);
  return new Uint8Array(readFileSync(bin));
}

/** A VMM's setup: VM, vCPUs at RAM, the AIA device configured (kvmtool's order) unless `init` is false. */
function setup(image: Uint8Array, o: { vcpus?: number; srcs?: number; init?: boolean } = {}): { vm: Vm; vcpus: Vcpu[]; aia: AiaDevice } {
  const vm = new Kvm().createVm({ hostMemoryBytes: 1 << 20, clock: new InstructionClock(), isa: AIA_HOST_ISA });
  const ram = vm.allocateUserMemory(256 * 1024);
  ram.set(image);
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), memorySize: BigInt(ram.length), userspace: ram });
  const vcpus: Vcpu[] = [];
  for (let i = 0; i < (o.vcpus ?? 1); i++) {
    const v = vm.createVcpu(i);
    v.runBudget = 100_000;
    v.setOneReg(KVM_REG.core('regs.pc'), BigInt(RAM));
    v.setOneReg(KVM_REG.core('regs.a0'), BigInt(i));
    if (i > 0) v.setMpState({ mpState: KVM_MP_STATE_STOPPED });
    vcpus.push(v);
  }
  const aia = vm.createDevice(KVM_DEV_TYPE_RISCV_AIA);
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_SRCS, BigInt(o.srcs ?? 8));
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_HART_BITS, 1n);
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_APLIC, BigInt(APLIC));
  vcpus.forEach((_, i) => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(i), BigInt(IMSIC + i * 0x1000)));
  if (o.init !== false) aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_CTRL_INIT);
  return { vm, vcpus, aia };
}

/** Runs until an exit other than a budget slice; `onWfi` is called when the guest waits for an interrupt (KVM_EXIT_INTR, 'wfi'). */
function runToExit(v: Vcpu, onWfi?: () => void): VcpuExit {
  for (let i = 0; i < 200; i++) {
    const e = v.run();
    if (e.reason === 'intr' && e.cause === 'wfi' && onWfi) {
      onWfi();
      continue;
    }
    if (!(e.reason === 'intr' && e.cause === 'budget')) return e;
  }
  throw new Error('guest did not exit');
}

/**
 * The guest: its IMSIC file on (eidelivery 1, eie for identities 1..63) through siselect/sireg,
 * SEIE and SIE, optionally the APLIC programmed as Linux's aplic-msi driver does (source 3,
 * level-high, to hart index 0 as EIID 5), then WFI. Its handler claims through stopei and
 * reports the claimed value with a store to 0x1000 (outside every slot: a KVM_EXIT_MMIO).
 */
const GUEST_SETUP = `
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
`;
const GUEST_TAIL = `
  csrsi sstatus, 2
1: wfi
  j 1b
handler:
  csrrw t1, stopei, zero
  li t2, 0x1000
  sd t1, 0(t2)
2: j 2b
`;
const APLIC_SETUP = `
  li t3, ${APLIC}
  li t0, 6
  sw t0, 12(t3)          # sourcecfg[3] = Level1
  li t4, ${APLIC + 0x3000 + 4 * 3}
  li t0, 5
  sw t0, 0(t4)           # target[3] = hart 0, EIID 5
  li t4, ${APLIC + 0x1edc}
  li t0, 3
  sw t0, 0(t4)           # setienum 3
  li t0, 0x104
  sw t0, 0(t3)           # domaincfg IE | DM
`;

describe('KVM_DEV_TYPE_RISCV_AIA: creation and attributes', () => {
  it('needs a host with the AIA; one per VM; KVM_CAP_IRQCHIP says so', () => {
    const plain = new Kvm().createVm({ hostMemoryBytes: 1 << 20 });
    expect(plain.checkExtension(KVM_CAP_IRQCHIP)).toBe(0);
    expect(() => plain.createDevice(KVM_DEV_TYPE_RISCV_AIA)).toThrow(KvmError);
    const vm = new Kvm().createVm({ hostMemoryBytes: 1 << 20, isa: AIA_HOST_ISA });
    expect(vm.checkExtension(KVM_CAP_IRQCHIP)).toBe(1);
    vm.createDevice(KVM_DEV_TYPE_RISCV_AIA);
    expect(() => vm.createDevice(KVM_DEV_TYPE_RISCV_AIA)).toThrow(/already has its irqchip/);
  });

  it('CONFIG: defaults, range checks (IDS one less than a multiple of 64), and EBUSY after CTRL_INIT', () => {
    const { aia } = setup(assemble('nop', 'j .'), { init: false });
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_MODE)).toBe(BigInt(KVM_DEV_RISCV_AIA_MODE_AUTO));
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_IDS)).toBe(255n);
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_IDS, 100n)).toThrow(/one less than a multiple of 64/);
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_SRCS, 1024n)).toThrow(/0\.\.1023/);
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(0), 0x2800_0800n)).toThrow(/aligned/);
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(5), 0x2800_0000n)).toThrow(/no vCPU 5/);
    aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_IDS, 127n);
    aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_CTRL_INIT);
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_IDS, 255n)).toThrow(/already initialized/);
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(0))).toBe(BigInt(IMSIC));
  });

  it('CTRL_INIT needs every vCPU IMSIC address, distinct hart indices; KVM_IRQ_LINE needs CTRL_INIT', () => {
    const { vm, aia } = setup(assemble('nop2', 'j .'), { vcpus: 2, init: false });
    expect(() => vm.irqLine(1, true)).toThrow(/no initialized in-kernel irqchip/);
    aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(1), BigInt(IMSIC + 0x2000)); // hart index 0 again (1 hart bit)
    expect(() => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_CTRL_INIT)).toThrow(/same IMSIC hart index/);
    expect(aia.hasAttr(KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_CTRL_INIT)).toBe(true);
    expect(aia.hasAttr(9, 0)).toBe(false);
  });
});

describe('KVM_DEV_TYPE_RISCV_AIA: interrupts reach the guest', () => {
  it('KVM_IRQ_LINE -> APLIC (guest-programmed, MSI mode) -> the vCPU IMSIC file -> VS external interrupt -> stopei claim', () => {
    const img = assemble('irq', `${GUEST_SETUP}${APLIC_SETUP}${GUEST_TAIL}`);
    const { vm, vcpus, aia } = setup(img);
    const v = vcpus[0]!;
    // Run until the guest waits, then raise the wire, as a VMM's device model would.
    const e = runToExit(v, () => vm.irqLine(3, true));
    expect(e.reason).toBe('mmio');
    if (e.reason !== 'mmio') return;
    expect(e.physAddr).toBe(0x1000n);
    expect(new DataView(e.data.buffer).getUint32(0, true)).toBe((5 << 16) | 5); // stopei: identity 5
    // The guest's APLIC and IMSIC accesses never left the kernel; the VMM sees the state through attributes.
    expect(v.stats.mmio_exit_user).toBe(1);
    expect(v.stats.mmio_exit_kernel).toBeGreaterThan(0);
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_APLIC, 0)).toBe(0x80000104n); // domaincfg IE | DM
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_APLIC, 4 * 3)).toBe(6n); // sourcecfg[3]
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_IMSIC, KVM_DEV_RISCV_AIA_IMSIC_MKATTR(0, 0x70))).toBe(1n); // eidelivery
    expect(aia.getAttr(KVM_DEV_RISCV_AIA_GRP_APLIC, 0x1d00)).toBe(1n << 3n); // in_clrip: the wire is still high
  });

  it('an MSI the guest writes to its own IMSIC page (as Linux sends IPIs) is delivered in kernel', () => {
    const img = assemble('ipi', `${GUEST_SETUP}
  csrsi sstatus, 2
  li t0, ${IMSIC}
  li t1, 9
  sw t1, 0(t0)
  ${GUEST_TAIL}`);
    const { vcpus } = setup(img);
    const e = runToExit(vcpus[0]!);
    expect(e.reason).toBe('mmio');
    if (e.reason === 'mmio') expect(new DataView(e.data.buffer).getUint32(0, true)).toBe((9 << 16) | 9);
  });

  it('the VMM can inject through the IMSIC attribute group (eip) and KVM_SIGNAL_MSI', () => {
    const img = assemble('inj', `${GUEST_SETUP}${GUEST_TAIL}`);
    const { vm, vcpus, aia } = setup(img);
    const v = vcpus[0]!;
    const e = runToExit(v, () => aia.setAttr(KVM_DEV_RISCV_AIA_GRP_IMSIC, KVM_DEV_RISCV_AIA_IMSIC_MKATTR(0, 0x80), 1n << 12n));
    expect(e.reason === 'mmio' && new DataView(e.data.buffer).getUint32(0, true)).toBe((12 << 16) | 12);
    const w = setup(img);
    const e2 = runToExit(w.vcpus[0]!, () => w.vm.signalMsi(BigInt(IMSIC), 17));
    expect(e2.reason === 'mmio' && new DataView(e2.data.buffer).getUint32(0, true)).toBe((17 << 16) | 17);
    expect(() => vm.signalMsi(0x5000n, 1)).toThrow(/no in-kernel IMSIC/);
  });

  it('without the device, the guest IMSIC CSRs are not there: stopei is an illegal instruction for the guest', () => {
    const vm = new Kvm().createVm({ hostMemoryBytes: 1 << 20, clock: new InstructionClock(), isa: AIA_HOST_ISA });
    const ram = vm.allocateUserMemory(64 * 1024);
    ram.set(assemble('noaia', `
  la t0, trap
  csrw stvec, t0
  csrr t1, stopei
  j .
trap:
  csrr t1, scause
  li t2, 0x1000
  sd t1, 0(t2)
  j .`));
    vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), memorySize: BigInt(ram.length), userspace: ram });
    const v = vm.createVcpu(0);
    v.setOneReg(KVM_REG.core('regs.pc'), BigInt(RAM));
    const e = runToExit(v);
    expect(e.reason === 'mmio' && new DataView(e.data.buffer).getUint32(0, true)).toBe(2);
  });
});

describe('ONE_REG CSR subtype AIA (struct kvm_riscv_aia_csr)', () => {
  it('siselect is the guest view of vsiselect; iprio1/2 read the (read-only zero) hviprio1/2; listed with Ssaia only', () => {
    const img = assemble('sel', `
  li t0, 0x72
  csrw siselect, t0
  li t2, 0x1000
  sd t0, 0(t2)
  j .`);
    const { vcpus } = setup(img);
    const v = vcpus[0]!;
    expect(runToExit(v).reason).toBe('mmio');
    expect(v.getOneReg(KVM_REG.aiaCsr('siselect'))).toBe(0x72n);
    v.setOneReg(KVM_REG.aiaCsr('siselect'), 0x70n);
    expect(v.getOneReg(KVM_REG.aiaCsr('siselect'))).toBe(0x70n);
    v.setOneReg(KVM_REG.aiaCsr('iprio1'), 0x1234n);
    expect(v.getOneReg(KVM_REG.aiaCsr('iprio1'))).toBe(0n);
    expect(v.getRegList()).toContain(KVM_REG.aiaCsr('iprio2h'));
    const plain = new Kvm().createVm({ hostMemoryBytes: 1 << 20 }).createVcpu(0);
    expect(plain.getRegList()).not.toContain(KVM_REG.aiaCsr('siselect'));
    expect(() => plain.getOneReg(KVM_REG.aiaCsr('siselect'))).toThrow(KvmError);
  });
});
