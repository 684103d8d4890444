/**
 * QEMU's riscv64 `virt` machine memory map (QEMU hw/riscv/virt.c, virt_memmap; QEMU 7.2).
 *
 *   0x0000_0000  DEBUG          0x100
 *   0x0000_1000  MROM           0xf000      reset vector + fw_dynamic_info
 *   0x0010_0000  TEST           0x1000      sifive_test finisher / syscon
 *   0x0010_1000  RTC            0x1000      goldfish RTC, PLIC source 11
 *   0x0200_0000  CLINT          0x10000     ACLINT MSWI + MTIMER
 *   0x0c00_0000  PLIC           0x600000    (room for 1024 contexts)          aia=none
 *   0x0c00_0000  APLIC-M        0x4000 + IDCs (16 KiB-rounded)                aia=aplic[-imsic]
 *   0x0d00_0000  APLIC-S        0x4000 + IDCs                                 aia=aplic[-imsic]
 *   0x1000_0000  UART0          0x100       ns16550a, PLIC source 10
 *   0x1000_1000  VIRTIO[0..7]   0x1000 each PLIC sources 1..8
 *   0x2400_0000  IMSIC-M        0x1000 per hart                               aia=aplic-imsic
 *   0x2800_0000  IMSIC-S        0x1000 << guest bits per hart (S page, then guest pages)
 *   0x8000_0000  DRAM           -m
 */
export const VIRT_MROM_BASE = 0x1000;
export const VIRT_MROM_SIZE = 0xf000;
export const VIRT_TEST_BASE = 0x10_0000;
export const VIRT_TEST_SIZE = 0x1000;
export const VIRT_RTC_BASE = 0x10_1000;
export const VIRT_RTC_SIZE = 0x1000;
export const VIRT_RTC_IRQ = 11;
export const VIRT_CLINT_BASE = 0x200_0000;
export const VIRT_CLINT_SIZE = 0x1_0000;
export const VIRT_PLIC_BASE = 0xc00_0000;
export const VIRT_PLIC_SIZE = 0x60_0000;
export const VIRT_PLIC_NDEV = 96;
/** AIA (QEMU virt.c: VIRT_APLIC_M/S, VIRT_IMSIC_M/S; include/hw/riscv/virt.h VIRT_IRQCHIP_*). */
export const VIRT_APLIC_M_BASE = 0xc00_0000;
export const VIRT_APLIC_S_BASE = 0xd00_0000;
export const VIRT_IMSIC_M_BASE = 0x2400_0000;
export const VIRT_IMSIC_S_BASE = 0x2800_0000;
/** Wired sources of the APLIC domains (riscv,num-sources). */
export const VIRT_IRQCHIP_NUM_SOURCES = 96;
/** Identities per IMSIC file (riscv,num-ids). */
export const VIRT_IRQCHIP_NUM_MSIS = 255;
/** The IMSIC identity QEMU advertises for IPIs (riscv,ipi-id). */
export const VIRT_IRQCHIP_IPI_MSI = 1;
/** Largest `aia-guests` (VIRT_IRQCHIP_MAX_GUESTS: 3 guest-index bits). */
export const VIRT_IRQCHIP_MAX_GUESTS = 7;
export const VIRT_UART0_BASE = 0x1000_0000;
export const VIRT_UART0_SIZE = 0x100;
export const VIRT_UART0_IRQ = 10;
export const VIRT_VIRTIO_BASE = 0x1000_1000;
export const VIRT_VIRTIO_SIZE = 0x1000;
export const VIRT_VIRTIO_COUNT = 8;
/** PLIC source of virtio-mmio slot i. */
export const VIRT_VIRTIO_IRQ = (slot: number): number => 1 + slot;
export const VIRT_DRAM_BASE = 0x8000_0000;
/** The timebase of mtime and the time CSR. */
export const VIRT_TIMEBASE_FREQ = 10_000_000;
/** QEMU's default -m. */
export const VIRT_DEFAULT_MEMORY = 128 * 2 ** 20;
