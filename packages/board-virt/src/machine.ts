/**
 * createVirtMachine: a QEMU-`virt`-compatible machine (memory map in memory-map.ts) built
 * from harts, RAM, the board devices, the PLIC and a generated device tree; `run()`
 * schedules the harts in slices and resolves with the exit status the sifive_test
 * finisher reports.
 */
import { Plic } from '@tsvisor/aplic-imsic';
import { VirtAia, type VirtAiaMode } from './aia.js';
import { Clint, GoldfishRtc, Ns16550a, SifiveTest, type IrqLine, type MmioDevice } from '@tsvisor/devices';
import { parseDtb, treeToBuilder, type FdtNode } from '@tsvisor/fdt';
import { Hart, HostClock, InstructionClock, PhysicalMemory, type Clock, type Extension } from '@tsvisor/isa-core';
import { isElf, isLinuxImage, LoaderError, loadElf, loadLinuxImage, loadRaw, type LoadedImage } from '@tsvisor/loader';
import { buildMrom, fdtAddr, initrdStartAddr, kernelStartAddr, Rom } from './boot.js';
import { buildVirtFdt, type DtbHart } from './dtb.js';
import { VirtMachineError } from './errors.js';
import { nowMs, sleepUnless, yieldToHost } from './host.js';
import { PacedClock } from './paced-clock.js';
import {
  VIRT_CLINT_BASE, VIRT_CLINT_SIZE, VIRT_DEFAULT_MEMORY, VIRT_DRAM_BASE, VIRT_MROM_BASE, VIRT_MROM_SIZE,
  VIRT_PLIC_BASE, VIRT_PLIC_NDEV, VIRT_PLIC_SIZE, VIRT_RTC_BASE, VIRT_RTC_IRQ, VIRT_RTC_SIZE, VIRT_TEST_BASE,
  VIRT_TEST_SIZE, VIRT_TIMEBASE_FREQ, VIRT_UART0_BASE, VIRT_UART0_IRQ, VIRT_UART0_SIZE, VIRT_VIRTIO_BASE,
  VIRT_VIRTIO_COUNT, VIRT_VIRTIO_IRQ, VIRT_VIRTIO_SIZE,
} from './memory-map.js';

const MiB = 2 ** 20;
/** mip bits the board drives (priv spec 3.1.9). */
const MIP_MSIP = 3;
const MIP_MTIP = 7;
const MIP_SEIP = 9;
const MIP_MEIP = 11;

/** QEMU 7.2's default rv64 hart, less what tsvisor does not implement. */
export const VIRT_DEFAULT_ISA = 'rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc';

/** An image: bytes plus the name used in error messages (usually the file name). */
export interface GuestImage {
  bytes: Uint8Array;
  name?: string;
}

/** A virtio-mmio device for one of the eight slots. */
export interface VirtioSlotDevice {
  /** Slot 0..7 (base 0x10001000 + slot * 0x1000, PLIC source 1 + slot). Default: the next free one. */
  slot?: number;
  create(irq: IrqLine, memory: PhysicalMemory): MmioDevice;
}

export interface VirtMachineOptions {
  /** RAM size in bytes (default 128 MiB, as QEMU). */
  memory?: number;
  /** Number of harts (default 1). */
  harts?: number;
  /** ISA string for every hart (default VIRT_DEFAULT_ISA). */
  isa?: string;
  /** Extension objects for every hart (e.g. the H extension from @tsvisor/csr-h-ext). */
  extensions?: Extension[];
  /**
   * Interrupt controllers, as QEMU's `-machine virt,aia=`: 'none' (default: the PLIC), 'aplic'
   * (APLIC domains delivering directly), 'aplic-imsic' (APLIC forwarding MSIs to per-hart IMSICs;
   * the harts get Smaia/Ssaia).
   */
  aia?: VirtAiaMode;
  /** Guest interrupt files per hart with aia 'aplic-imsic' (QEMU `aia-guests`, 0..7; default 0). */
  aiaGuests?: number;
  /** M-mode firmware at 0x80000000 (ELF or raw, e.g. OpenSBI fw_dynamic.bin); 'none' or absent: the kernel runs in M mode. */
  bios?: GuestImage | 'none';
  /** ELF, RISC-V Linux Image, or raw binary. */
  kernel?: GuestImage;
  initrd?: GuestImage;
  /** Replaces the generated device tree (/chosen still gets bootargs and the initrd range). */
  dtb?: GuestImage;
  bootargs?: string;
  /**
   * 'host' (wall time, default), 'paced' (wall time, but never ahead of the harts' work: no
   * lockup warnings on a slow host), 'instructions' (deterministic), or your own Clock.
   */
  clock?: 'host' | 'paced' | 'instructions' | Clock;
  /** UART0 output, flushed between slices. */
  output?: (bytes: Uint8Array) => void;
  /** Host wall time in ns for the RTC (default Date.now()). */
  hostTimeNs?: () => bigint;
  virtio?: VirtioSlotDevice[];
  /** The harts' compiled-block tier (isa-core's `jit` option; default on). Off = the plain interpreter. */
  jit?: boolean;
  /** Instructions per hart per slice (default 50000). */
  sliceInstructions?: number;
  /**
   * 'mrom' (default): harts start at QEMU's reset stub at 0x1000. 'direct': pc, a0, a1, a2
   * are set as the stub would set them.
   */
  resetVector?: 'mrom' | 'direct';
}

/** What the machine put where (for tools and tests). */
export interface VirtBootInfo {
  startAddr: number;
  kernel?: LoadedImage;
  firmware?: LoadedImage;
  initrd?: { start: number; end: number };
  fdtAddr: number;
  fdtSize: number;
}

export interface HartReport {
  hartId: number;
  pc: bigint;
  priv: string;
  status: string;
  lastTrap?: string;
}

/** Why run() returned. */
export type ExitReason = 'poweroff' | 'reset' | 'stopped';

function imageOf(i: GuestImage | undefined): GuestImage | undefined {
  return i && i.bytes ? i : undefined;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** riscv,isa and riscv,isa-extensions for a hart's enabled extension set. */
function canonicalIsa(enabled: ReadonlySet<string>): { isa: string; extensions: string[] } {
  // riscv,isa: single letters in canonical order, then multi-letter names (Z* by category order, then S*).
  const letters = 'imafdqcbvh'.split('').filter((l) => enabled.has(l));
  const multi = [...enabled].filter((e) => e.length > 1);
  const zOrder = 'imafdqlcbkjtpvh'; // unpriv spec, "ISA Extension Naming Conventions": canonical order
  const rank = (e: string): [number, number, string] => {
    if (e[0] === 'z') return [0, zOrder.indexOf(e[1]!) < 0 ? 99 : zOrder.indexOf(e[1]!), e];
    if (e[0] === 's') return [1, 0, e];
    return [2, 0, e];
  };
  multi.sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : 1);
  });
  return { isa: `rv64${letters.join('')}${multi.map((m) => `_${m}`).join('')}`, extensions: [...letters, ...multi] };
}

function mmuTypeOf(modes: readonly number[]): string {
  const best = Math.max(0, ...modes);
  return best >= 10 ? 'riscv,sv57' : best === 9 ? 'riscv,sv48' : best === 8 ? 'riscv,sv39' : 'riscv,none';
}

function privName(priv: number, virt: boolean): string {
  const p = priv === 3 ? 'M' : priv === 1 ? 'S' : priv === 0 ? 'U' : `?${priv}`;
  return virt ? `V${p}` : p;
}

const EXCEPTIONS = [
  'instruction address misaligned', 'instruction access fault', 'illegal instruction', 'breakpoint',
  'load address misaligned', 'load access fault', 'store address misaligned', 'store access fault',
  'ecall from U', 'ecall from S', 'ecall from VS', 'ecall from M', 'instruction page fault', 'load page fault',
  'cause 14', 'store page fault', 'cause 16', 'cause 17', 'cause 18', 'cause 19', 'instruction guest-page fault',
  'load guest-page fault', 'virtual instruction', 'store guest-page fault',
];
const INTERRUPTS = ['cause 0', 'SSI', 'VSSI', 'MSI', 'cause 4', 'STI', 'VSTI', 'MTI', 'cause 8', 'SEI', 'VSEI', 'MEI', 'SGEI'];

function describeCause(c: bigint): string {
  const irq = c >> 63n === 1n;
  const code = Number(c & 0xffffn);
  const list = irq ? INTERRUPTS : EXCEPTIONS;
  return `${irq ? 'interrupt' : 'exception'} ${code} (${list[code] ?? 'unknown'})`;
}

/** A QEMU-virt machine. */
export class VirtMachine {
  readonly memory: PhysicalMemory;
  readonly harts: Hart[];
  readonly clock: Clock;
  readonly uart: Ns16550a;
  readonly clint: Clint;
  /** The PLIC (aia 'none'). */
  readonly plic: Plic | undefined;
  /** The APLIC domains and IMSIC files (aia 'aplic' / 'aplic-imsic'). */
  readonly aia: VirtAia | undefined;
  readonly test: SifiveTest;
  readonly rtc: GoldfishRtc;
  readonly dtb: Uint8Array;
  readonly boot: VirtBootInfo;
  /** Instructions retired by all harts so far. */
  instret = 0;

  /** The wire of interrupt source `id` at the machine's interrupt controller. */
  readonly irqSource: (id: number) => IrqLine;
  private readonly slice: number;
  private output: ((bytes: Uint8Array) => void) | undefined;
  private outBuf = new Uint8Array(4096);
  private outLen = 0;
  private exitStatus: number | undefined;
  private exitReason: ExitReason = 'stopped';
  private wake: (() => void) | undefined;
  private running = false;

  /** @internal use createVirtMachine */
  constructor(options: VirtMachineOptions) {
    const ramSize = options.memory ?? VIRT_DEFAULT_MEMORY;
    if (!Number.isSafeInteger(ramSize) || ramSize < 16 * MiB || ramSize % MiB !== 0 || ramSize > 3584 * MiB) {
      throw new VirtMachineError(`memory size ${ramSize} bytes: must be a whole number of MiB between 16 MiB and 3584 MiB`);
    }
    const nharts = options.harts ?? 1;
    if (!Number.isInteger(nharts) || nharts < 1 || nharts > 64) {
      throw new VirtMachineError(`--smp ${nharts}: the virt machine takes 1 to 64 harts`);
    }
    this.slice = options.sliceInstructions ?? 50_000;
    this.output = options.output;
    this.memory = new PhysicalMemory({ ramBase: VIRT_DRAM_BASE, ramSize });
    const c = options.clock ?? 'host';
    this.clock =
      c === 'host' ? new HostClock(VIRT_TIMEBASE_FREQ)
      : c === 'paced' ? new PacedClock(VIRT_TIMEBASE_FREQ)
      : c === 'instructions' ? new InstructionClock(VIRT_TIMEBASE_FREQ)
      : c;

    const harts: Hart[] = [];
    this.harts = harts;
    const hartLine = (h: number, bit: number): IrqLine => ({ set: (level) => harts[h]?.setIrqLine(bit, level) });
    this.clint = new Clint({
      harts: nharts,
      clock: this.clock,
      msip: Array.from({ length: nharts }, (_, h) => hartLine(h, MIP_MSIP)),
      mtip: Array.from({ length: nharts }, (_, h) => hartLine(h, MIP_MTIP)),
    });
    const aiaMode = options.aia ?? 'none';
    if (aiaMode !== 'none' && aiaMode !== 'aplic' && aiaMode !== 'aplic-imsic') {
      throw new VirtMachineError(`aia=${String(aiaMode)}: expected none, aplic or aplic-imsic`);
    }
    if (aiaMode === 'none') {
      if (options.aiaGuests) throw new VirtMachineError('aia-guests needs aia=aplic-imsic');
      const plic = new Plic({
        ndev: VIRT_PLIC_NDEV,
        contexts: Array.from({ length: 2 * nharts }, (_, ctx) => hartLine(ctx >> 1, ctx & 1 ? MIP_SEIP : MIP_MEIP)),
      });
      this.plic = plic;
      this.aia = undefined;
      this.irqSource = (id) => plic.source(id);
    } else {
      const aia = new VirtAia({
        mode: aiaMode, harts: nharts, guests: options.aiaGuests ?? 0, memory: this.memory, hartLine,
        harts_: harts, extensions: options.extensions ?? [],
      });
      this.plic = undefined;
      this.aia = aia;
      this.irqSource = (id) => aia.source(id);
    }
    this.uart = new Ns16550a({ output: (b) => this.emit(b), irq: this.irqSource(VIRT_UART0_IRQ) });
    this.test = new SifiveTest({ onExit: (s) => this.stop(s, 'poweroff'), onReset: () => this.stop(0, 'reset') });
    const hostTimeNs = options.hostTimeNs ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.rtc = new GoldfishRtc({ hostTimeNs, irq: this.irqSource(VIRT_RTC_IRQ) });

    const isa = options.isa ?? VIRT_DEFAULT_ISA;
    for (let h = 0; h < nharts; h++) {
      try {
        harts.push(new Hart({ hartId: h, isa, memory: this.memory, clock: this.clint.timeClock, extensions: [...(options.extensions ?? []), ...(this.aia?.extensions ?? [])], jit: options.jit }));
      } catch (e) {
        if (e instanceof Error && e.name === 'IsaError') throw new VirtMachineError(e.message);
        throw e;
      }
    }

    const m = this.memory;
    m.addDevice(VIRT_TEST_BASE, VIRT_TEST_SIZE, this.test, 'test');
    m.addDevice(VIRT_RTC_BASE, VIRT_RTC_SIZE, this.rtc, 'rtc');
    m.addDevice(VIRT_CLINT_BASE, VIRT_CLINT_SIZE, this.clint, 'clint');
    if (this.plic) m.addDevice(VIRT_PLIC_BASE, VIRT_PLIC_SIZE, this.plic, 'plic');
    m.addDevice(VIRT_UART0_BASE, VIRT_UART0_SIZE, this.uart, 'uart0');
    const slots: number[] = [];
    for (const v of options.virtio ?? []) {
      const slot = v.slot ?? [...Array(VIRT_VIRTIO_COUNT).keys()].find((i) => !slots.includes(i));
      if (slot === undefined || slot < 0 || slot >= VIRT_VIRTIO_COUNT || slots.includes(slot)) {
        throw new VirtMachineError(`virtio-mmio slot ${String(slot)} is taken or does not exist (0..${VIRT_VIRTIO_COUNT - 1})`);
      }
      slots.push(slot);
      const dev = v.create(this.irqSource(VIRT_VIRTIO_IRQ(slot)), m);
      m.addDevice(VIRT_VIRTIO_BASE + slot * VIRT_VIRTIO_SIZE, VIRT_VIRTIO_SIZE, dev, `virtio${slot}`);
    }

    // Images, placed as QEMU 7.2 places them (hw/riscv/boot.c).
    const ram = { base: VIRT_DRAM_BASE, size: ramSize };
    const writer = { write: (a: number, b: Uint8Array) => m.writeBytes(a, b) };
    const guard = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        if (LoaderError.is(e)) throw new VirtMachineError(e.message);
        throw e;
      }
    };
    let firmware: LoadedImage | undefined;
    let firmwareEnd = VIRT_DRAM_BASE;
    const bios = options.bios === 'none' ? undefined : imageOf(options.bios);
    if (bios) {
      const name = bios.name ?? 'bios';
      firmware = guard(() =>
        isElf(bios.bytes) ? loadElf(bios.bytes, { ram, memory: writer, name }) : loadRaw(bios.bytes, { ram, memory: writer, address: VIRT_DRAM_BASE, name }),
      );
      firmwareEnd = firmware.highAddress;
    }
    let kernel: LoadedImage | undefined;
    const k = imageOf(options.kernel);
    if (k) {
      const name = k.name ?? 'kernel';
      const at = kernelStartAddr(firmwareEnd);
      kernel = guard(() => {
        if (isElf(k.bytes)) return loadElf(k.bytes, { ram, memory: writer, name });
        if (isLinuxImage(k.bytes)) return loadLinuxImage(k.bytes, { ram, memory: writer, address: at, name });
        // Under firmware the payload is a kernel; a flat binary is accepted only for bare-metal use (--bios none).
        if (firmware) throw new VirtMachineError(`${name}: neither an ELF file nor a RISC-V Linux Image (raw binaries need --bios none)`);
        return loadRaw(k.bytes, { ram, memory: writer, address: at, name });
      });
      if (firmware && kernel.lowAddress < firmware.highAddress && kernel.highAddress > firmware.lowAddress) {
        throw new VirtMachineError(`${name}: ${hex(kernel.lowAddress)}-${hex(kernel.highAddress - 1)} overlaps the firmware (${hex(firmware.lowAddress)}-${hex(firmware.highAddress - 1)})`);
      }
    }
    const kernelEntry = kernel?.entry ?? 0;
    let initrd: { start: number; end: number } | undefined;
    const rd = imageOf(options.initrd);
    if (rd) {
      const name = rd.name ?? 'initrd';
      if (!kernel) throw new VirtMachineError(`${name}: an initrd needs a kernel (--kernel)`);
      const start = initrdStartAddr(kernelEntry, ramSize);
      const end = start + rd.bytes.length;
      if (end > VIRT_DRAM_BASE + ramSize) {
        throw new VirtMachineError(`${name}: ${rd.bytes.length} bytes at ${hex(start)} do not fit in RAM (ends at ${hex(VIRT_DRAM_BASE + ramSize)}); give the machine more memory`);
      }
      if (start < kernel.highAddress) {
        throw new VirtMachineError(`${name}: would start at ${hex(start)}, inside the kernel (ends at ${hex(kernel.highAddress)}); give the machine more memory`);
      }
      m.writeBytes(start, rd.bytes);
      initrd = { start, end };
    }

    let dtb: Uint8Array;
    const userDtb = imageOf(options.dtb);
    if (userDtb) {
      const name = userDtb.name ?? 'dtb';
      let b;
      try {
        b = treeToBuilder(parseDtb(userDtb.bytes));
      } catch (e) {
        throw new VirtMachineError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
      const chosen = b.node('/chosen') ?? b.root.addNode('chosen');
      if (options.bootargs) chosen.string('bootargs', options.bootargs);
      if (initrd) chosen.u64('linux,initrd-start', initrd.start).u64('linux,initrd-end', initrd.end);
      dtb = b.build();
    } else {
      const dtbHarts: DtbHart[] = harts.map((h) => {
        const { isa: isaStr, extensions } = canonicalIsa(h.enabled);
        return { hartId: h.hartId, isa: isaStr, extensions, mmuType: mmuTypeOf(h.satpModes) };
      });
      const aia = this.aia;
      const irqchip = aia && { parent: 'aplic_s', cells: 2 as const, write: (soc: FdtNode, intc: string[]) => aia.writeFdt(soc, intc) };
      dtb = buildVirtFdt({ harts: dtbHarts, ramBase: VIRT_DRAM_BASE, ramSize, bootargs: options.bootargs, initrd, virtioSlots: slots, irqchip }).build();
    }
    const fdtAt = fdtAddr(VIRT_DRAM_BASE, ramSize, dtb.length);
    const clash = (s: number, e: number) => fdtAt < e && fdtAt + dtb.length > s;
    if (fdtAt < VIRT_DRAM_BASE || (kernel && clash(kernel.lowAddress, kernel.highAddress)) || (initrd && clash(initrd.start, initrd.end)) || (firmware && clash(firmware.lowAddress, firmware.highAddress))) {
      throw new VirtMachineError(`device tree (${dtb.length} bytes at ${hex(fdtAt)}) overlaps the loaded images; give the machine more memory`);
    }
    m.writeBytes(fdtAt, dtb);
    this.dtb = dtb;

    const startAddr = firmware ? firmware.entry : kernel ? kernel.entry : VIRT_DRAM_BASE;
    const rom = buildMrom(VIRT_MROM_SIZE, { startAddr, fdtAddr: fdtAt, nextAddr: kernelEntry });
    m.addDevice(VIRT_MROM_BASE, VIRT_MROM_SIZE, new Rom(rom), 'mrom');
    this.boot = { startAddr, kernel, firmware, initrd, fdtAddr: fdtAt, fdtSize: dtb.length };

    // Timer lines as of reset (QEMU resets mtimecmp to 0, so MTIP is pending from the start).
    this.clint.poll();
    for (const h of harts) {
      if ((options.resetVector ?? 'mrom') === 'mrom') {
        h.setPc(BigInt(VIRT_MROM_BASE));
      } else {
        h.setPc(BigInt(startAddr));
        h.setX(10, BigInt(h.hartId));
        h.setX(11, BigInt(fdtAt));
        h.setX(12, BigInt(VIRT_MROM_BASE + 40));
      }
    }
  }

  /** Where UART0 output goes (replaces the `output` option). */
  setOutput(output: ((bytes: Uint8Array) => void) | undefined): void {
    this.flush();
    this.output = output;
  }

  /** Host input for UART0 (keyboard, pipe). */
  pushInput(bytes: Uint8Array | ArrayLike<number>): void {
    this.uart.pushInput(bytes);
    this.wake?.();
  }

  /** Ends run() with `status` (as the finisher would). */
  stop(status: number, reason: ExitReason = 'stopped'): void {
    if (this.exitStatus !== undefined) return;
    this.exitStatus = status;
    this.exitReason = reason;
    for (const h of this.harts) h.requestStop();
    this.wake?.();
  }

  /** Why the last run() ended. */
  get reason(): ExitReason {
    return this.exitReason;
  }

  /** Each hart's pc, privilege mode, status and last trap (for a hung guest). */
  inspect(): HartReport[] {
    return this.harts.map((h) => {
      const r: HartReport = { hartId: h.hartId, pc: h.getPc(), priv: privName(h.priv, h.virt), status: h.status };
      const traps: string[] = [];
      // The most recent trap into each mode is what its cause/epc/tval CSRs hold.
      for (const [mode, cause, epc, tval] of [['M', 0x342, 0x341, 0x343], ['S', 0x142, 0x141, 0x143]] as const) {
        const c = h.getCsr(cause) ?? 0n;
        const e = h.getCsr(epc) ?? 0n;
        if (c === 0n && e === 0n) continue;
        traps.push(`${mode}: ${describeCause(c)} at epc 0x${e.toString(16)} tval 0x${(h.getCsr(tval) ?? 0n).toString(16)}`);
      }
      if (traps.length) r.lastTrap = traps.join('; ');
      return r;
    });
  }

  private emit(byte: number): void {
    if (this.outLen === this.outBuf.length) this.flush();
    this.outBuf[this.outLen++] = byte;
  }

  private flush(): void {
    if (this.outLen === 0) return;
    const chunk = this.outBuf.slice(0, this.outLen);
    this.outLen = 0;
    this.output?.(chunk);
  }

  private pollDevices(): void {
    this.clint.poll();
    this.rtc.poll();
    this.aia?.poll();
    this.flush();
  }

  /**
   * Runs the machine until the guest powers off (or `stop()`); resolves with the exit status.
   * Harts run in slices one at a time; between slices the devices are polled; the host event
   * loop gets a turn every few milliseconds; when every hart waits in WFI the machine sleeps
   * until the next timer deadline or host input.
   */
  async run(): Promise<number> {
    if (this.running) throw new Error('run() is already in progress');
    this.running = true;
    const harts = this.harts;
    const multi = harts.length > 1;
    const now = nowMs;
    try {
      while (this.exitStatus === undefined) {
        const t0 = now();
        let idle = false;
        do {
          let ran = 0;
          for (let i = 0; i < harts.length && this.exitStatus === undefined; i++) {
            const h = harts[i]!;
            if (multi) h.clearReservation();
            ran += h.run(this.slice);
          }
          this.instret += ran;
          this.pollDevices();
          idle = ran === 0 && harts.every((h) => h.status !== 'running');
        } while (!idle && this.exitStatus === undefined && now() - t0 < 20);
        if (this.exitStatus !== undefined) break;
        if (idle) await this.sleep();
        else await yieldToHost();
      }
    } finally {
      this.flush();
      this.running = false;
    }
    return this.exitStatus;
  }

  /** Waits until the next timer deadline, host input or stop(); an instruction clock skips ahead instead. */
  private async sleep(): Promise<void> {
    // The earliest timer: the CLINT's mtimecmp, or a hart's Sstc stimecmp (both in mtime ticks).
    const mtimeNow = this.clint.mtime();
    let ticksAhead = Infinity;
    const d = this.clint.nextDeadline();
    if (d !== undefined) ticksAhead = d - this.clock.now();
    for (const h of this.harts) {
      const s = h.nextTimerDeadline();
      // A compare value beyond 2^53 ticks (e.g. all ones, "disarmed") is never reached.
      if (s > mtimeNow && s <= Number.MAX_SAFE_INTEGER) ticksAhead = Math.min(ticksAhead, s - mtimeNow);
    }
    if (this.clock instanceof InstructionClock) {
      if (ticksAhead !== Infinity) {
        // Deterministic time: jump straight to the next deadline.
        this.clock.advance(Math.max(1, ticksAhead));
        await yieldToHost();
        return;
      }
      // No timer armed: only host input (or stop()) can wake a hart, so wait for it without spinning.
    }
    const ms = Math.max(0, Math.min(10, (ticksAhead * 1000) / this.clock.frequency));
    const s = sleepUnless(ms);
    const t0 = nowMs();
    this.wake = s.wake;
    await s.done;
    this.wake = undefined;
    if (this.clock instanceof PacedClock) this.clock.idle(((nowMs() - t0) * this.clock.frequency) / 1000);
  }
}

/** Builds a QEMU-virt machine (see VirtMachineOptions); throws VirtMachineError for bad options or images. */
export function createVirtMachine(options: VirtMachineOptions = {}): VirtMachine {
  return new VirtMachine(options);
}
