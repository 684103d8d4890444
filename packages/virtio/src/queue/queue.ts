import type { GuestMemory } from '../memory.js';
import type { DescriptorChain } from './chain.js';

/** Why a queue stopped: the driver broke a rule of virtio 1.2 §2.7 and the device needs a reset. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
}

/** The addresses and size the driver gave a queue through the transport. */
export interface QueueConfig {
  size: number;
  descAddr: number;
  driverAddr: number;
  deviceAddr: number;
  eventIdx: boolean;
  indirect: boolean;
}

/** A virtqueue as a device uses it, independent of the ring layout (split or packed). */
export interface Virtqueue {
  readonly config: QueueConfig;
  /** The next available chain, or null when the driver has offered none. Throws QueueError on a malformed ring. */
  pop(): DescriptorChain | null;
  /** Returns a chain to the driver with `len` bytes written into its writable buffers. */
  pushUsed(head: number, len: number): void;
  /** Whether the driver wants an interrupt for the used buffers pushed since the last call (event index or flags). */
  shouldNotify(): boolean;
  /** Plain data for snapshots. */
  getState(): QueueState;
}

export interface QueueState {
  stateVersion: 1;
  layout: 'split' | 'packed';
  config: QueueConfig;
  lastAvail: number;
  usedIdx: number;
  signalledUsed: number;
  /** packed layout only */
  wrap?: { avail: boolean; used: boolean };
}

/** A factory that builds a queue of one layout over guest memory. */
export type QueueFactory = (mem: GuestMemory, config: QueueConfig, state?: QueueState) => Virtqueue;
