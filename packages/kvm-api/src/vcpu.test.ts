/**
 * kvm-api driven the way a VMM drives KVM: small guests assembled from source
 * (riscv64-unknown-elf toolchain), loaded into a memory slot, run until exits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstructionClock } from '@tsvisor/isa-core';
import { SBI_ERR_NOT_SUPPORTED, SBI_EXT_DBCN, SBI_EXT_0_1_CONSOLE_PUTCHAR } from '@tsvisor/sbi';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { H_0_6_1, H_1_0 } from '@tsvisor/csr-h-ext';
import type { HypervisorSpec } from '@tsvisor/csr-h-ext';
import {
  KVM_EXIT_MMIO, KVM_EXIT_RISCV_CSR, KVM_EXIT_RISCV_SBI, KVM_EXIT_SYSTEM_EVENT, KVM_INTERRUPT_SET, KVM_INTERRUPT_UNSET, KVM_MP_STATE_RUNNABLE,
  KVM_MP_STATE_STOPPED, KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN,
} from './defs';
import { KvmError } from './errors';
import type { CsrExit, VcpuExit } from './exits';
import { Kvm } from './kvm';
import { KVM_REG } from './onereg';
import type { Vcpu } from './vcpu';
import type { Vm } from './vm';

const RAM = 0x8000_0000;
const dir = mkdtempSync(join(tmpdir(), 'kvm-guest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Assembles a bare-metal guest linked at RAM and returns its flat image. */
const built = new Map<string, Uint8Array>();
function assemble(name: string, body: string): Uint8Array {
  const cached = built.get(body);
  if (cached) return cached;
  const image = assembleUncached(name, body);
  built.set(body, image);
  return image;
}

function assembleUncached(name: string, body: string): Uint8Array {
  const src = join(dir, `${name}.S`);
  const elf = join(dir, `${name}.elf`);
  const bin = join(dir, `${name}.bin`);
  writeFileSync(src, `.option norvc\n.section .text\n.globl _start\n_start:\n${body}\n`);
  const gcc = spawnSync('riscv64-unknown-elf-gcc', ['-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-nostartfiles', `-Wl,-Ttext=0x${RAM.toString(16)}`, '-o', elf, src], { encoding: 'utf8' });
  if (gcc.error) throw new Error('riscv64-unknown-elf-gcc is required to build the test guests: install gcc-riscv64-unknown-elf (tooling/scripts/setup.sh does)');
  if (gcc.status !== 0) throw new Error(`assembling ${name} failed:\n${gcc.stderr}`);
  const oc = spawnSync('riscv64-unknown-elf-objcopy', ['-O', 'binary', elf, bin], { encoding: 'utf8' });
  if (oc.status !== 0) throw new Error(`objcopy failed: ${oc.stderr}`);
  return new Uint8Array(readFileSync(bin));
}

interface Setup { vm: Vm; vcpu: Vcpu; clock: InstructionClock; ram: Uint8Array }

function boot(image: Uint8Array, opts: { vcpus?: number; sbiVersion?: string; hostH?: HypervisorSpec | null; gpa?: number } = {}): Setup & { vcpus: Vcpu[] } {
  const clock = new InstructionClock();
  const hostH = opts.hostH === undefined ? currentHostH : opts.hostH;
  const vm = new Kvm().createVm({ hostMemoryBytes: 1 << 20, clock, hostH, ...(opts.sbiVersion ? { sbiVersion: opts.sbiVersion } : {}) });
  const ram = vm.allocateUserMemory(256 * 1024);
  ram.set(image);
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(opts.gpa ?? RAM), memorySize: BigInt(ram.length), userspace: ram });
  const vcpus: Vcpu[] = [];
  for (let i = 0; i < (opts.vcpus ?? 1); i++) {
    const v = vm.createVcpu(i);
    v.runBudget = 100_000;
    v.setOneReg(KVM_REG.core('regs.pc'), BigInt(opts.gpa ?? RAM));
    v.setOneReg(KVM_REG.core('regs.a0'), BigInt(i));
    if (i > 0) v.setMpState({ mpState: KVM_MP_STATE_STOPPED });
    vcpus.push(v);
  }
  return { vm, vcpu: vcpus[0]!, vcpus, clock, ram };
}

/** Runs until an exit other than a budget slice. */
function runToExit(v: Vcpu): VcpuExit {
  for (let i = 0; i < 100; i++) {
    const e = v.run();
    if (!(e.reason === 'intr' && e.cause === 'budget')) return e;
  }
  throw new Error('guest did not exit');
}

const le = (v: number | bigint, n = 8) => {
  const b = new Uint8Array(8);
  for (let i = 0; i < n; i++) b[i] = Number((BigInt(v) >> BigInt(8 * i)) & 0xffn);
  return b;
};

/** The host H module the suites below run with (set per describe.each block while collecting). */
let currentHostH: HypervisorSpec | null = H_1_0;

const SHUTDOWN = `
  li a7, 0x53525354
  li a6, 0
  li a0, 0
  li a1, 0
  ecall`;

for (const [label, hostH] of [['host harts with H 1.0', H_1_0], ['host harts without H', null]] as const) {
describe(label, () => {
  beforeAll(() => {
    currentHostH = hostH;
  });
  beforeEach(() => {
    currentHostH = hostH;
  });
describe('MMIO exits', () => {
  const image = assemble('mmio', `
    li t0, 0x10000000
    li t1, 0x1234abcd
    sw t1, 8(t0)          # 4-byte store -> MMIO write exit
    lb a2, 1(t0)          # signed byte load
    lhu a3, 2(t0)         # unsigned halfword load
    ld a4, 16(t0)         # 8-byte load
    sd a4, 24(t0)         # write the value back
    ${SHUTDOWN}`);

  it('stores and loads outside every slot come to the VMM, and read data lands in rd', () => {
    const { vcpu } = boot(image);
    let e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', exitReason: KVM_EXIT_MMIO, physAddr: 0x1000_0008n, len: 4, isWrite: true });
    expect([...(e as { data: Uint8Array }).data.slice(0, 4)]).toEqual([0xcd, 0xab, 0x34, 0x12]);
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0001n, len: 1, isWrite: false });
    (e as { data: Uint8Array }).data.set([0x80]);
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0002n, len: 2, isWrite: false });
    (e as { data: Uint8Array }).data.set([0xfe, 0xff]);
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0010n, len: 8, isWrite: false });
    (e as { data: Uint8Array }).data.set(le(0x1122334455667788n));
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0018n, len: 8, isWrite: true });
    expect((e as { data: Uint8Array }).data).toEqual(le(0x1122334455667788n));
    expect(vcpu.getOneReg(KVM_REG.core('regs.a2'))).toBe(0xffffffffffffff80n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.a3'))).toBe(0xfffen);
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'system-event', exitReason: KVM_EXIT_SYSTEM_EVENT, type: KVM_SYSTEM_EVENT_SHUTDOWN, data: [0n] });
  });

  it('an AMO to MMIO is a clean internal-error exit', () => {
    const { vcpu } = boot(assemble('amo', `
      li t0, 0x10000000
      amoadd.w a0, a1, (t0)`));
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'internal-error', pc: BigInt(RAM) + 4n });
  });
});

describe('SBI', () => {
  const image = assemble('sbi', `
    li a7, 0x10           # BASE.get_spec_version: answered in the kernel
    li a6, 0
    ecall
    mv s2, a1
    li a7, 0x10           # BASE.probe_extension(DBCN)
    li a6, 3
    li a0, 0x4442434E
    ecall
    mv s3, a1
    li a7, 0x4442434E     # DBCN.write(5, msg, 0): forwarded to the VMM
    li a6, 0
    li a0, 5
    la a1, msg
    li a2, 0
    ecall
    mv s4, a0
    mv s5, a1
    li a7, 1              # legacy console_putchar: forwarded
    li a0, 0x21
    ecall
    li a7, 0x53525354     # SRST cold reboot, reason 1
    li a6, 0
    li a0, 1
    li a1, 1
    ecall
  msg: .ascii "hello"`);

  it('BASE is answered in the kernel; DBCN and legacy console come out as KVM_EXIT_RISCV_SBI', () => {
    const { vcpu, vm } = boot(image, { sbiVersion: '2.0' });
    vcpu.setOneReg(KVM_REG.sbiExt('DBCN'), 1n); // disabled by default, as in KVM
    let e = runToExit(vcpu);
    expect(e.reason).toBe('riscv-sbi');
    const s = e as Extract<VcpuExit, { reason: 'riscv-sbi' }>;
    expect(s).toMatchObject({ exitReason: KVM_EXIT_RISCV_SBI, extensionId: SBI_EXT_DBCN, functionId: 0 });
    expect(s.ret[0]).toBe(BigInt.asUintN(64, BigInt(SBI_ERR_NOT_SUPPORTED)));
    // The VMM reads the guest buffer through guest memory, as kvmtool does.
    const bytes = vm.guestMemory.read(s.args[1]!, Number(s.args[0]));
    expect(new TextDecoder().decode(bytes)).toBe('hello');
    s.ret[0] = 0n;
    s.ret[1] = 5n;
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'riscv-sbi', extensionId: SBI_EXT_0_1_CONSOLE_PUTCHAR, args: [0x21n, expect.anything(), expect.anything(), expect.anything(), expect.anything(), expect.anything()] });
    e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'system-event', type: KVM_SYSTEM_EVENT_RESET, data: [1n] });
    expect(vcpu.getOneReg(KVM_REG.core('regs.s2'))).toBe(0x2000000n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s3'))).toBe(1n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s4'))).toBe(0n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s5'))).toBe(5n);
  });

  it('with DBCN left disabled the guest gets SBI_ERR_NOT_SUPPORTED without an exit', () => {
    const { vcpu } = boot(image);
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'riscv-sbi', extensionId: SBI_EXT_0_1_CONSOLE_PUTCHAR });
    expect(vcpu.getOneReg(KVM_REG.core('regs.s3'))).toBe(0n);
    expect(BigInt.asIntN(64, vcpu.getOneReg(KVM_REG.core('regs.s4')))).toBe(-2n);
  });

  it('the SBI version is selectable: a 0.3 guest sees 0.3 and no DBCN', () => {
    const { vcpu } = boot(image, { sbiVersion: '0.3' });
    expect(() => vcpu.setOneReg(KVM_REG.sbiExt('DBCN'), 1n)).toThrow(KvmError);
    runToExit(vcpu);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s2'))).toBe(3n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s3'))).toBe(0n);
  });
});

describe('timer and interrupts', () => {
  const image = assemble('timer', `
    la t0, handler
    csrw stvec, t0
    li t0, (1 << 5) | (1 << 9)   # STIE | SEIE
    csrw sie, t0
    csrsi sstatus, 2             # SIE
    rdtime a0
    addi a0, a0, 1000
    li a7, 0x54494D45            # TIME.set_timer(now + 1000)
    li a6, 0
    ecall
  1: wfi
    j 1b
  .align 4
  handler:
    csrr t1, scause
    li t0, 0x10000000
    sd t1, 0(t0)                 # report scause through MMIO
    li a7, 0x54494D45            # disarm the timer
    li a6, 0
    li a0, -1
    ecall
    sret`);

  it('WFI returns to the VMM with the timer deadline; the timer interrupt arrives after it', () => {
    const { vcpu, clock } = boot(image);
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'intr', cause: 'wfi' });
    const wakeAt = (e as { wakeAt?: number }).wakeAt!;
    expect(wakeAt).toBeGreaterThan(clock.now());
    expect(vcpu.getOneReg(KVM_REG.timer('compare'))).toBe(BigInt(wakeAt));
    expect(vcpu.getOneReg(KVM_REG.timer('state'))).toBe(1n);
    expect(runToExit(vcpu)).toMatchObject({ reason: 'intr', cause: 'wfi' }); // still early
    clock.advance(wakeAt - clock.now());
    const m = runToExit(vcpu);
    expect(m).toMatchObject({ reason: 'mmio', isWrite: true, physAddr: 0x1000_0000n });
    expect((m as { data: Uint8Array }).data).toEqual(le((1n << 63n) | 5n)); // supervisor timer interrupt
    expect(runToExit(vcpu)).toMatchObject({ reason: 'intr', cause: 'wfi' });
  });

  it('KVM_INTERRUPT raises the guest external interrupt', () => {
    const { vcpu } = boot(image);
    expect(runToExit(vcpu)).toMatchObject({ reason: 'intr', cause: 'wfi' });
    vcpu.interrupt(KVM_INTERRUPT_SET);
    const m = runToExit(vcpu);
    expect((m as { data: Uint8Array }).data).toEqual(le((1n << 63n) | 9n));
    vcpu.interrupt(KVM_INTERRUPT_UNSET);
    expect(() => vcpu.interrupt(7)).toThrow(/KVM_INTERRUPT 7/);
  });

  it('an SBI IPI (to itself, hart mask base 0) arrives as a supervisor software interrupt', () => {
    const { vcpu } = boot(assemble('ipi', `
      la t0, handler
      csrw stvec, t0
      li t0, 2              # SSIE
      csrw sie, t0
      csrsi sstatus, 2
      li a7, 0x735049       # IPI.send_ipi(mask 1, base 0)
      li a6, 0
      li a0, 1
      li a1, 0
      ecall
    1: wfi
      j 1b
    .align 4
    handler:
      csrr t1, scause
      csrci sip, 2
      li t0, 0x10000000
      sd t1, 0(t0)
      sret`));
    const m = runToExit(vcpu);
    expect((m as { data: Uint8Array }).data).toEqual(le((1n << 63n) | 1n));
    expect(runToExit(vcpu)).toMatchObject({ reason: 'intr', cause: 'wfi' });
  });

  it('an SBI 0.1 guest: BASE fails (legacy-shaped), legacy set_timer works', () => {
    const { vcpu } = boot(assemble('v01', `
      li a7, 0x10
      li a6, 0
      ecall
      mv s2, a0
      li a7, 0              # legacy set_timer(12345)
      li a0, 12345
      ecall
      mv s3, a0
      li a7, 8              # legacy shutdown
      ecall`), { sbiVersion: '0.1' });
    expect(runToExit(vcpu)).toMatchObject({ reason: 'system-event', type: KVM_SYSTEM_EVENT_SHUTDOWN });
    expect(BigInt.asIntN(64, vcpu.getOneReg(KVM_REG.core('regs.s2')))).toBe(-2n);
    expect(vcpu.getOneReg(KVM_REG.core('regs.s3'))).toBe(0n);
    expect(vcpu.getOneReg(KVM_REG.timer('compare'))).toBe(12345n);
  });

  it('kick() makes run() return KVM_EXIT_INTR', () => {
    const { vcpu } = boot(assemble('spin', '1: j 1b'));
    vcpu.kick();
    expect(vcpu.run()).toMatchObject({ reason: 'intr', cause: 'kick' });
    expect(vcpu.run()).toMatchObject({ reason: 'intr', cause: 'budget' });
  });
});

describe('system suspend (SUSP): checked in the kernel, carried out by the VMM', () => {
  const image = assemble('susp', `
    bnez a1, resumed
    li a7, 0x53555350     # SUSP.system_suspend(SUSPEND_TO_RAM, resumed, 0x77)
    li a6, 0
    li a0, 0
    la a1, resumed
    li a2, 0x77
    ecall
    li t0, 0x10000000     # only reached when the suspend failed
    sd a0, 0(t0)
  resumed:
    li t0, 0x10000100
    sd a1, 0(t0)`);

  it('the VMM gets the call once the checks pass, and the vCPU resumes at resume_addr with a1 = opaque', () => {
    const { vcpu } = boot(image);
    vcpu.setOneReg(KVM_REG.sbiExt('SUSP'), 1n);
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'riscv-sbi', extensionId: 0x53555350, functionId: 0 });
    (e as { ret: [bigint, bigint] }).ret[0] = 0n;
    expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0100n, data: le(0x77) });
  });

  it('with another vCPU running the guest gets SBI_ERR_DENIED and the VMM sees nothing', () => {
    const { vcpus } = boot(image, { vcpus: 2 });
    vcpus[1]!.setMpState({ mpState: KVM_MP_STATE_RUNNABLE });
    vcpus[0]!.setOneReg(KVM_REG.sbiExt('SUSP'), 1n);
    expect(runToExit(vcpus[0]!)).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0000n, data: le(BigInt.asUintN(64, -4n)) });
  });
});

describe('VMM writes to guest memory', () => {
  it('code the VMM rewrites (and reports with noteGuestWrite) is what the guest runs next', () => {
    const { vm, vcpu, ram } = boot(assemble('patch', `
      li t0, 0x10000000
    1: li t1, 1
      sd t1, 0(t0)
      j 1b`));
    expect(runToExit(vcpu)).toMatchObject({ data: le(1) });
    // 'li t1, 1' is addi t1, zero, 1 at offset 4 (after lui t0): make it addi t1, zero, 2.
    const view = new DataView(ram.buffer, ram.byteOffset);
    const insn = view.getUint32(4, true);
    expect(insn >>> 20).toBe(1);
    view.setUint32(4, (insn & 0xfffff) | (2 << 20), true);
    vm.noteGuestWrite(RAM + 4, 4);
    expect(runToExit(vcpu)).toMatchObject({ data: le(2) });
  });
});

describe('guest mistakes get architectural answers', () => {
  it('a wild jump outside memory gives the guest an instruction access fault', () => {
    const { vcpu } = boot(assemble('wild', `
      la t0, handler
      csrw stvec, t0
      li t0, 0x40000000
      jr t0
    .align 4
    handler:
      csrr t1, scause
      csrr t2, stval
      li t0, 0x10000000
      sd t1, 0(t0)
      sd t2, 8(t0)`));
    const a = runToExit(vcpu);
    expect((a as { data: Uint8Array }).data).toEqual(le(1));
    const b = runToExit(vcpu);
    expect((b as { data: Uint8Array }).data).toEqual(le(0x4000_0000));
  });

  it('bad SBI arguments get SBI errors: hart_start of a hart that does not exist', () => {
    const { vcpu } = boot(assemble('badsbi', `
      li a7, 0x48534D
      li a6, 0
      li a0, 7
      li a1, 0x80000000
      ecall
      li t0, 0x10000000
      sd a0, 0(t0)`));
    const e = runToExit(vcpu);
    expect((e as { data: Uint8Array }).data).toEqual(le(BigInt.asUintN(64, -3n)));
  });
});

describe('several vCPUs through HSM', () => {
  const image = assemble('smp', `
    bnez a0, secondary
    li a7, 0x48534D       # hart_start(1, secondary, 0xfeed)
    li a6, 0
    li a0, 1
    la a1, secondary
    li a2, 0xfeed
    ecall
    mv s2, a0
    li a7, 0x48534D       # get_status(1)
    li a6, 2
    li a0, 1
    ecall
    mv s3, a1
    li t0, 0x10000000
    sd s2, 0(t0)
  secondary:
    li t0, 0x10000100
    sd a0, 0(t0)          # hartid
    sd a1, 8(t0)          # opaque
    li a7, 0x48534D       # hart_stop
    li a6, 1
    ecall`);

  it('a stopped vCPU refuses to run until the boot vCPU starts it', () => {
    const { vcpus } = boot(image, { vcpus: 2 });
    const [v0, v1] = vcpus as [Vcpu, Vcpu];
    expect(() => v1.run()).toThrow(KvmError);
    expect(() => v1.run()).toThrow(/vCPU 1 is stopped/);
    const e = runToExit(v0);
    expect((e as { data: Uint8Array }).data).toEqual(le(0));
    expect(v0.getOneReg(KVM_REG.core('regs.s3'))).toBe(0n); // STARTED
    expect(v1.getMpState()).toEqual({ mpState: KVM_MP_STATE_RUNNABLE });
    expect(runToExit(v1)).toMatchObject({ physAddr: 0x1000_0100n, data: le(1) });
    expect(runToExit(v1)).toMatchObject({ physAddr: 0x1000_0108n, data: le(0xfeed) });
    expect(runToExit(v1)).toMatchObject({ reason: 'intr', cause: 'stopped' });
    expect(v1.getMpState()).toEqual({ mpState: KVM_MP_STATE_STOPPED });
    expect(() => v1.run()).toThrow(/stopped/);
  });
});

describe('API misuse throws typed errors and leaves the VM intact', () => {
  const image = assemble('tiny', SHUTDOWN);

  it('overlapping slots are EEXIST; bad slots EINVAL/EFAULT; the first slot still works', () => {
    const { vm, vcpu } = boot(image);
    const more = vm.allocateUserMemory(64 * 1024);
    const err = (f: () => void) => {
      try {
        f();
      } catch (e) {
        expect(KvmError.is(e)).toBe(true);
        return (e as KvmError).errno;
      }
      throw new Error('did not throw');
    };
    expect(err(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM + 0x1000), memorySize: 0x1000n, userspace: more }))).toBe('EEXIST');
    expect(err(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x123n, memorySize: 0x1000n, userspace: more }))).toBe('EINVAL');
    expect(err(() => vm.setUserMemoryRegion({ slot: 99, guestPhysAddr: 0n, memorySize: 0x1000n, userspace: more }))).toBe('EINVAL');
    expect(err(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM + 0x40000), memorySize: 0x1000n, userspace: new Uint8Array(4096) }))).toBe('EFAULT');
    expect(err(() => vm.createVcpu(0))).toBe('EEXIST');
    expect(vm.memorySlots()).toHaveLength(1);
    expect(runToExit(vcpu)).toMatchObject({ reason: 'system-event', type: KVM_SYSTEM_EVENT_SHUTDOWN });
  });

  it('an unknown ONE_REG id is ENOENT; SBI_EXT after the first run is EBUSY; a wrong size is EINVAL', () => {
    const { vcpu } = boot(image);
    expect(() => vcpu.getOneReg(0x8030_0000_2200_0000n)).toThrow(/ENOENT: ONE_REG id 0x8030000022000000/);
    expect(() => vcpu.getOneReg(KVM_REG.aiaCsr('siselect'))).toThrow(KvmError);
    expect(() => vcpu.getOneReg(KVM_REG.core('regs.pc') & ~(0xfn << 52n) | (0x2n << 52n))).toThrow(/EINVAL/);
    vcpu.setOneReg(KVM_REG.sbiExt('STA'), 0n);
    runToExit(vcpu);
    expect(() => vcpu.setOneReg(KVM_REG.sbiExt('STA'), 1n)).toThrow(/EBUSY/);
    expect(vcpu.getOneReg(KVM_REG.sbiExt('STA'))).toBe(0n);
    vcpu.setOneReg(KVM_REG.sbiExt('STA'), 0n); // unchanged value: allowed
    expect(() => vcpu.setOneReg(KVM_REG.isaExt('ZBA'), 0n)).toThrow(/EBUSY/);
    expect(() => vcpu.setMpState({ mpState: 3 })).toThrow(/EINVAL/);
  });

  it('running a stopped vCPU is a typed EBUSY that changes nothing: made runnable, it runs as before', () => {
    const { vcpu } = boot(image);
    vcpu.setOneReg(KVM_REG.core('regs.t6'), 0x1234n);
    vcpu.setMpState({ mpState: KVM_MP_STATE_STOPPED });
    let err: unknown;
    try {
      vcpu.run();
    } catch (e) {
      err = e;
    }
    expect(KvmError.is(err)).toBe(true);
    expect(err).toMatchObject({ errno: 'EBUSY', message: expect.stringMatching(/vCPU 0 is stopped/) });
    expect(vcpu.getOneReg(KVM_REG.core('regs.pc'))).toBe(BigInt(RAM));
    expect(vcpu.getOneReg(KVM_REG.core('regs.t6'))).toBe(0x1234n);
    expect(vcpu.stats.exits).toBe(0);
    vcpu.setMpState({ mpState: KVM_MP_STATE_RUNNABLE });
    expect(runToExit(vcpu)).toMatchObject({ reason: 'system-event', type: KVM_SYSTEM_EVENT_SHUTDOWN });
  });

  it('after refused ONE_REG writes the vCPU keeps its registers and still runs', () => {
    const { vcpu } = boot(image);
    const before = vcpu.getRegList().map((id) => vcpu.getOneReg(id));
    for (const bad of [
      () => vcpu.setOneReg(0x8030_0000_2200_0000n, 1n), // unknown id: ENOENT
      () => vcpu.setOneReg(KVM_REG.core('mode'), 7n), // bad value: EINVAL
      () => vcpu.setOneReg(KVM_REG.isaExt('I'), 0n), // I cannot go: EINVAL
      () => vcpu.setOneReg(KVM_REG.timer('frequency'), 1n), // read-only: EINVAL
    ]) {
      expect(bad).toThrow(KvmError);
    }
    expect(vcpu.getRegList().map((id) => vcpu.getOneReg(id))).toEqual(before);
    expect(runToExit(vcpu)).toMatchObject({ reason: 'system-event', type: KVM_SYSTEM_EVENT_SHUTDOWN });
  });

  it('getRegList lists exactly the ids getOneReg accepts, and core/CSR/FP registers round-trip', () => {
    const { vcpu } = boot(image);
    const ids = vcpu.getRegList();
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [KVM_REG.core('regs.pc'), KVM_REG.csr('senvcfg'), KVM_REG.timer('state'), KVM_REG.fpF(32), KVM_REG.fpD(32), KVM_REG.isaExt('ZICOND'), KVM_REG.sbiExt('HSM'), KVM_REG.sbiSta('shmem_hi')]) {
      expect(ids).toContain(id);
    }
    expect(ids).not.toContain(KVM_REG.isaExt('V'));
    for (const id of ids) expect(() => vcpu.getOneReg(id)).not.toThrow();
    vcpu.setOneReg(KVM_REG.core('regs.t6'), 0xdeadbeefn);
    expect(vcpu.getOneReg(KVM_REG.core('regs.t6'))).toBe(0xdeadbeefn);
    vcpu.setOneReg(KVM_REG.csr('sscratch'), 42n);
    expect(vcpu.getOneReg(KVM_REG.csr('sscratch'))).toBe(42n);
    vcpu.setOneReg(KVM_REG.fpD(3), 0x400921fb54442d18n);
    expect(vcpu.getOneReg(KVM_REG.fpD(3))).toBe(0x400921fb54442d18n);
    expect(vcpu.getOneReg(KVM_REG.core('mode'))).toBe(1n);
    expect(vcpu.getOneReg(KVM_REG.config('isa'))).toBe(0x112dn); // IMAFDC
    expect(vcpu.getOneReg(KVM_REG.timer('frequency'))).toBe(10_000_000n);
  });

  it('ISA_EXT and CONFIG.isa changes before the first run shape the guest hart', () => {
    const { vcpu } = boot(assemble('fp', `
      la t0, handler
      csrw stvec, t0
      fmv.d.x f1, zero
      ${SHUTDOWN}
    .align 4
    handler:
      csrr t1, scause
      li t0, 0x10000000
      sd t1, 0(t0)`));
    vcpu.setOneReg(KVM_REG.isaExtMulti(false, 0), (1n << 2n) | (1n << 3n)); // MULTI_DIS: D, F
    expect(vcpu.getOneReg(KVM_REG.isaExt('D'))).toBe(0n);
    expect(vcpu.getOneReg(KVM_REG.config('isa')) & (1n << 3n)).toBe(0n);
    // Without F and D the guest's FP instruction is illegal: its own handler reports scause 2.
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', data: le(2) });
    expect(() => vcpu.getOneReg(KVM_REG.fpD(1))).toThrow(/ENOENT/);
  });
});
});
}

describe('what only a host with H offers', () => {
  const image = assemble('h-only', `
    li t0, 0x90000000
    sd t0, 0(t0)          # store into the READONLY slot: an MMIO write exit
    rdtime a5
    ${SHUTDOWN}`);

  it('a slot may sit anywhere in guest-physical space (G-stage), and a READONLY slot turns stores into MMIO', () => {
    const { vm, vcpu } = boot(image, { hostH: H_1_0 });
    const rom = vm.allocateUserMemory(4096);
    rom.set([1, 2, 3, 4]);
    vm.setUserMemoryRegion({ slot: 1, flags: 2 /* KVM_MEM_READONLY */, guestPhysAddr: 0x9000_0000n, memorySize: 0x1000n, userspace: rom });
    expect(vm.checkExtension(81 /* KVM_CAP_READONLY_MEM */)).toBe(1);
    vcpu.setOneReg(KVM_REG.timer('time'), 1_000_000_000n);
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'mmio', isWrite: true, physAddr: 0x9000_0000n, len: 8, data: le(0x9000_0000) });
    expect([...rom.subarray(0, 4)]).toEqual([1, 2, 3, 4]);
    expect(runToExit(vcpu)).toMatchObject({ reason: 'system-event' });
    expect(vcpu.getOneReg(KVM_REG.core('regs.a5'))).toBeGreaterThanOrEqual(1_000_000_000n); // htimedelta
  });

  it('a guest linked at another address runs from a remapped slot', () => {
    const { vcpu } = boot(assemble('remap', `
      li t0, 0x10000000
      auipc t1, 0
      sd t1, 0(t0)`), { hostH: H_1_0, gpa: 0x4000_0000 });
    expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', data: le(0x4000_0004) });
  });

  it('Sstc: the guest programs its own stimecmp (vstimecmp); WFI reports that deadline', () => {
    const { vcpu, clock } = boot(assemble('sstc', `
      la t0, handler
      csrw stvec, t0
      li t0, 1 << 5
      csrw sie, t0
      csrsi sstatus, 2
      rdtime a0
      addi a0, a0, 500
      csrw stimecmp, a0
    1: wfi
      j 1b
    .align 4
    handler:
      csrr t1, scause
      li t0, -1
      csrw stimecmp, t0
      li t0, 0x10000000
      sd t1, 0(t0)
      sret`), { hostH: H_1_0 });
    expect(vcpu.getOneReg(KVM_REG.isaExt('SSTC'))).toBe(1n);
    const e = runToExit(vcpu);
    expect(e).toMatchObject({ reason: 'intr', cause: 'wfi' });
    const wakeAt = (e as { wakeAt?: number }).wakeAt!;
    expect(wakeAt).toBeGreaterThan(clock.now());
    clock.advance(wakeAt - clock.now());
    expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', data: le((1n << 63n) | 5n) });
    // No SBI call at all (no set_timer): one WFI sleep, one MMIO exit, as kvm_stat would count them.
    expect(vcpu.stats).toMatchObject({ ecall_exit_stat: 0, sbi_exit_user: 0, wfi_exit_stat: 1, mmio_exit_user: 1 });
  });

  it('without H the same requests are refused with a reason', () => {
    const { vm, vcpu } = boot(image, { hostH: null });
    const more = vm.allocateUserMemory(4096);
    expect(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x9000_0000n, memorySize: 0x1000n, userspace: more })).toThrow(/no G-stage/);
    expect(() => vm.setUserMemoryRegion({ slot: 1, flags: 2, guestPhysAddr: 0x8004_0000n, memorySize: 0x1000n, userspace: more })).toThrow(/READONLY needs a G-stage/);
    expect(() => vcpu.setOneReg(KVM_REG.timer('time'), 5n)).toThrow(/htimedelta/);
    expect(() => vcpu.getOneReg(KVM_REG.isaExt('SSTC'))).toThrow(/ENOENT/); // no Sstc for the guest without H
    expect(vm.checkExtension(81)).toBe(0);
  });

  describe('Zkr seed: KVM_EXIT_RISCV_CSR', () => {
    // The guest reads seed read-write (csrrw), with a write mask (csrrs with t1 != 0), and
    // read-only (csrrs with x0), which the Zkr spec makes illegal in every mode.
    const seedGuest = assemble('seed', `
      la t0, handler
      csrw stvec, t0
      li t0, 0x10000000
      csrrw a0, 0x15, zero
      sd a0, 0(t0)
      li t1, 0xf0
      csrrs a1, 0x15, t1
      sd a1, 0(t0)
      csrrs a2, 0x15, zero
      sd a2, 0(t0)
    .align 4
    handler:
      csrr t1, scause
      li t0, 0x10000100
      sd t1, 0(t0)`);

    it('a guest seed access comes to the VMM, whose answer lands in the guest register', () => {
      const { vcpu } = boot(seedGuest, { hostH: H_1_0 });
      expect(vcpu.getOneReg(KVM_REG.isaExt('ZKR'))).toBe(1n);
      let e = runToExit(vcpu);
      expect(e).toMatchObject({ reason: 'riscv-csr', exitReason: KVM_EXIT_RISCV_CSR, csrNum: 0x15, newValue: 0n, writeMask: (1n << 64n) - 1n });
      (e as CsrExit).retValue = 0x8000_abcdn; // ES16 with 16 bits of entropy
      expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', isWrite: true, physAddr: 0x1000_0000n, data: le(0x8000_abcd) });
      e = runToExit(vcpu);
      expect(e).toMatchObject({ reason: 'riscv-csr', csrNum: 0x15, newValue: (1n << 64n) - 1n, writeMask: 0xf0n });
      (e as CsrExit).retValue = 0x8000_1234n;
      expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', data: le(0x8000_1234) });
      // Read-only access: illegal instruction for the guest, no exit.
      expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0100n, data: le(2) });
      expect(vcpu.stats).toMatchObject({ csr_exit_user: 2, mmio_exit_user: 3 });
    });

    it('with ISA_EXT ZKR turned off the guest gets illegal instruction and the VMM sees nothing', () => {
      const { vcpu } = boot(seedGuest, { hostH: H_1_0 });
      vcpu.setOneReg(KVM_REG.isaExt('ZKR'), 0n);
      expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0100n, data: le(2) });
      expect(vcpu.stats.csr_exit_user).toBe(0);
    });

    it('a host without H offers no Zkr to guests', () => {
      const { vcpu } = boot(seedGuest, { hostH: null });
      expect(() => vcpu.getOneReg(KVM_REG.isaExt('ZKR'))).toThrow(/ENOENT/);
      expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', physAddr: 0x1000_0100n, data: le(2) });
    });
  });

  it('the H 0.6.1 draft module runs the same guest', () => {
    const { vcpu } = boot(assemble('draft', `
      li t0, 0x10000000
      li t1, 7
      sd t1, 0(t0)`), { hostH: H_0_6_1 });
    expect(runToExit(vcpu)).toMatchObject({ reason: 'mmio', data: le(7) });
  });
});
