import { readU16, readU32, readU64, writeU16, writeU32, type GuestMemory } from '../memory.js';
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from '../defs.js';
import type { Buffer, DescriptorChain } from './chain.js';
import { QueueError, type QueueConfig, type QueueState, type Virtqueue } from './queue.js';

// virtio 1.2 §2.8 Packed Virtqueues
const VIRTQ_DESC_F_AVAIL = 1 << 7;
const VIRTQ_DESC_F_USED = 1 << 15;
const RING_EVENT_FLAGS_ENABLE = 0;
const RING_EVENT_FLAGS_DISABLE = 1;
const RING_EVENT_FLAGS_DESC = 2;
const DESC_SIZE = 16;

/**
 * The packed virtqueue (virtio 1.2 §2.8): one descriptor ring that the driver and the
 * device both write, with wrap counters instead of indices. The driver area holds the
 * driver's event-suppression structure, the device area ours.
 */
export class PackedQueue implements Virtqueue {
  private nextAvail = 0;
  private availWrap = true;
  private nextUsed = 0;
  private usedWrap = true;
  /** Descriptors each outstanding buffer id occupies in the ring. */
  private readonly spans = new Map<number, number>();
  /** Position and wrap of the used ring when the driver was last signalled. */
  private signalled = { pos: 0, wrap: true };

  constructor(
    private readonly mem: GuestMemory,
    readonly config: QueueConfig,
    state?: QueueState,
  ) {
    if (state) {
      this.nextAvail = state.lastAvail;
      this.nextUsed = state.usedIdx;
      this.availWrap = state.wrap?.avail ?? true;
      this.usedWrap = state.wrap?.used ?? true;
    }
  }

  private desc(table: number, i: number) {
    const d = table + DESC_SIZE * i;
    const addr = readU64(this.mem, d);
    const len = readU32(this.mem, d + 8);
    const id = readU16(this.mem, d + 12);
    const flags = readU16(this.mem, d + 14);
    if (addr === null || len === null || id === null || flags === null) throw new QueueError(`descriptor ${i} lies outside guest RAM`);
    return { addr, len, id, flags };
  }

  private isAvail(flags: number, wrap: boolean): boolean {
    return ((flags & VIRTQ_DESC_F_AVAIL) !== 0) === wrap && ((flags & VIRTQ_DESC_F_USED) !== 0) !== wrap;
  }

  private addBuffer(chain: DescriptorChain, addr: number, len: number, flags: number): void {
    if (len > 0 && this.mem.slice(addr, len) === null) throw new QueueError(`buffer 0x${addr.toString(16)}+${len} lies outside guest RAM`);
    const buf: Buffer = { addr, len };
    if (flags & VIRTQ_DESC_F_WRITE) chain.writable.push(buf);
    else if (chain.writable.length > 0) throw new QueueError('device-readable buffer after a device-writable one');
    else chain.readable.push(buf);
  }

  pop(): DescriptorChain | null {
    const { size, descAddr } = this.config;
    let pos = this.nextAvail;
    let wrap = this.availWrap;
    const first = this.desc(descAddr, pos);
    if (!this.isAvail(first.flags, wrap)) return null;
    const chain: DescriptorChain = { head: 0, readable: [], writable: [] };
    let count = 0;
    for (;;) {
      const d = count === 0 ? first : this.desc(descAddr, pos);
      if (count > 0 && !this.isAvail(d.flags, wrap)) throw new QueueError('chain continues into a descriptor the driver has not made available');
      count++;
      if (count > size) throw new QueueError('descriptor chain is longer than the ring');
      if (d.flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.config.indirect) throw new QueueError('indirect descriptor without VIRTIO_F_INDIRECT_DESC');
        if (d.flags & VIRTQ_DESC_F_NEXT) throw new QueueError('descriptor has both INDIRECT and NEXT');
        if (d.len === 0 || d.len % DESC_SIZE !== 0) throw new QueueError(`indirect table length ${d.len} is not a multiple of 16`);
        for (let i = 0; i < d.len / DESC_SIZE; i++) {
          const e = this.desc(d.addr, i);
          if (e.flags & VIRTQ_DESC_F_INDIRECT) throw new QueueError('nested indirect descriptor table');
          this.addBuffer(chain, e.addr, e.len, e.flags);
        }
      } else {
        this.addBuffer(chain, d.addr, d.len, d.flags);
      }
      pos++;
      if (pos === size) {
        pos = 0;
        wrap = !wrap;
      }
      if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
        // §2.8.6: the buffer id is taken from the last descriptor of the chain.
        chain.head = d.id;
        break;
      }
    }
    if (this.spans.has(chain.head)) throw new QueueError(`buffer id ${chain.head} is already outstanding`);
    this.spans.set(chain.head, count);
    this.nextAvail = pos;
    this.availWrap = wrap;
    return chain;
  }

  pushUsed(head: number, len: number): void {
    const { size, descAddr } = this.config;
    const span = this.spans.get(head);
    if (span === undefined) throw new QueueError(`buffer id ${head} was not taken from the ring`);
    this.spans.delete(head);
    const d = descAddr + DESC_SIZE * this.nextUsed;
    // §2.8.5: a used descriptor has AVAIL and USED both equal to the device's used wrap counter;
    // the flags are written last, after id and len.
    const f = this.usedWrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0;
    if (!writeU32(this.mem, d + 8, len) || !writeU16(this.mem, d + 12, head) || !writeU16(this.mem, d + 14, f)) {
      throw new QueueError('descriptor ring lies outside guest RAM');
    }
    this.nextUsed += span;
    if (this.nextUsed >= size) {
      this.nextUsed -= size;
      this.usedWrap = !this.usedWrap;
    }
  }

  shouldNotify(): boolean {
    const { size, driverAddr } = this.config;
    const old = this.signalled;
    const now = { pos: this.nextUsed, wrap: this.usedWrap };
    this.signalled = now;
    if (old.pos === now.pos && old.wrap === now.wrap) return false;
    const offWrap = readU16(this.mem, driverAddr);
    const flags = readU16(this.mem, driverAddr + 2);
    if (offWrap === null || flags === null) throw new QueueError('driver event suppression area lies outside guest RAM');
    switch (flags & 3) {
      case RING_EVENT_FLAGS_ENABLE:
        return true;
      case RING_EVENT_FLAGS_DISABLE:
        return false;
      case RING_EVENT_FLAGS_DESC: {
        if (!this.config.eventIdx) return true;
        // Notify when the used position passed the driver's (offset, wrap) since the last signal.
        const lin = (pos: number, wrap: boolean) => pos + (wrap ? 0 : size);
        const event = lin(offWrap & 0x7fff, (offWrap & 0x8000) !== 0);
        const a = lin(old.pos, old.wrap);
        let b = lin(now.pos, now.wrap);
        if (b < a) b += 2 * size;
        const e = event < a ? event + 2 * size : event;
        return e >= a && e < b;
      }
      default:
        return true;
    }
  }

  getState(): QueueState {
    return {
      stateVersion: 1,
      layout: 'packed',
      config: { ...this.config },
      lastAvail: this.nextAvail,
      usedIdx: this.nextUsed,
      signalledUsed: this.signalled.pos,
      wrap: { avail: this.availWrap, used: this.usedWrap },
    };
  }
}

export const packedQueue = (mem: GuestMemory, config: QueueConfig, state?: QueueState): Virtqueue => new PackedQueue(mem, config, state);
