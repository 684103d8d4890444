import { VIRTIO_ID_RNG } from '../defs.js';
import { readConfigBytes, serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { writeToChain, totalLength } from '../queue/chain.js';

/** A source of random bytes (in browsers and Node: `crypto.getRandomValues`). */
export type EntropySource = (into: Uint8Array) => void;

/** Web Crypto, present in browsers and in Node 20 as a global. */
interface WebCrypto {
  getRandomValues(into: Uint8Array): Uint8Array;
}

const defaultEntropy: EntropySource = (into) => {
  const crypto = (globalThis as unknown as { crypto: WebCrypto }).crypto;
  // getRandomValues fills at most 65536 bytes per call.
  for (let i = 0; i < into.length; i += 65536) crypto.getRandomValues(into.subarray(i, i + 65536));
};

/** virtio-rng, the entropy device (virtio 1.2 §5.4): one request queue, every buffer filled with random bytes. */
export class VirtioRng implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_RNG;
  readonly queueMaxSizes = [256];
  readonly features = 0n;
  private ctx: DeviceContext | null = null;

  constructor(private readonly entropy: EntropySource = defaultEntropy) {}

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(new Uint8Array(0), offset, size);
  }
  writeConfig(): void {}
  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
  }
  notify(q: number): void {
    const ctx = this.ctx;
    if (!ctx || q !== 0) return;
    serveQueue(ctx, 0, (chain) => {
      // Cap a single request: a guest asking for gigabytes gets what fits in 64 KiB per chain.
      const bytes = new Uint8Array(Math.min(totalLength(chain.writable), 65536));
      this.entropy(bytes);
      return Math.max(0, writeToChain(ctx.mem, chain, 0, bytes));
    });
  }
  reset(): void {
    this.ctx = null;
  }
  getState() {
    return { stateVersion: 1 };
  }
}
