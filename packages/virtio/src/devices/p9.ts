import { VIRTIO_ID_9P } from '../defs.js';
import { serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength, writeToChain } from '../queue/chain.js';
import type { FsBackend } from './p9/fs.js';
import { P9Server } from './p9/server.js';
import { utf8Encode } from './p9/wire.js';

const VIRTIO_9P_MOUNT_TAG = 0;

/**
 * virtio-9p (virtio 1.2 §5.10 is silent on the protocol; Linux's 9pnet_virtio): one request
 * queue, each chain a T-message followed by room for the R-message. The guest mounts it
 * with `mount -t 9p -o trans=virtio,version=9p2000.L <tag> /mnt`.
 */
export class Virtio9p implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_9P;
  readonly queueMaxSizes = [128];
  readonly features = 1n << BigInt(VIRTIO_9P_MOUNT_TAG);
  private readonly config: Uint8Array;
  private ctx: DeviceContext | null = null;
  readonly server: P9Server;

  constructor(fs: FsBackend, readonly tag: string) {
    const t = utf8Encode(tag);
    if (t.length === 0 || t.length > 255) throw new Error(`virtio-9p: mount tag '${tag}' must be 1 to 255 bytes`);
    this.config = new Uint8Array(2 + t.length);
    this.config[0] = t.length & 0xff;
    this.config[1] = t.length >> 8;
    this.config.set(t, 2);
    this.server = new P9Server(fs);
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (this.config[offset + i] ?? 0);
    return v >>> 0;
  }
  writeConfig(): void {}
  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
  }
  reset(): void {
    this.ctx = null;
  }
  notify(q: number): void {
    const ctx = this.ctx;
    if (!ctx || q !== 0) return;
    serveQueue(ctx, 0, (chain) => {
      const req = readFromChain(ctx.mem, chain, 0, Math.min(totalLength(chain.readable), 1 << 20));
      if (!req) return 'virtio-9p request outside guest RAM';
      let reply = this.server.handle(req);
      const room = totalLength(chain.writable);
      if (reply.length > room) {
        // The guest posted less room than the reply needs: answer ERANGE-like EIO in Rlerror form.
        reply = Uint8Array.of(11, 0, 0, 0, 7, req[5] ?? 0, req[6] ?? 0, 5, 0, 0, 0);
        if (reply.length > room) return 'virtio-9p reply buffer too small';
      }
      const n = writeToChain(ctx.mem, chain, 0, reply);
      return n < 0 ? 'virtio-9p reply buffer outside guest RAM' : n;
    });
  }
  getState() {
    return { stateVersion: 1, tag: this.tag };
  }
}
