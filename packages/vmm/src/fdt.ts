import { writePlicNode } from '@tsvisor/aplic-imsic';
import { writeNs16550aNode } from '@tsvisor/devices';
import { FdtBuilder, ref, type FdtNode } from '@tsvisor/fdt';
import {
  KVMTOOL_IRQCHIP_BASE, KVMTOOL_PLIC_NDEV, KVMTOOL_UART_BASE, KVMTOOL_UART_IRQ, KVMTOOL_UART_SIZE, KVMTOOL_VIRTIO_MMIO_SIZE,
} from './memory-map.js';

export interface VmmFdtCpu {
  id: number;
  /** riscv,isa as kvmtool builds it: the CONFIG isa letters, then each enabled ISA_EXT. */
  isa: string;
  /** 'riscv,sv39' | 'riscv,sv48' | 'riscv,sv57'. */
  mmuType: string;
}

export interface VmmFdtConfig {
  cpus: VmmFdtCpu[];
  timebaseFrequency: number;
  ramBase: number;
  ramSize: number;
  bootargs: string;
  initrd?: { start: number; end: number };
  virtio: { base: number; irq: number }[];
  plicSize: number;
  /** The in-kernel AIA's nodes instead of the PLIC; devices then name 'aplic' with two cells. */
  irqchip?: { writeFdt(parent: FdtNode, intcLabels: string[]): void };
}

/** IRQ_TYPE_LEVEL_HIGH (dt-bindings/interrupt-controller/irq.h). */
const IRQ_TYPE_LEVEL_HIGH = 4;

/**
 * The device tree kvmtool gives a riscv guest (kvmtool riscv/fdt.c, in our own words): a
 * `linux,dummy-virt` root, /chosen, /memory, /cpus from the vCPUs' ONE_REG configuration,
 * the userspace PLIC with one S-mode context per vCPU, and /smb holding the UART and the
 * virtio-mmio devices.
 */
export function buildVmmFdt(c: VmmFdtConfig): Uint8Array {
  const fdt = new FdtBuilder({ bootCpuidPhys: c.cpus[0]?.id ?? 0 });
  const root = fdt.root;
  root.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'linux,dummy-virt');

  const chosen = root.addNode('chosen');
  chosen.string('bootargs', c.bootargs);
  chosen.string('stdout-path', 'serial0');
  if (c.initrd) {
    chosen.u64('linux,initrd-start', c.initrd.start);
    chosen.u64('linux,initrd-end', c.initrd.end);
  }
  root.addNode(`memory@${c.ramBase.toString(16)}`).string('device_type', 'memory').u64('reg', c.ramBase, c.ramSize);

  const cpus = root.addNode('cpus');
  cpus.u32('#address-cells', 1).u32('#size-cells', 0).u32('timebase-frequency', c.timebaseFrequency);
  const contexts: { intcLabel: string; irq: number }[] = [];
  for (const cpu of c.cpus) {
    const node = cpus.addNode(`cpu@${cpu.id.toString(16)}`, { label: `cpu${cpu.id}` });
    node
      .string('device_type', 'cpu')
      .u32('reg', cpu.id)
      .string('compatible', 'riscv')
      .string('status', 'okay')
      .string('mmu-type', cpu.mmuType)
      .string('riscv,isa', cpu.isa);
    const intc = `cpu${cpu.id}_intc`;
    node.addNode('interrupt-controller', { label: intc }).u32('#interrupt-cells', 1).empty('interrupt-controller').string('compatible', 'riscv,cpu-intc');
    // Under KVM only the supervisor context exists (external interrupt, mip bit 9).
    contexts.push({ intcLabel: intc, irq: 9 });
  }

  const smb = root.addNode('smb');
  smb.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'simple-bus').empty('ranges');
  const parent = c.irqchip ? 'aplic' : 'plic';
  const cells = (irq: number): number[] => (c.irqchip ? [irq, IRQ_TYPE_LEVEL_HIGH] : [irq]);
  if (c.irqchip) c.irqchip.writeFdt(smb, contexts.map((x) => x.intcLabel));
  else writePlicNode(smb, { base: KVMTOOL_IRQCHIP_BASE, size: c.plicSize, ndev: KVMTOOL_PLIC_NDEV, label: 'plic', contexts });
  writeNs16550aNode(smb, { base: KVMTOOL_UART_BASE, size: KVMTOOL_UART_SIZE, irq: KVMTOOL_UART_IRQ, interruptParent: parent }).u32('interrupts', ...cells(KVMTOOL_UART_IRQ));
  for (const v of c.virtio) {
    smb
      .addNode(`virtio@${v.base.toString(16)}`)
      .string('compatible', 'virtio,mmio')
      .u64('reg', v.base, KVMTOOL_VIRTIO_MMIO_SIZE)
      .u32('interrupts', ...cells(v.irq))
      .u32('interrupt-parent', ref(parent));
  }
  root.addNode('aliases').string('serial0', `/smb/serial@${KVMTOOL_UART_BASE.toString(16)}`);
  return fdt.build();
}
