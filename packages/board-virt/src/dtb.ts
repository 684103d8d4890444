/**
 * The device tree of a virt machine as configured, shaped like QEMU 7.2's own
 * (`qemu-system-riscv64 -machine virt,dumpdtb=q.dtb`): root with riscv-virtio
 * compatible, /chosen, syscon poweroff/reboot, memory, /cpus with one cpu-intc per hart,
 * and /soc holding the devices. Each device writes its own node.
 */
import { writeClintNode, writeGoldfishRtcNode, writeNs16550aNode, writeSifiveTestNodes } from '@tsvisor/devices';
import { writePlicNode } from '@tsvisor/aplic-imsic';
import { FdtBuilder, ref, type FdtNode } from '@tsvisor/fdt';
import {
  VIRT_CLINT_BASE, VIRT_CLINT_SIZE, VIRT_PLIC_BASE, VIRT_PLIC_NDEV, VIRT_PLIC_SIZE, VIRT_RTC_BASE, VIRT_RTC_IRQ,
  VIRT_TEST_BASE, VIRT_TIMEBASE_FREQ, VIRT_UART0_BASE, VIRT_UART0_IRQ, VIRT_VIRTIO_BASE, VIRT_VIRTIO_IRQ,
  VIRT_VIRTIO_SIZE,
} from './memory-map.js';

export interface DtbHart {
  hartId: number;
  /** riscv,isa: the hart's canonical ISA string. */
  isa: string;
  /** Multi-letter and single-letter extensions for riscv,isa-extensions (DT binding riscv/extensions.yaml). */
  extensions: string[];
  /** 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57' | 'riscv,none'. */
  mmuType: string;
}

export interface VirtDtbConfig {
  harts: DtbHart[];
  ramBase: number;
  ramSize: number;
  bootargs?: string;
  initrd?: { start: number; end: number };
  /** Occupied virtio-mmio slots. */
  virtioSlots?: number[];
  /**
   * The interrupt controller when it is not the PLIC: the label devices name in interrupt-parent,
   * its #interrupt-cells (2: source and IRQ_TYPE_LEVEL_HIGH), and the writer of its nodes.
   */
  irqchip?: { parent: string; cells: 1 | 2; write(soc: FdtNode, intcLabels: string[]): void };
}

/** IRQ_TYPE_LEVEL_HIGH (dt-bindings/interrupt-controller/irq.h): every virt device line is level-high. */
const IRQ_TYPE_LEVEL_HIGH = 4;

/** Builds the FDT for a virt machine; returns the builder (call `.build()` for the DTB). */
export function buildVirtFdt(c: VirtDtbConfig): FdtBuilder {
  const fdt = new FdtBuilder({ bootCpuidPhys: c.harts[0]?.hartId ?? 0 });
  const root = fdt.root;
  root.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'riscv-virtio').string('model', 'riscv-virtio,qemu');

  const chosen = root.addNode('chosen');
  if (c.bootargs !== undefined && c.bootargs !== '') chosen.string('bootargs', c.bootargs);
  chosen.string('stdout-path', `/soc/serial@${VIRT_UART0_BASE.toString(16)}`);
  if (c.initrd) {
    chosen.u64('linux,initrd-start', c.initrd.start);
    chosen.u64('linux,initrd-end', c.initrd.end);
  }

  // poweroff/reboot go under the root; the test node itself under /soc (added below).
  const memory = root.addNode(`memory@${c.ramBase.toString(16)}`);
  memory.string('device_type', 'memory').u64('reg', c.ramBase, c.ramSize);

  const cpus = root.addNode('cpus');
  cpus.u32('#address-cells', 1).u32('#size-cells', 0).u32('timebase-frequency', VIRT_TIMEBASE_FREQ);
  const intcLabels: string[] = [];
  for (const h of c.harts) {
    const cpu = cpus.addNode(`cpu@${h.hartId.toString(16)}`, { label: `cpu${h.hartId}` });
    cpu
      .string('device_type', 'cpu')
      .u32('reg', h.hartId)
      .string('status', 'okay')
      .string('compatible', 'riscv')
      .string('riscv,isa', h.isa)
      .string('riscv,isa-base', 'rv64i')
      .strings('riscv,isa-extensions', ...h.extensions)
      .string('mmu-type', h.mmuType);
    const label = `cpu${h.hartId}_intc`;
    cpu
      .addNode('interrupt-controller', { label })
      .u32('#interrupt-cells', 1)
      .empty('interrupt-controller')
      .string('compatible', 'riscv,cpu-intc');
    intcLabels.push(label);
  }
  const cluster = cpus.addNode('cpu-map').addNode('cluster0');
  for (const h of c.harts) cluster.addNode(`core${h.hartId}`).u32('cpu', ref(`cpu${h.hartId}`));

  const soc = root.addNode('soc');
  soc.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'simple-bus').empty('ranges');
  const parent = c.irqchip?.parent ?? 'plic';
  const irqCells = (irq: number): number[] => (c.irqchip?.cells === 2 ? [irq, IRQ_TYPE_LEVEL_HIGH] : [irq]);
  writeGoldfishRtcNode(soc, { base: VIRT_RTC_BASE, irq: VIRT_RTC_IRQ, interruptParent: parent }).u32('interrupts', ...irqCells(VIRT_RTC_IRQ));
  writeNs16550aNode(soc, { base: VIRT_UART0_BASE, irq: VIRT_UART0_IRQ, interruptParent: parent }).u32('interrupts', ...irqCells(VIRT_UART0_IRQ));
  writeSifiveTestNodes(root, soc, { base: VIRT_TEST_BASE });
  for (const slot of [...(c.virtioSlots ?? [])].sort((a, b) => b - a)) {
    const base = VIRT_VIRTIO_BASE + slot * VIRT_VIRTIO_SIZE;
    soc
      .addNode(`virtio_mmio@${base.toString(16)}`)
      .u32('interrupts', ...irqCells(VIRT_VIRTIO_IRQ(slot)))
      .u32('interrupt-parent', ref(parent))
      .u64('reg', base, VIRT_VIRTIO_SIZE)
      .string('compatible', 'virtio,mmio');
  }
  if (c.irqchip) c.irqchip.write(soc, intcLabels);
  else writePlicNode(soc, {
    base: VIRT_PLIC_BASE,
    size: VIRT_PLIC_SIZE,
    ndev: VIRT_PLIC_NDEV,
    contexts: intcLabels.flatMap((l) => [
      { intcLabel: l, irq: 11 },
      { intcLabel: l, irq: 9 },
    ]),
  });
  writeClintNode(soc, { base: VIRT_CLINT_BASE, size: VIRT_CLINT_SIZE, intcLabels });
  return fdt;
}
