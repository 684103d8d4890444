export { createVirtMachine, VirtMachine, VIRT_DEFAULT_ISA } from './machine.js';
export type { ExitReason, GuestImage, HartReport, VirtBootInfo, VirtioSlotDevice, VirtMachineOptions } from './machine.js';
export { VirtMachineError } from './errors.js';
export { buildVirtFdt } from './dtb.js';
export type { DtbHart, VirtDtbConfig } from './dtb.js';
export {
  buildMrom, fdtAddr, FW_DYNAMIC_INFO_MAGIC, FW_DYNAMIC_INFO_VERSION, initrdStartAddr, kernelStartAddr, Rom,
} from './boot.js';
export * from './memory-map.js';
export { virtioSlot, guestMemoryOf, type VirtioSlotOptions } from './virtio-slot.js';
export { PacedClock } from './paced-clock.js';
export { VirtAia, type VirtAiaMode, type VirtAiaOptions } from './aia.js';
