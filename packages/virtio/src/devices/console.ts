import { VIRTIO_ID_CONSOLE } from '../defs.js';
import { readConfigBytes, serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength, writeToChain } from '../queue/chain.js';

const RX = 0;
const TX = 1;

/**
 * virtio-console with a single port (virtio 1.2 §5.3): receiveq0 carries host input to the
 * guest, transmitq0 carries guest output to an injected sink. Linux names it hvc0.
 */
export class VirtioConsole implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_CONSOLE;
  readonly queueMaxSizes = [128, 128];
  readonly features = 0n;
  private ctx: DeviceContext | null = null;
  private pending: number[] = [];

  constructor(private readonly output: (bytes: Uint8Array) => void) {}

  /** Host input for the guest; delivered as soon as the guest has posted receive buffers. */
  pushInput(bytes: Uint8Array): void {
    for (const b of bytes) this.pending.push(b);
    this.deliver();
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    // cols, rows, max_nr_ports, emerg_wr: only meaningful with the features we do not offer.
    return readConfigBytes(new Uint8Array(12), offset, size);
  }
  writeConfig(): void {}
  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
    this.deliver();
  }
  reset(): void {
    this.ctx = null;
  }

  notify(q: number): void {
    if (q === TX) this.transmit();
    else if (q === RX) this.deliver();
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    serveQueue(ctx, TX, (chain) => {
      const data = readFromChain(ctx.mem, chain, 0, totalLength(chain.readable));
      if (!data) return 'virtio-console buffer outside guest RAM';
      if (data.length) this.output(data);
      return 0;
    });
  }

  private deliver(): void {
    const ctx = this.ctx;
    if (!ctx || this.pending.length === 0) return;
    const queue = ctx.queues[RX];
    if (!queue) return;
    let any = false;
    while (this.pending.length > 0) {
      const chain = queue.pop();
      if (!chain) break;
      const room = totalLength(chain.writable);
      const chunk = Uint8Array.from(this.pending.slice(0, room));
      const n = writeToChain(ctx.mem, chain, 0, chunk);
      if (n < 0) return ctx.fail('virtio-console buffer outside guest RAM');
      this.pending.splice(0, n);
      queue.pushUsed(chain.head, n);
      any = true;
    }
    if (any) ctx.signalUsed(RX);
  }

  getState() {
    return { stateVersion: 1, pending: [...this.pending] };
  }
}
