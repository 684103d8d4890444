/**
 * kvmtool's riscv guest memory map (kvmtool riscv/include/kvm/kvm-arch.h), which `tsvisor
 * run` gives its guests.
 *
 *   0x0000_0000  ioport window       64 KiB   (unused: no PCI I/O here)
 *   0x0800_0000  IRQCHIP             128 MiB  PLIC (userspace irqchip)
 *   0x1000_0000  UART0 (8250)        0x100    IRQ 1
 *   0x1002_0000  virtio-mmio         0x200 each, IRQ 5 + n
 *   0x3000_0000  PCI config          (not provided)
 *   0x8000_0000  RAM                 -m
 */
export const KVMTOOL_IRQCHIP_BASE = 0x0800_0000;
export const KVMTOOL_IRQCHIP_SIZE = 0x0800_0000;
export const KVMTOOL_UART_BASE = 0x1000_0000;
export const KVMTOOL_UART_SIZE = 0x100;
export const KVMTOOL_UART_IRQ = 1;
export const KVMTOOL_VIRTIO_MMIO_BASE = 0x1002_0000;
/** Each virtio-mmio device gets 0x200 bytes (registers and config space). */
export const KVMTOOL_VIRTIO_MMIO_SIZE = 0x200;
export const KVMTOOL_VIRTIO_MMIO_MAX = 32;
export const KVMTOOL_VIRTIO_IRQ = (n: number): number => 5 + n;
export const KVMTOOL_RAM_BASE = 0x8000_0000;
/** PLIC sources: kvmtool offers 1023 ("riscv,ndev"). */
export const KVMTOOL_PLIC_NDEV = 1023;
