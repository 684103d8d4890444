import type { IrqLine, MmioDevice } from '@tsvisor/devices';
import type { PhysicalMemory } from '@tsvisor/isa-core';
import { VirtioMmioLegacyTransport, VirtioMmioTransport, type GuestMemory, type VirtioDevice } from '@tsvisor/virtio';
import type { VirtioSlotDevice } from './machine.js';

export interface VirtioSlotOptions {
  /** Slot 0..7; default: the next free one. */
  slot?: number;
  /** The legacy virtio-mmio interface (version 1), QEMU's default; otherwise version 2. */
  legacy?: boolean;
  /** Offer packed virtqueues (version 2 only). */
  packed?: boolean;
}

/**
 * Guest RAM as virtio devices see it: bounds-checked views of the machine's RAM, with DMA
 * writes reported so harts drop instructions decoded from the bytes a device overwrote.
 */
export function guestMemoryOf(memory: PhysicalMemory): GuestMemory {
  return {
    slice: (addr, len) => memory.ramView(addr, len),
    noteWrite: (addr, len) => memory.noteDmaWrite(addr, len),
  };
}

/** Puts a virtio device on one of the virt board's virtio-mmio slots. */
export function virtioSlot(device: VirtioDevice, options: VirtioSlotOptions = {}): VirtioSlotDevice & { transport?: VirtioMmioTransport } {
  const slot: VirtioSlotDevice & { transport?: VirtioMmioTransport } = {
    slot: options.slot,
    create(irq: IrqLine, memory: PhysicalMemory): MmioDevice {
      const mem = guestMemoryOf(memory);
      const t = options.legacy
        ? new VirtioMmioLegacyTransport(device, mem, irq)
        : new VirtioMmioTransport(device, mem, irq, { packed: options.packed });
      slot.transport = t;
      return t;
    },
  };
  return slot;
}
