/**
 * A kvmtool-like VMM (kvmtool builtin-run.c and riscv/*, in our own words) written only
 * against the public APIs of @tsvisor/kvm-api and the device packages: guest RAM in one
 * memory slot, the kernel loaded as `lkvm run` loads it, a generated device tree, a PLIC
 * and an 8250 UART emulated in the VMM (the userspace irqchip, raising the vCPUs' external
 * interrupt with KVM_INTERRUPT), virtio-mmio devices, and the vCPU loop over KVM_RUN exits.
 */
import { Plic } from '@tsvisor/aplic-imsic';
import type { HypervisorSpec } from '@tsvisor/csr-h-ext';
import { Ns16550a } from '@tsvisor/devices';
import { HostClock, type Clock } from '@tsvisor/isa-core';
import {
  KVM_INTERRUPT_SET, KVM_INTERRUPT_UNSET, KVM_MP_STATE_RUNNABLE, KVM_MP_STATE_STOPPED, KVM_REG, KVM_RISCV_ISA_EXT_IDS,
  KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN, KVM_VCPU_STATS, TSVISOR_VCPU_STATS, Kvm, KvmError, DEFAULT_HOST_ISA, type CsrExit, type MmioExit,
  type SbiExit, type Vcpu, type VcpuStats, type Vm,
} from '@tsvisor/kvm-api';
import { loadKvmtoolBoot, type BootFile } from '@tsvisor/loader';
import { SBI_ERR_INVALID_PARAM, SBI_EXT_0_1_CONSOLE_GETCHAR, SBI_EXT_0_1_CONSOLE_PUTCHAR, SBI_EXT_DBCN } from '@tsvisor/sbi';
import { VirtioMmioTransport, type GuestMemory, type VirtioDevice } from '@tsvisor/virtio';
import { buildVmmFdt } from './fdt.js';
import { setupAia, type VmmAia } from './aia.js';
import {
  KVMTOOL_IRQCHIP_BASE, KVMTOOL_PLIC_NDEV, KVMTOOL_RAM_BASE, KVMTOOL_UART_BASE, KVMTOOL_UART_IRQ, KVMTOOL_UART_SIZE,
  KVMTOOL_VIRTIO_IRQ, KVMTOOL_VIRTIO_MMIO_BASE, KVMTOOL_VIRTIO_MMIO_MAX, KVMTOOL_VIRTIO_MMIO_SIZE,
} from './memory-map.js';

/** A one-line, user-facing VMM error (bad option, image that does not fit...). */
export class VmmError extends Error {
  override readonly name = 'VmmError';
}

export type KvmIsaExtName = (typeof KVM_RISCV_ISA_EXT_IDS)[number];

export interface VmmOptions {
  /** Guest RAM in bytes (kvmtool -m). */
  memory: number;
  /** vCPUs (kvmtool -c). */
  cpus: number;
  kernel: BootFile;
  initrd?: BootFile;
  /** Kernel command line (kvmtool -p); the console option adds its `console=`. */
  params?: string;
  /** 'serial' (8250, console=ttyS0) or 'sbi' (SBI debug console / legacy putchar, earlycon=sbi). */
  console?: 'serial' | 'sbi';
  /** SBI version the guest sees, '0.1' .. '3.0'. */
  sbiVersion?: string;
  /** ISA extensions to hide from the guest (KVM ISA_EXT names, e.g. 'ZBA', 'SSTC'). */
  disableIsaExt?: string[];
  /** SBI extensions to hide (KVM SBI_EXT names, e.g. 'DBCN', 'HSM'). */
  disableSbiExt?: string[];
  virtio?: VirtioDevice[];
  /** Replaces the generated device tree. */
  dtb?: Uint8Array;
  output?: (bytes: Uint8Array) => void;
  clock?: Clock;
  /** ISA of the emulated host harts (default kvm-api's). */
  hostIsa?: string;
  /** The H extension spec module the emulated host harts implement (default kvm-api's, H 1.0). */
  hostH?: HypervisorSpec;
  /**
   * 'plic' (default): a PLIC emulated here, KVM_INTERRUPT. 'aia': KVM's in-kernel AIA (APLIC +
   * IMSIC, KVM_IRQ_LINE), on host harts with Smaia/Ssaia (kvmtool --irqchip=aia).
   */
  irqchip?: 'plic' | 'aia';
}

/** The VMM's own counts of the exits run() returned, by reason ('mmio', 'riscv-sbi', 'intr-wfi'...). */
export type ExitStats = Record<string, number>;

/** Zkr seed (CSR 0x015): OPST in bits 31:30, ES16 = 0b10 means bits 15:0 hold entropy (scalar crypto spec, "seed"). */
const CSR_SEED = 0x015;
const SEED_OPST_ES16 = 0b10n << 30n;

const textBytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

interface MmioRange {
  base: number;
  size: number;
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

export class Vmm {
  readonly vm: Vm;
  readonly vcpus: Vcpu[] = [];
  readonly uart: Ns16550a;
  /** The userspace PLIC (irqchip 'plic'). */
  readonly plic: Plic | undefined;
  /** The in-kernel AIA (irqchip 'aia'). */
  readonly aia: VmmAia | undefined;
  readonly dtb: Uint8Array;
  readonly transports: VirtioMmioTransport[] = [];
  readonly stats: ExitStats = {};
  private readonly ram: Uint8Array;
  private readonly ranges: MmioRange[] = [];
  private output: (bytes: Uint8Array) => void;
  private readonly input: number[] = [];
  private stopRequested: number | null = null;
  private readonly clock: Clock;
  /** The host wakes a sleeping VMM (input arrived, stop requested). */
  private wake: (() => void) | null = null;

  constructor(readonly options: VmmOptions) {
    const { memory, cpus } = options;
    if (!Number.isSafeInteger(memory) || memory < 16 * 2 ** 20 || memory % 2 ** 20 !== 0) {
      throw new VmmError(`--mem ${memory / 2 ** 20}: guest memory must be a whole number of MiB, at least 16 MiB`);
    }
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > 64) throw new VmmError(`--cpus ${cpus}: between 1 and 64 vCPUs`);
    this.output = options.output ?? (() => {});
    this.clock = options.clock ?? new HostClock();
    try {
      this.vm = new Kvm().createVm({
        // Guest RAM plus room for what kvm-api keeps for itself (G-stage page tables).
        hostMemoryBytes: memory + 8 * 2 ** 20,
        clock: this.clock,
        ...(options.sbiVersion ? { sbiVersion: options.sbiVersion } : {}),
        ...(options.hostIsa || options.irqchip === 'aia' ? { isa: aiaIsa(options.hostIsa ?? DEFAULT_HOST_ISA, options.irqchip === 'aia') } : {}),
        ...(options.hostH ? { hostH: options.hostH } : {}),
      });
    } catch (e) {
      if (e instanceof KvmError) throw new VmmError(e.message);
      throw e;
    }
    try {
      this.ram = this.vm.allocateUserMemory(memory);
      this.vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(KVMTOOL_RAM_BASE), memorySize: BigInt(memory), userspace: this.ram });
    } catch (e) {
      if (e instanceof KvmError) throw new VmmError(`guest memory: ${e.message}`);
      throw e;
    }

    for (let i = 0; i < cpus; i++) this.vcpus.push(this.vm.createVcpu(i));
    const plicSize = 0x20_0000 + 0x1000 * cpus;
    let irqLine: (irq: number) => { set(level: boolean): void };
    if (options.irqchip === 'aia') {
      // The in-kernel irqchip: the UART and every virtio slot get an APLIC source.
      try {
        this.aia = setupAia(this.vm, cpus, KVMTOOL_IRQCHIP_BASE, KVMTOOL_VIRTIO_IRQ(KVMTOOL_VIRTIO_MMIO_MAX - 1));
      } catch (e) {
        if (e instanceof KvmError) throw new VmmError(`--irqchip aia: ${e.message}`);
        throw e;
      }
      this.plic = undefined;
      irqLine = this.aia.line;
    } else {
      // The userspace irqchip: one supervisor context per vCPU, driving KVM_INTERRUPT.
      const plic = new Plic({
        ndev: KVMTOOL_PLIC_NDEV,
        contexts: this.vcpus.map((v) => ({ set: (level: boolean) => v.interrupt(level ? KVM_INTERRUPT_SET : KVM_INTERRUPT_UNSET) })),
      });
      this.plic = plic;
      this.aia = undefined;
      this.ranges.push({ base: KVMTOOL_IRQCHIP_BASE, size: plicSize, read: (o, s) => plic.read(o, s), write: (o, s, v) => plic.write(o, s, v) });
      irqLine = (irq) => plic.source(irq);
    }
    this.uart = new Ns16550a({ output: (b) => this.output(Uint8Array.of(b)), irq: irqLine(KVMTOOL_UART_IRQ) });
    this.ranges.push({ base: KVMTOOL_UART_BASE, size: KVMTOOL_UART_SIZE, read: (o, s) => this.uart.read(o, s), write: (o, s, v) => this.uart.write(o, s, v) });

    const guestMemory: GuestMemory = {
      slice: (addr, len) => {
        const off = addr - KVMTOOL_RAM_BASE;
        if (!Number.isSafeInteger(off) || off < 0 || len < 0 || off + len > this.ram.length) return null;
        return this.ram.subarray(off, off + len);
      },
      noteWrite: (addr, len) => this.vm.noteGuestWrite(addr, len),
    };
    const virtio = options.virtio ?? [];
    if (virtio.length > KVMTOOL_VIRTIO_MMIO_MAX) throw new VmmError(`too many virtio devices (${virtio.length}, at most ${KVMTOOL_VIRTIO_MMIO_MAX})`);
    virtio.forEach((dev, n) => {
      const t = new VirtioMmioTransport(dev, guestMemory, irqLine(KVMTOOL_VIRTIO_IRQ(n)));
      this.transports.push(t);
      this.ranges.push({ base: KVMTOOL_VIRTIO_MMIO_BASE + n * KVMTOOL_VIRTIO_MMIO_SIZE, size: KVMTOOL_VIRTIO_MMIO_SIZE, read: (o, s) => t.read(o, s), write: (o, s, v) => t.write(o, s, v) });
    });

    // ISA and SBI extensions the user turned off, through ONE_REG before the first run.
    for (const v of this.vcpus) {
      for (const ext of options.disableIsaExt ?? []) this.setReg(v, () => KVM_REG.isaExt(ext.toUpperCase() as never), 0n, `--disable-${ext.toLowerCase()}`);
      for (const ext of options.disableSbiExt ?? []) this.setReg(v, () => KVM_REG.sbiExt(ext.toUpperCase() as never), 0n, `--disable-sbi-${ext.toLowerCase()}`);
      // kvmtool enables the debug console unless told not to (it is off by default in KVM).
      if (!(options.disableSbiExt ?? []).some((e) => e.toUpperCase() === 'DBCN')) this.setReg(v, () => KVM_REG.sbiExt('DBCN'), 1n, 'DBCN');
    }

    // Images, placed as `lkvm run` places them.
    const consoleArgs = (options.console ?? 'serial') === 'serial' ? `console=ttyS0 earlycon=uart8250,mmio,0x${KVMTOOL_UART_BASE.toString(16)}` : 'earlycon=sbi';
    const bootargs = [consoleArgs, options.params ?? ''].filter(Boolean).join(' ');
    let boot;
    try {
      boot = loadKvmtoolBoot({
        ram: { base: KVMTOOL_RAM_BASE, size: memory },
        memory: { write: (a, b) => this.ram.set(b, a - KVMTOOL_RAM_BASE) },
        kernel: options.kernel,
        initrd: options.initrd,
      });
    } catch (e) {
      throw new VmmError((e as Error).message);
    }
    this.dtb = options.dtb ?? buildVmmFdt({
      cpus: this.vcpus.map((v) => ({ id: v.id, isa: this.isaString(v), mmuType: this.mmuType(v) })),
      timebaseFrequency: Number(this.vcpus[0]!.getOneReg(KVM_REG.timer('frequency'))),
      ramBase: KVMTOOL_RAM_BASE,
      ramSize: memory,
      bootargs,
      initrd: boot.initrd,
      virtio: virtio.map((_, n) => ({ base: KVMTOOL_VIRTIO_MMIO_BASE + n * KVMTOOL_VIRTIO_MMIO_SIZE, irq: KVMTOOL_VIRTIO_IRQ(n) })),
      plicSize,
      ...(this.aia ? { irqchip: this.aia } : {}),
    });
    this.ram.set(this.dtb, boot.fdtAddress - KVMTOOL_RAM_BASE);

    // The boot vCPU starts at the kernel with a0 = hartid, a1 = DTB; the others wait for SBI HSM.
    this.vcpus.forEach((v, i) => {
      v.setOneReg(KVM_REG.core('regs.pc'), BigInt(boot.entry));
      v.setOneReg(KVM_REG.core('regs.a0'), BigInt(i));
      v.setOneReg(KVM_REG.core('regs.a1'), BigInt(boot.fdtAddress));
      if (i > 0) v.setMpState({ mpState: KVM_MP_STATE_STOPPED });
    });
  }

  private setReg(v: Vcpu, id: () => bigint, value: bigint, what: string): void {
    try {
      v.setOneReg(id(), value);
    } catch (e) {
      throw new VmmError(`${what}: ${(e as Error).message}`);
    }
  }

  /** riscv,isa as kvmtool builds it: "rv64" + the CONFIG isa letters + "_" + each enabled ISA_EXT. */
  private isaString(v: Vcpu): string {
    const bitmap = v.getOneReg(KVM_REG.config('isa'));
    let s = 'rv64';
    for (const l of 'imafdcvh') if ((bitmap >> BigInt(l.charCodeAt(0) - 97)) & 1n) s += l;
    const multi: string[] = [];
    for (const ext of KVM_RISCV_ISA_EXT_IDS) {
      if (ext.length === 1) continue;
      try {
        if (v.getOneReg(KVM_REG.isaExt(ext as never)) === 1n) multi.push(ext.toLowerCase());
      } catch {
        // not offered by this host
      }
    }
    return [s, ...multi].join('_');
  }

  private mmuType(v: Vcpu): string {
    // CONFIG.satp_mode holds the satp MODE number itself (8 Sv39, 9 Sv48, 10 Sv57), as in Linux.
    const mode = Number(v.getOneReg(KVM_REG.config('satp_mode')));
    return mode === 10 ? 'riscv,sv57' : mode === 9 ? 'riscv,sv48' : 'riscv,sv39';
  }

  setOutput(output: (bytes: Uint8Array) => void): void {
    this.output = output;
  }

  /** Host keyboard or pipe input: the UART (and the SBI console getchar) receive it. */
  pushInput(bytes: Uint8Array): void {
    if ((this.options.console ?? 'serial') === 'serial') this.uart.pushInput(bytes);
    else for (const b of bytes) this.input.push(b);
    this.wake?.();
  }

  /** Ends run() with `status` (Ctrl-A X, a signal). */
  stop(status: number): void {
    this.stopRequested = status;
    for (const v of this.vcpus) v.kick();
    this.wake?.();
  }

  private count(key: string): void {
    this.stats[key] = (this.stats[key] ?? 0) + 1;
  }

  /** kvm-api's exit counters (KVM's kvm_stat names) summed over the vCPUs. */
  vcpuStats(): VcpuStats {
    const sum = {} as VcpuStats;
    for (const n of [...KVM_VCPU_STATS, ...TSVISOR_VCPU_STATS]) sum[n] = 0;
    for (const v of this.vcpus) for (const n of Object.keys(sum) as (keyof VcpuStats)[]) sum[n] += v.stats[n];
    return sum;
  }

  /** Guest instructions retired, all vCPUs. */
  instructionsRetired(): number {
    return this.vcpus.reduce((n, v) => n + v.instructionsRetired, 0);
  }

  /**
   * KVM_EXIT_RISCV_CSR: Linux forwards only the Zkr `seed` CSR. A read-write access returns
   * ES16 with 16 bits of host entropy (Web Crypto); the written value is ignored, as on hardware.
   */
  private csr(exit: CsrExit): void {
    if (exit.csrNum !== CSR_SEED) {
      this.count('csr-unknown');
      exit.retValue = 0n;
      return;
    }
    const bits = host.crypto.getRandomValues(new Uint16Array(1))[0]!;
    exit.retValue = SEED_OPST_ES16 | BigInt(bits);
  }

  private mmio(exit: MmioExit): void {
    const pa = Number(exit.physAddr);
    const r = this.ranges.find((x) => pa >= x.base && pa + exit.len <= x.base + x.size);
    const off = r ? pa - r.base : 0;
    if (exit.isWrite) {
      if (!r) return this.count('mmio-unmapped');
      if (exit.len === 8) {
        r.write(off, 4, readLe(exit.data, 0, 4));
        r.write(off + 4, 4, readLe(exit.data, 4, 4));
      } else r.write(off, exit.len, readLe(exit.data, 0, exit.len));
      return;
    }
    // kvmtool answers reads of unmapped addresses with zeros; so do we.
    exit.data.fill(0);
    if (!r) return this.count('mmio-unmapped');
    if (exit.len === 8) {
      writeLe(exit.data, 0, 4, r.read(off, 4));
      writeLe(exit.data, 4, 4, r.read(off + 4, 4));
    } else writeLe(exit.data, 0, exit.len, r.read(off, exit.len));
  }

  /** The SBI calls KVM forwards: legacy console and the debug console (SBI 2.0 DBCN). */
  private sbi(exit: SbiExit): void {
    const [a0 = 0n, a1 = 0n, a2 = 0n] = exit.args;
    if (exit.extensionId === SBI_EXT_0_1_CONSOLE_PUTCHAR) {
      this.output(Uint8Array.of(Number(a0 & 0xffn)));
      exit.ret[0] = 0n;
    } else if (exit.extensionId === SBI_EXT_0_1_CONSOLE_GETCHAR) {
      exit.ret[0] = this.input.length ? BigInt(this.input.shift()!) : -1n;
    } else if (exit.extensionId === SBI_EXT_DBCN) {
      const base = (a2 << 32n) | (a1 & 0xffffffffn);
      const mem = this.vm.guestMemory;
      switch (exit.functionId) {
        case 0: { // sbi_debug_console_write(num_bytes, base_lo, base_hi)
          const n = Number(a0 > 4096n ? 4096n : a0);
          const bytes = mem.read(base, n);
          if (!bytes) return void ((exit.ret[0] = BigInt(SBI_ERR_INVALID_PARAM)), (exit.ret[1] = 0n));
          this.output(bytes);
          exit.ret[0] = 0n;
          exit.ret[1] = BigInt(n);
          return;
        }
        case 1: { // sbi_debug_console_read(num_bytes, base_lo, base_hi)
          const n = Math.min(Number(a0 > 4096n ? 4096n : a0), this.input.length);
          if (!mem.accessible(base, BigInt(n), true)) return void ((exit.ret[0] = BigInt(SBI_ERR_INVALID_PARAM)), (exit.ret[1] = 0n));
          mem.write(base, Uint8Array.from(this.input.splice(0, n)));
          exit.ret[0] = 0n;
          exit.ret[1] = BigInt(n);
          return;
        }
        case 2: // sbi_debug_console_write_byte(byte)
          this.output(Uint8Array.of(Number(a0 & 0xffn)));
          exit.ret[0] = 0n;
          exit.ret[1] = 0n;
          return;
      }
    }
  }

  /**
   * Runs the guest until it shuts down or resets (or stop() is called). Resolves with
   * { status, reason }: a guest shutdown is status 0.
   */
  async run(): Promise<{ status: number; reason: 'shutdown' | 'reset' | 'stopped' | 'error'; message?: string }> {
    let lastYield = nowMs();
    for (;;) {
      if (this.stopRequested !== null) return { status: this.stopRequested, reason: 'stopped' };
      let wakeAt = Infinity;
      let ran = false;
      for (const v of this.vcpus) {
        if (v.getMpState().mpState !== KVM_MP_STATE_RUNNABLE) continue;
        const exit = v.run();
        this.count(exit.reason === 'intr' ? `intr-${exit.cause}` : exit.reason);
        switch (exit.reason) {
          case 'mmio':
            this.mmio(exit);
            ran = true;
            break;
          case 'riscv-sbi':
            this.sbi(exit);
            ran = true;
            break;
          case 'system-event':
            if (exit.type === KVM_SYSTEM_EVENT_SHUTDOWN) return { status: 0, reason: 'shutdown' };
            if (exit.type === KVM_SYSTEM_EVENT_RESET) return { status: 0, reason: 'reset' };
            ran = true;
            break;
          case 'riscv-csr':
            this.csr(exit);
            ran = true;
            break;
          case 'internal-error':
            return { status: 1, reason: 'error', message: `vCPU ${v.id}: ${exit.message} at pc 0x${exit.pc.toString(16)}` };
          case 'intr':
            if (exit.cause === 'wfi') wakeAt = Math.min(wakeAt, exit.wakeAt ?? Infinity);
            else ran = true;
            break;
        }
      }
      const now = nowMs();
      if (!ran) {
        // Every vCPU waits: sleep until the earliest guest timer or host input.
        const ms = wakeAt === Infinity ? 50 : Math.max(0, ((wakeAt - this.clock.now()) / this.clock.frequency) * 1000);
        await new Promise<void>((resolve) => {
          const t = host.setTimeout(() => { this.wake = null; resolve(); }, Math.min(ms, 50));
          this.wake = () => { host.clearTimeout(t); this.wake = null; resolve(); };
        });
        lastYield = nowMs();
      } else if (now - lastYield > 20) {
        // Let host input and timers in. setImmediate where the host has it: setTimeout(0) waits
        // at least 1 ms in Node, idle time taken from the guest at every turn.
        await new Promise<void>((resolve) => (host.setImmediate ? host.setImmediate(resolve) : host.setTimeout(resolve, 0)));
        lastYield = nowMs();
      }
    }
  }
}

function readLe(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + b[at + i]!;
  return v >>> 0;
}

function writeLe(b: Uint8Array, at: number, n: number, v: number): void {
  for (let i = 0; i < n; i++) b[at + i] = (v >>> (8 * i)) & 0xff;
}

/** Host services present in browsers and Node alike (core packages compile without DOM or Node types). */
const host = globalThis as unknown as {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate?: (f: () => void) => unknown;
  performance: { now(): number };
  crypto: { getRandomValues(a: Uint16Array): Uint16Array };
};

function nowMs(): number {
  return host.performance.now();
}

export { textBytes };

/** The host ISA, with Smaia/Ssaia when the in-kernel AIA is wanted (KVM needs a host with the AIA). */
function aiaIsa(isa: string, aia: boolean): string {
  const names = isa.toLowerCase().split('_');
  if (!aia || names.includes('ssaia')) return isa;
  return `${isa}${names.includes('smaia') ? '' : '_smaia'}_ssaia`;
}
