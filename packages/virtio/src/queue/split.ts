import { readU16, readU32, readU64, writeU16, writeU32, type GuestMemory } from '../memory.js';
import { VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from '../defs.js';
import type { Buffer, DescriptorChain } from './chain.js';
import { QueueError, type QueueConfig, type QueueState, type Virtqueue } from './queue.js';

const DESC_SIZE = 16;

/**
 * The split virtqueue (virtio 1.2 §2.7): descriptor table, available ring (driver area)
 * and used ring (device area) in guest memory.
 *
 * Every rule a driver can break ends in a QueueError (and so in DEVICE_NEEDS_RESET at the
 * transport): indices past the queue size, chains longer than the queue (loops), buffers
 * outside guest RAM, a readable buffer after a writable one, nested indirect tables,
 * INDIRECT together with NEXT, indirect tables whose length is not a multiple of 16.
 */
export class SplitQueue implements Virtqueue {
  private lastAvail = 0;
  private usedIdx = 0;
  private signalledUsed = 0;

  constructor(
    private readonly mem: GuestMemory,
    readonly config: QueueConfig,
    state?: QueueState,
  ) {
    if (state) {
      this.lastAvail = state.lastAvail;
      this.usedIdx = state.usedIdx;
      this.signalledUsed = state.signalledUsed;
    }
  }

  private u16(addr: number): number {
    const v = readU16(this.mem, addr);
    if (v === null) throw new QueueError(`ring address 0x${addr.toString(16)} is outside guest RAM`);
    return v;
  }

  pop(): DescriptorChain | null {
    const { size, driverAddr } = this.config;
    const availIdx = this.u16(driverAddr + 2);
    const pending = (availIdx - this.lastAvail) & 0xffff;
    if (pending === 0) return null;
    if (pending > size) throw new QueueError(`available index moved by ${pending}, more than the queue size ${size}`);
    const head = this.u16(driverAddr + 4 + 2 * (this.lastAvail % size));
    if (head >= size) throw new QueueError(`available ring names descriptor ${head}, queue size is ${size}`);
    const chain = this.walk(head);
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    if (this.config.eventIdx) {
      // used_event-style hint for the driver: avail_event tells it where we are (§2.7.10).
      writeU16(this.mem, this.config.deviceAddr + 4 + 8 * size, this.lastAvail);
    }
    return chain;
  }

  private walk(head: number): DescriptorChain {
    const { size, descAddr } = this.config;
    const chain: DescriptorChain = { head, readable: [], writable: [] };
    let table = descAddr;
    let tableSize = size;
    let idx = head;
    let inIndirect = false;
    let count = 0;
    for (;;) {
      const d = table + DESC_SIZE * idx;
      const addr = readU64(this.mem, d);
      const len = readU32(this.mem, d + 8);
      const flags = readU16(this.mem, d + 12);
      const next = readU16(this.mem, d + 14);
      if (addr === null || len === null || flags === null || next === null) {
        throw new QueueError(`descriptor ${idx} lies outside guest RAM`);
      }
      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.config.indirect) throw new QueueError('indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (inIndirect) throw new QueueError('nested indirect descriptor table');
        if (flags & VIRTQ_DESC_F_NEXT) throw new QueueError('descriptor has both INDIRECT and NEXT');
        if (len === 0 || len % DESC_SIZE !== 0) throw new QueueError(`indirect table length ${len} is not a multiple of 16`);
        if (this.mem.slice(addr, len) === null) throw new QueueError('indirect table lies outside guest RAM');
        table = addr;
        tableSize = len / DESC_SIZE;
        idx = 0;
        inIndirect = true;
        count = 0;
        continue;
      }
      if (++count > tableSize) throw new QueueError('descriptor chain is longer than its table (a loop)');
      if (len > 0 && this.mem.slice(addr, len) === null) {
        throw new QueueError(`buffer 0x${addr.toString(16)}+${len} lies outside guest RAM`);
      }
      const buf: Buffer = { addr, len };
      if (flags & VIRTQ_DESC_F_WRITE) chain.writable.push(buf);
      else if (chain.writable.length > 0) throw new QueueError('device-readable buffer after a device-writable one');
      else chain.readable.push(buf);
      if (!(flags & VIRTQ_DESC_F_NEXT)) return chain;
      if (next >= tableSize) throw new QueueError(`next index ${next} is past the table size ${tableSize}`);
      idx = next;
    }
  }

  pushUsed(head: number, len: number): void {
    const { size, deviceAddr } = this.config;
    const slot = deviceAddr + 4 + 8 * (this.usedIdx % size);
    if (!writeU32(this.mem, slot, head) || !writeU32(this.mem, slot + 4, len)) {
      throw new QueueError('used ring lies outside guest RAM');
    }
    this.usedIdx = (this.usedIdx + 1) & 0xffff;
    // The index is published after the element (§2.7.8.2); JS stores are in program order.
    if (!writeU16(this.mem, deviceAddr + 2, this.usedIdx)) throw new QueueError('used ring lies outside guest RAM');
  }

  shouldNotify(): boolean {
    const { size, driverAddr } = this.config;
    const old = this.signalledUsed;
    const now = this.usedIdx;
    this.signalledUsed = now;
    if (old === now) return false;
    if (this.config.eventIdx) {
      // §2.7.10: notify when used_event lies in [old, now).
      const usedEvent = this.u16(driverAddr + 4 + 2 * size);
      return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    return (this.u16(driverAddr) & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  getState(): QueueState {
    return {
      stateVersion: 1,
      layout: 'split',
      config: { ...this.config },
      lastAvail: this.lastAvail,
      usedIdx: this.usedIdx,
      signalledUsed: this.signalledUsed,
    };
  }
}

export const splitQueue = (mem: GuestMemory, config: QueueConfig, state?: QueueState): Virtqueue =>
  new SplitQueue(mem, config, state);
