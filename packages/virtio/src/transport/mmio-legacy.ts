import * as D from '../defs.js';
import { VirtioMmioTransport } from './mmio.js';

/**
 * The legacy virtio-mmio interface, version 1 (virtio 1.2 §4.2.4): 32 feature bits, the
 * queue placed by a page frame number with the used ring aligned to QueueAlign, and no
 * FEATURES_OK step. QEMU's virt board still uses it by default (force-legacy).
 */
export class VirtioMmioLegacyTransport extends VirtioMmioTransport {
  private guestPageSize = 4096;
  private readonly align: number[] = [];
  private readonly pfn: number[] = [];

  override read(offset: number, size: 1 | 2 | 4): number {
    if (offset < D.VIRTIO_MMIO_CONFIG && size === 4 && offset % 4 === 0) {
      switch (offset) {
        case D.VIRTIO_MMIO_VERSION:
          return 1;
        case D.VIRTIO_MMIO_DEVICE_FEATURES:
          // Legacy devices have no VERSION_1 and only the first 32 bits.
          return this.deviceFeaturesSel === 0 ? Number(this.offered & 0xffffffffn) : 0;
        case D.VIRTIO_MMIO_QUEUE_PFN:
          return this.pfn[this.queueSel] ?? 0;
        case D.VIRTIO_MMIO_QUEUE_READY:
        case D.VIRTIO_MMIO_QUEUE_DESC_LOW:
        case D.VIRTIO_MMIO_QUEUE_DESC_HIGH:
        case D.VIRTIO_MMIO_QUEUE_AVAIL_LOW:
        case D.VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
        case D.VIRTIO_MMIO_QUEUE_USED_LOW:
        case D.VIRTIO_MMIO_QUEUE_USED_HIGH:
        case D.VIRTIO_MMIO_CONFIG_GENERATION:
          return 0; // not part of the legacy layout
      }
    }
    return super.read(offset, size);
  }

  override write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset < D.VIRTIO_MMIO_CONFIG && size === 4 && offset % 4 === 0) {
      value >>>= 0;
      const q = this.queueRegs[this.queueSel];
      switch (offset) {
        case D.VIRTIO_MMIO_GUEST_PAGE_SIZE:
          this.guestPageSize = value;
          return;
        case D.VIRTIO_MMIO_QUEUE_ALIGN:
          if (q) this.align[this.queueSel] = value;
          return;
        case D.VIRTIO_MMIO_QUEUE_PFN:
          if (q) this.placeQueue(value);
          return;
        case D.VIRTIO_MMIO_DRIVER_FEATURES:
          if (this.driverFeaturesSel !== 0) return;
          break;
        case D.VIRTIO_MMIO_QUEUE_READY:
        case D.VIRTIO_MMIO_QUEUE_DESC_LOW:
        case D.VIRTIO_MMIO_QUEUE_DESC_HIGH:
        case D.VIRTIO_MMIO_QUEUE_AVAIL_LOW:
        case D.VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
        case D.VIRTIO_MMIO_QUEUE_USED_LOW:
        case D.VIRTIO_MMIO_QUEUE_USED_HIGH:
          return;
      }
    }
    super.write(offset, size, value);
  }

  /** §4.2.4: descriptors at PFN * GuestPageSize, the available ring after them, the used ring aligned to QueueAlign. */
  private placeQueue(pfn: number): void {
    const q = this.queueRegs[this.queueSel]!;
    this.pfn[this.queueSel] = pfn;
    if (pfn === 0) {
      q.ready = false;
      return;
    }
    const align = this.align[this.queueSel] || 4096;
    const max = this.device.queueMaxSizes[this.queueSel]!;
    if (q.num === 0 || q.num > max || (align & (align - 1)) !== 0) {
      q.ready = false;
      return;
    }
    q.desc = pfn * this.guestPageSize;
    q.driver = q.desc + 16 * q.num;
    q.device = Math.ceil((q.driver + 6 + 2 * q.num) / align) * align;
    q.ready = true;
  }

  protected override writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      this.pfn.length = 0;
      return;
    }
    const old = this.status;
    this.status = value | (old & D.VIRTIO_CONFIG_S_NEEDS_RESET);
    if (value & D.VIRTIO_CONFIG_S_DRIVER_OK && !(old & D.VIRTIO_CONFIG_S_DRIVER_OK)) this.activate();
  }
}
