import type { GuestMemory } from './memory.js';
import type { Virtqueue } from './queue/queue.js';
import type { DescriptorChain } from './queue/chain.js';

/** An interrupt line driven by a device (level-triggered). */
export interface IrqLine {
  set(level: boolean): void;
}

/** What a device gets from its transport once the driver has set DRIVER_OK. */
export interface DeviceContext {
  readonly mem: GuestMemory;
  readonly queues: readonly Virtqueue[];
  /** The features both sides agreed on (virtio 1.2 §2.2). */
  readonly features: bigint;
  /** Tells the driver about used buffers on queue `q` (interrupt if the driver wants one). */
  signalUsed(q: number): void;
  /** Tells the driver the configuration space changed. */
  configChanged(): void;
  /** The driver broke the protocol: the device enters DEVICE_NEEDS_RESET (§2.1.2). */
  fail(reason: string): void;
}

/**
 * A virtio device, independent of its transport (virtio-mmio, PCI): it sees only its
 * queues, guest memory and its configuration space.
 */
export interface VirtioDevice {
  readonly deviceId: number;
  /** Maximum size of each queue; the length is the number of queues. */
  readonly queueMaxSizes: readonly number[];
  /** Device-specific feature bits offered (the transport adds VERSION_1, EVENT_IDX, INDIRECT_DESC). */
  readonly features: bigint;
  /** Device configuration space (§4.2.2 Config at 0x100 for MMIO). Returns the value zero-extended. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  activate(ctx: DeviceContext): void;
  /** The driver notified queue `q`. */
  notify(q: number): void;
  /** The driver reset the device (status 0): drop every reference to guest memory. */
  reset(): void;
  /** Device-specific plain state for snapshots. */
  getState(): { stateVersion: number; [key: string]: unknown };
  /** Restores what getState() returned (before the transport re-activates the device). */
  restoreState?(state: { stateVersion: number; [key: string]: unknown }): void;
}

/** Reads a little-endian field of `size` bytes at `offset` from a config-space byte image. */
export function readConfigBytes(bytes: Uint8Array, offset: number, size: number): number {
  if (offset < 0 || offset + size > bytes.length) return 0;
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[offset + i]!;
  return v >>> 0;
}

/**
 * Serves every chain the driver offered on queue `q`: `handle` returns the bytes it wrote
 * into the chain's writable buffers, or a string saying why the chain is unusable (the
 * device then enters DEVICE_NEEDS_RESET). The driver is signalled once for the batch.
 */
export function serveQueue(ctx: DeviceContext, q: number, handle: (chain: DescriptorChain) => number | string): void {
  const queue = ctx.queues[q];
  if (!queue) return;
  let any = false;
  for (let chain = queue.pop(); chain; chain = queue.pop()) {
    const written = handle(chain);
    if (typeof written === 'string') return ctx.fail(written);
    queue.pushUsed(chain.head, written);
    any = true;
  }
  if (any) ctx.signalUsed(q);
}
