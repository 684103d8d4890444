import * as D from '../defs.js';
import { readConfigBytes, serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength, writeToChain } from '../queue/chain.js';
import type { NetBackend } from './net-backend.js';

const RX = 0;
const TX = 1;
const MAX_FRAME = 65550;
const RX_BACKLOG = 256;

/**
 * virtio-net (virtio 1.2 §5.1), one queue pair, no offloads: every frame travels with a
 * zeroed 12-byte virtio_net_hdr. Frames that arrive while the guest has posted no receive
 * buffers wait in a bounded backlog; beyond it they are dropped, as a real NIC drops them.
 */
export class VirtioNet implements VirtioDevice {
  readonly deviceId = D.VIRTIO_ID_NET;
  readonly queueMaxSizes = [256, 256];
  readonly features: bigint;
  private readonly config = new Uint8Array(12);
  private ctx: DeviceContext | null = null;
  private backlog: Uint8Array[] = [];
  readonly stats = { txFrames: 0, rxFrames: 0, rxDropped: 0, txBytes: 0, rxBytes: 0 };

  constructor(
    private readonly backend: NetBackend,
    readonly mac: Uint8Array,
  ) {
    if (mac.length !== 6) throw new Error('virtio-net: a MAC address has 6 bytes');
    this.features = (1n << BigInt(D.VIRTIO_NET_F_MAC)) | (1n << BigInt(D.VIRTIO_NET_F_STATUS)) | (1n << BigInt(D.VIRTIO_NET_F_MTU));
    this.config.set(mac, 0);
    new DataView(this.config.buffer).setUint16(6, D.VIRTIO_NET_S_LINK_UP, true);
    new DataView(this.config.buffer).setUint16(8, 1, true); // max_virtqueue_pairs
    new DataView(this.config.buffer).setUint16(10, 1500, true); // mtu
    backend.attach((frame) => this.receive(frame));
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }
  writeConfig(): void {}
  /** 12 bytes with VERSION_1; a legacy device without MRG_RXBUF uses the 10-byte header (§5.1.6.1). */
  private hdrSize: number = D.VIRTIO_NET_HDR_SIZE;

  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
    this.hdrSize = (ctx.features >> BigInt(D.VIRTIO_F_VERSION_1)) & 1n ? D.VIRTIO_NET_HDR_SIZE : 10;
    this.fillRx();
  }
  reset(): void {
    this.ctx = null;
    this.backlog = [];
  }

  notify(q: number): void {
    if (q === TX) this.transmit();
    else if (q === RX) this.fillRx();
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    serveQueue(ctx, TX, (chain) => {
      const len = totalLength(chain.readable);
      if (len >= this.hdrSize && len - this.hdrSize <= MAX_FRAME) {
        const frame = readFromChain(ctx.mem, chain, this.hdrSize, len - this.hdrSize);
        if (!frame) return 'virtio-net buffer outside guest RAM';
        this.stats.txFrames++;
        this.stats.txBytes += frame.length;
        this.backend.send(frame);
      }
      return 0;
    });
  }

  private receive(frame: Uint8Array): void {
    if (this.backlog.length >= RX_BACKLOG) {
      this.stats.rxDropped++;
      return;
    }
    this.backlog.push(frame);
    this.fillRx();
  }

  private fillRx(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const queue = ctx.queues[RX];
    if (!queue) return;
    let any = false;
    while (this.backlog.length > 0) {
      const chain = queue.pop();
      if (!chain) break;
      const frame = this.backlog.shift()!;
      const room = totalLength(chain.writable);
      if (room < this.hdrSize + frame.length) {
        // Without MRG_RXBUF the guest must post buffers that hold a whole frame (§5.1.6.3.1).
        this.stats.rxDropped++;
        queue.pushUsed(chain.head, 0);
        any = true;
        continue;
      }
      const pkt = new Uint8Array(this.hdrSize + frame.length);
      if (this.hdrSize === D.VIRTIO_NET_HDR_SIZE) new DataView(pkt.buffer).setUint16(10, 1, true); // num_buffers
      pkt.set(frame, this.hdrSize);
      const n = writeToChain(ctx.mem, chain, 0, pkt);
      if (n < 0) return ctx.fail('virtio-net buffer outside guest RAM');
      queue.pushUsed(chain.head, n);
      this.stats.rxFrames++;
      this.stats.rxBytes += frame.length;
      any = true;
    }
    if (any) ctx.signalUsed(RX);
  }

  getState() {
    return { stateVersion: 1, mac: Array.from(this.mac), backlog: this.backlog.map((f) => Array.from(f)) };
  }
}
