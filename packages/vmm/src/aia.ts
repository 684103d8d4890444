/**
 * The in-kernel irqchip for `tsvisor run --irqchip aia`, set up as kvmtool's riscv/aia.c does
 * (in our own words): KVM_CREATE_DEVICE(KVM_DEV_TYPE_RISCV_AIA), CONFIG (sources, hart bits),
 * ADDR (one IMSIC page per vCPU from the IRQCHIP base, the APLIC right after them), CTRL_INIT;
 * device lines become KVM_IRQ_LINE. Its device-tree nodes are the `riscv,imsics` and
 * `riscv,aplic` bindings Linux's irq-riscv-imsic and irq-riscv-aplic drivers read.
 */
import type { FdtNode } from '@tsvisor/fdt';
import { ref } from '@tsvisor/fdt';
import {
  KVM_DEV_RISCV_AIA_ADDR_APLIC, KVM_DEV_RISCV_AIA_ADDR_IMSIC, KVM_DEV_RISCV_AIA_CONFIG_HART_BITS, KVM_DEV_RISCV_AIA_CONFIG_IDS,
  KVM_DEV_RISCV_AIA_CONFIG_SRCS, KVM_DEV_RISCV_AIA_CTRL_INIT, KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_GRP_CONFIG,
  KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_APLIC_SIZE, KVM_DEV_RISCV_IMSIC_SIZE, KVM_DEV_TYPE_RISCV_AIA, type Vm,
} from '@tsvisor/kvm-api';

export interface VmmAia {
  /** The wire of source `irq` (KVM_IRQ_LINE). */
  line(irq: number): { set(level: boolean): void };
  /** Writes the IMSIC and APLIC nodes under `parent`; devices name 'aplic' with two cells. */
  writeFdt(parent: FdtNode, intcLabels: string[]): void;
}

/** Sets the AIA up for `cpus` vCPUs (already created) with sources 1..`sources`. */
export function setupAia(vm: Vm, cpus: number, base: number, sources: number): VmmAia {
  const ids = 255;
  let hartBits = 0;
  while (1 << hartBits < cpus) hartBits++;
  const imsicSize = cpus * KVM_DEV_RISCV_IMSIC_SIZE;
  const aplicAddr = base + imsicSize;
  const aia = vm.createDevice(KVM_DEV_TYPE_RISCV_AIA);
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_IDS, BigInt(ids));
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_SRCS, BigInt(sources));
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CONFIG, KVM_DEV_RISCV_AIA_CONFIG_HART_BITS, BigInt(hartBits));
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_APLIC, BigInt(aplicAddr));
  for (let i = 0; i < cpus; i++) aia.setAttr(KVM_DEV_RISCV_AIA_GRP_ADDR, KVM_DEV_RISCV_AIA_ADDR_IMSIC(i), BigInt(base + i * KVM_DEV_RISCV_IMSIC_SIZE));
  aia.setAttr(KVM_DEV_RISCV_AIA_GRP_CTRL, KVM_DEV_RISCV_AIA_CTRL_INIT);
  return {
    line: (irq) => ({ set: (level) => vm.irqLine(irq, level) }),
    writeFdt(parent, intcLabels) {
      parent
        .addNode(`imsics@${base.toString(16)}`, { label: 'imsics' })
        .string('compatible', 'riscv,imsics')
        .u64('reg', base, imsicSize)
        .u32('interrupts-extended', ...intcLabels.flatMap((l) => [ref(l), 9]))
        .u32('riscv,num-ids', ids)
        .u32('riscv,hart-index-bits', hartBits)
        .empty('msi-controller')
        .empty('interrupt-controller')
        .u32('#interrupt-cells', 0);
      parent
        .addNode(`aplic@${aplicAddr.toString(16)}`, { label: 'aplic' })
        .string('compatible', 'riscv,aplic')
        .u64('reg', aplicAddr, KVM_DEV_RISCV_APLIC_SIZE)
        .u32('riscv,num-sources', sources)
        .u32('msi-parent', ref('imsics'))
        .empty('interrupt-controller')
        .u32('#interrupt-cells', 2);
    },
  };
}
