/**
 * The virt machine's AIA interrupt controllers, as QEMU 7.2 builds them for
 * `-machine virt,aia=aplic` and `aia=aplic-imsic` (hw/riscv/virt.c): an M-level APLIC domain
 * at 0xC000000 delegating every source to its S-level child at 0xD000000; with IMSICs, the
 * domains forward by MSI to per-hart M files at 0x24000000 (one page per hart) and S files at
 * 0x28000000 (a page per hart followed by its guest files), and the harts get Smaia/Ssaia.
 * Without IMSICs the domains deliver directly, M to MEIP and S to SEIP.
 */
import {
  aia, AplicDomain, aplicDomainSize, ImsicFile, IMSIC_FILE_SIZE, type IrqLineLike,
} from '@tsvisor/aplic-imsic';
import { ref, type FdtNode } from '@tsvisor/fdt';
import type { Extension, Hart, MmioDevice, PhysicalMemory } from '@tsvisor/isa-core';
import {
  VIRT_APLIC_M_BASE, VIRT_APLIC_S_BASE, VIRT_IMSIC_M_BASE, VIRT_IMSIC_S_BASE, VIRT_IRQCHIP_IPI_MSI,
  VIRT_IRQCHIP_MAX_GUESTS, VIRT_IRQCHIP_NUM_MSIS, VIRT_IRQCHIP_NUM_SOURCES,
} from './memory-map.js';
import { VirtMachineError } from './errors.js';

/** QEMU's `aia=` machine option. */
export type VirtAiaMode = 'none' | 'aplic' | 'aplic-imsic';

/** What a hart's H extension offers an IMSIC guest file (csr-h-ext's HypervisorExtension). */
interface GuestInterruptInput {
  setGuestExternalInterrupt(hart: Hart, n: number, level: boolean): void;
}

function guestInput(extensions: readonly Extension[]): GuestInterruptInput | undefined {
  for (const e of extensions) {
    const g = e as Partial<GuestInterruptInput>;
    if (typeof g.setGuestExternalInterrupt === 'function') return g as GuestInterruptInput;
  }
  return undefined;
}

/** One MMIO region holding a run of 4 KiB interrupt-file pages (files[i] at page i; gaps read 0). */
class ImsicPages implements MmioDevice {
  constructor(private readonly pages: (ImsicFile | undefined)[]) {}
  read(): number {
    return 0;
  }
  write(offset: number, size: 1 | 2 | 4, value: number): void {
    this.pages[Math.floor(offset / IMSIC_FILE_SIZE)]?.write(offset % IMSIC_FILE_SIZE, size, value);
  }
}

/** Number of bits to index `n` things (QEMU's imsic_num_bits). */
function bitsFor(n: number): number {
  let b = 0;
  while (1 << b < n) b++;
  return b;
}

export interface VirtAiaOptions {
  mode: 'aplic' | 'aplic-imsic';
  harts: number;
  /** Guest interrupt files per hart (QEMU `aia-guests`, 0..7); needs the H extension to be useful. */
  guests: number;
  memory: PhysicalMemory;
  /** Drives mip bit `bit` of hart `h`. */
  hartLine(h: number, bit: number): IrqLineLike;
  /** The harts, filled in after the controllers are built (guest files signal through them). */
  harts_: Hart[];
  /** The harts' other extensions (an H extension receives the guest files' hgeip lines). */
  extensions: readonly Extension[];
}

/** The AIA devices of one virt machine. */
export class VirtAia {
  readonly mode: 'aplic' | 'aplic-imsic';
  readonly aplicM: AplicDomain;
  readonly aplicS: AplicDomain;
  /** Per hart: the M, S and guest interrupt files (aplic-imsic only). */
  readonly imsic: { m: ImsicFile; s: ImsicFile; guests: ImsicFile[] }[] = [];
  /** The Smaia/Ssaia extensions the harts need (aplic-imsic only). */
  readonly extensions: Extension[];
  readonly guestBits: number;
  private readonly harts: number;

  constructor(o: VirtAiaOptions) {
    if (!Number.isInteger(o.guests) || o.guests < 0 || o.guests > VIRT_IRQCHIP_MAX_GUESTS) {
      throw new VirtMachineError(`aia-guests ${o.guests}: the virt machine takes 0 to ${VIRT_IRQCHIP_MAX_GUESTS} guest interrupt files per hart`);
    }
    if (o.guests > 0 && o.mode !== 'aplic-imsic') throw new VirtMachineError('aia-guests needs aia=aplic-imsic');
    this.mode = o.mode;
    this.harts = o.harts;
    this.guestBits = bitsFor(o.guests + 1);
    const msi = o.mode === 'aplic-imsic';
    const m = o.memory;
    // MSIs are 32-bit writes on the bus (AIA 4.9.1); one aimed at RAM lands there like DMA.
    const sink = {
      write: (addr: number, data: number) => {
        if (m.isRam(addr, 4)) m.writeBytes(addr, Uint8Array.of(data & 0xff, (data >>> 8) & 0xff, (data >>> 16) & 0xff, data >>> 24));
        else m.store(addr, 4, data);
      },
    };
    const meip = Array.from({ length: o.harts }, (_, h) => o.hartLine(h, 11));
    const seip = Array.from({ length: o.harts }, (_, h) => o.hartLine(h, 9));
    this.aplicM = new AplicDomain({
      level: 'machine', harts: o.harts, sources: VIRT_IRQCHIP_NUM_SOURCES, delivery: msi ? 'msi' : 'direct',
      idc: msi ? undefined : meip, msi: msi ? sink : undefined, msiIds: VIRT_IRQCHIP_NUM_MSIS,
    });
    this.aplicS = new AplicDomain({
      level: 'supervisor', harts: o.harts, sources: VIRT_IRQCHIP_NUM_SOURCES, delivery: msi ? 'msi' : 'direct',
      idc: msi ? undefined : seip, msi: msi ? sink : undefined, msiIds: VIRT_IRQCHIP_NUM_MSIS, parent: this.aplicM,
      geilen: o.guests,
    });
    const size = aplicDomainSize(o.harts);
    m.addDevice(VIRT_APLIC_M_BASE, size, this.aplicM, 'aplic-m');
    m.addDevice(VIRT_APLIC_S_BASE, size, this.aplicS, 'aplic-s');
    if (!msi) {
      this.extensions = [];
      return;
    }
    const hyp = guestInput(o.extensions);
    for (let h = 0; h < o.harts; h++) {
      const guests = Array.from({ length: o.guests }, (_, i) => new ImsicFile({
        ids: VIRT_IRQCHIP_NUM_MSIS,
        irq: { set: (v) => { const hart = o.harts_[h]; if (hart && hyp) hyp.setGuestExternalInterrupt(hart, i + 1, v); } },
      }));
      this.imsic.push({
        m: new ImsicFile({ ids: VIRT_IRQCHIP_NUM_MSIS, irq: meip[h] }),
        s: new ImsicFile({ ids: VIRT_IRQCHIP_NUM_MSIS, irq: seip[h] }),
        guests,
      });
    }
    const sStride = 1 << this.guestBits;
    const sPages: (ImsicFile | undefined)[] = [];
    this.imsic.forEach((f, h) => {
      sPages[h * sStride] = f.s;
      f.guests.forEach((g, i) => { sPages[h * sStride + 1 + i] = g; });
    });
    m.addDevice(VIRT_IMSIC_M_BASE, o.harts * IMSIC_FILE_SIZE, new ImsicPages(this.imsic.map((f) => f.m)), 'imsic-m');
    m.addDevice(VIRT_IMSIC_S_BASE, o.harts * sStride * IMSIC_FILE_SIZE, new ImsicPages(sPages), 'imsic-s');
    this.extensions = aia({ files: (id) => this.imsic[id] });
  }

  /** The wire of interrupt source `id` (1..96), entering at the root (M) domain. */
  source(id: number): IrqLineLike {
    return this.aplicM.source(id);
  }

  /** Sends MSIs a re-entrant write left pending (between slices). */
  poll(): void {
    this.aplicM.poll();
  }

  /**
   * Writes the IMSIC and APLIC nodes as QEMU 7.2 does (labels 'imsic_m', 'imsic_s', 'aplic_m',
   * 'aplic_s'); devices use 'aplic_s' as interrupt-parent with two cells (source, IRQ_TYPE_LEVEL_HIGH).
   */
  writeFdt(soc: FdtNode, intcLabels: string[]): void {
    const msi = this.mode === 'aplic-imsic';
    if (msi) {
      const imsicNode = (label: string, base: number, size: number, irq: number) => {
        const n = soc
          .addNode(`imsics@${base.toString(16)}`, { label })
          .u32('riscv,ipi-id', VIRT_IRQCHIP_IPI_MSI)
          .u32('riscv,num-ids', VIRT_IRQCHIP_NUM_MSIS)
          .u64('reg', base, size)
          .u32('interrupts-extended', ...intcLabels.flatMap((l) => [ref(l), irq]))
          .empty('msi-controller')
          .empty('interrupt-controller')
          .u32('#interrupt-cells', 0)
          .string('compatible', 'riscv,imsics');
        return n;
      };
      imsicNode('imsic_m', VIRT_IMSIC_M_BASE, this.harts * IMSIC_FILE_SIZE, 11);
      const s = imsicNode('imsic_s', VIRT_IMSIC_S_BASE, this.harts * (IMSIC_FILE_SIZE << this.guestBits), 9);
      if (this.guestBits > 0) s.u32('riscv,guest-index-bits', this.guestBits);
    }
    const size = aplicDomainSize(this.harts);
    const aplicNode = (label: string, base: number, imsic: string, irq: number) => {
      const n = soc.addNode(`aplic@${base.toString(16)}`, { label }).u32('riscv,num-sources', VIRT_IRQCHIP_NUM_SOURCES).u64('reg', base, size);
      if (msi) n.u32('msi-parent', ref(imsic));
      else n.u32('interrupts-extended', ...intcLabels.flatMap((l) => [ref(l), irq]));
      return n.empty('interrupt-controller').u32('#interrupt-cells', 2).string('compatible', 'riscv,aplic');
    };
    aplicNode('aplic_s', VIRT_APLIC_S_BASE, 'imsic_s', 9);
    aplicNode('aplic_m', VIRT_APLIC_M_BASE, 'imsic_m', 11)
      .u32('riscv,delegate', ref('aplic_s'), 1, VIRT_IRQCHIP_NUM_SOURCES)
      .u32('riscv,children', ref('aplic_s'));
  }
}
