import { VIRTIO_ID_BALLOON } from '../defs.js';
import { readConfigBytes, serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength } from '../queue/chain.js';

const INFLATE = 0;
const DEFLATE = 1;
/** Pages are always 4 KiB on the wire, whatever the guest's page size (§5.5.6). */
export const BALLOON_PAGE_SIZE = 4096;
const VIRTIO_BALLOON_F_MUST_TELL_HOST = 0;

/**
 * The traditional memory balloon (virtio 1.2 §5.5): the host sets a target number of pages
 * in `num_pages`; the guest inflates (gives pages back: their PFNs arrive on the inflate
 * queue) or deflates, and reports `actual`. Given-back pages are zeroed through an injected
 * hook, so a host can also drop them from its own memory accounting.
 */
export class VirtioBalloon implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_BALLOON;
  readonly queueMaxSizes = [128, 128];
  readonly features = 1n << BigInt(VIRTIO_BALLOON_F_MUST_TELL_HOST);
  private readonly config = new Uint8Array(8);
  private ctx: DeviceContext | null = null;
  /** Guest-physical page numbers currently in the balloon. */
  readonly pages = new Set<number>();

  constructor(private readonly release: (gpa: number, length: number) => void = () => {}) {}

  /** The host's wish: how many 4 KiB pages the guest should give back. */
  setTarget(pages: number): void {
    new DataView(this.config.buffer).setUint32(0, pages >>> 0, true);
    this.ctx?.configChanged();
  }
  /** What the guest says it has given back. */
  get actual(): number {
    return new DataView(this.config.buffer).getUint32(4, true);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    // Only `actual` (offset 4) is driver-writable.
    if (offset >= 4 && offset + size <= 8) {
      for (let i = 0; i < size; i++) this.config[offset + i] = (value >>> (8 * i)) & 0xff;
    }
  }
  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
  }
  reset(): void {
    this.ctx = null;
  }
  notify(q: number): void {
    const ctx = this.ctx;
    if (!ctx || (q !== INFLATE && q !== DEFLATE)) return;
    serveQueue(ctx, q, (chain) => {
      const bytes = readFromChain(ctx.mem, chain, 0, totalLength(chain.readable) & ~3);
      if (!bytes) return 'virtio-balloon buffer outside guest RAM';
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      for (let off = 0; off < bytes.length; off += 4) {
        const pfn = dv.getUint32(off, true);
        const gpa = pfn * BALLOON_PAGE_SIZE;
        if (q === INFLATE) {
          // A PFN outside guest RAM is the guest's mistake: ignore it rather than touch anything.
          const page = ctx.mem.slice(gpa, BALLOON_PAGE_SIZE);
          if (!page) continue;
          this.pages.add(pfn);
          page.fill(0);
          ctx.mem.noteWrite?.(gpa, BALLOON_PAGE_SIZE);
          this.release(gpa, BALLOON_PAGE_SIZE);
        } else {
          this.pages.delete(pfn);
        }
      }
      return 0;
    });
  }
  getState() {
    return { stateVersion: 1, config: Array.from(this.config), pages: [...this.pages] };
  }
  restoreState(state: { stateVersion: number; [key: string]: unknown }): void {
    this.config.set(state['config'] as number[]);
    this.pages.clear();
    for (const p of state['pages'] as number[]) this.pages.add(p);
  }
}
