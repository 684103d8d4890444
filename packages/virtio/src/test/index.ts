/**
 * Test doubles shipped with the package (`@tsvisor/virtio/test`): a guest driver that
 * speaks virtio-mmio to a transport and lays out split queues in a flat guest RAM, the
 * way Linux's virtio_mmio and virtio_ring do.
 */
import * as D from '../defs.js';
import { FlatGuestMemory } from '../memory.js';
import { VirtioMmioTransport } from '../transport/mmio.js';
import { VirtioMmioLegacyTransport } from '../transport/mmio-legacy.js';
import type { IrqLine, VirtioDevice } from '../device.js';

export interface TestBuffer {
  /** Bytes the device reads (omit for a device-writable buffer). */
  data?: Uint8Array;
  /** Length of a device-writable buffer. */
  writable?: number;
}

export class RecordingIrq implements IrqLine {
  level = false;
  raised = 0;
  set(level: boolean): void {
    if (level && !this.level) this.raised++;
    this.level = level;
  }
}

const RAM_BASE = 0x8000_0000;

/** A guest driver for one device on a virtio-mmio transport. */
export class MockDriver {
  readonly ram: Uint8Array;
  readonly mem: FlatGuestMemory;
  readonly irq = new RecordingIrq();
  transport: VirtioMmioTransport;
  private heap = 0x10000;
  private queues: { size: number; desc: number; avail: number; used: number; freeHead: number; availIdx: number; lastUsed: number }[] = [];

  constructor(device: VirtioDevice, opts: { ramSize?: number; legacy?: boolean } = {}) {
    this.ram = new Uint8Array(opts.ramSize ?? 1 << 20);
    this.mem = new FlatGuestMemory(RAM_BASE, this.ram);
    this.transport = opts.legacy
      ? new VirtioMmioLegacyTransport(device, this.mem, this.irq)
      : new VirtioMmioTransport(device, this.mem, this.irq);
  }

  /** The legacy (version 1) initialisation: no FEATURES_OK, queues placed by page frame number (§4.2.4). */
  initLegacy(queueSize = 16): void {
    this.setReg(D.VIRTIO_MMIO_STATUS, 0);
    this.setReg(D.VIRTIO_MMIO_STATUS, D.VIRTIO_CONFIG_S_ACKNOWLEDGE | D.VIRTIO_CONFIG_S_DRIVER);
    this.setReg(D.VIRTIO_MMIO_GUEST_PAGE_SIZE, 4096);
    for (let q = 0; ; q++) {
      this.setReg(D.VIRTIO_MMIO_QUEUE_SEL, q);
      const max = this.reg(D.VIRTIO_MMIO_QUEUE_NUM_MAX);
      if (max === 0) break;
      const size = Math.min(max, queueSize);
      const desc = this.alloc(16 * size + 6 + 2 * size + 4096 + 6 + 8 * size, 4096);
      const avail = desc + 16 * size;
      const used = Math.ceil((avail + 6 + 2 * size) / 4096) * 4096;
      this.setReg(D.VIRTIO_MMIO_QUEUE_NUM, size);
      this.setReg(D.VIRTIO_MMIO_QUEUE_ALIGN, 4096);
      this.setReg(D.VIRTIO_MMIO_QUEUE_PFN, desc / 4096);
      this.queues.push({ size, desc, avail, used, freeHead: 0, availIdx: 0, lastUsed: 0 });
    }
    this.setReg(D.VIRTIO_MMIO_STATUS, D.VIRTIO_CONFIG_S_ACKNOWLEDGE | D.VIRTIO_CONFIG_S_DRIVER | D.VIRTIO_CONFIG_S_DRIVER_OK);
  }

  reg(off: number): number {
    return this.transport.read(off, 4);
  }
  setReg(off: number, v: number): void {
    this.transport.write(off, 4, v);
  }
  status(): number {
    return this.reg(D.VIRTIO_MMIO_STATUS);
  }

  alloc(len: number, align = 16): number {
    this.heap = Math.ceil(this.heap / align) * align;
    const addr = RAM_BASE + this.heap;
    this.heap += len;
    if (this.heap > this.ram.length) throw new Error('mock driver out of RAM');
    return addr;
  }
  view(addr: number, len: number): Uint8Array {
    return this.ram.subarray(addr - RAM_BASE, addr - RAM_BASE + len);
  }
  private dv(): DataView {
    return new DataView(this.ram.buffer, this.ram.byteOffset, this.ram.byteLength);
  }

  /** The driver initialisation sequence of §3.1.1, with `features` accepted (VERSION_1 always). */
  init(opts: { features?: bigint; queueSize?: number; eventIdx?: boolean; indirect?: boolean } = {}): void {
    this.setReg(D.VIRTIO_MMIO_STATUS, 0);
    this.setReg(D.VIRTIO_MMIO_STATUS, D.VIRTIO_CONFIG_S_ACKNOWLEDGE);
    this.setReg(D.VIRTIO_MMIO_STATUS, D.VIRTIO_CONFIG_S_ACKNOWLEDGE | D.VIRTIO_CONFIG_S_DRIVER);
    let feat = (opts.features ?? 0n) | (1n << BigInt(D.VIRTIO_F_VERSION_1));
    if (opts.eventIdx) feat |= 1n << BigInt(D.VIRTIO_F_EVENT_IDX);
    if (opts.indirect) feat |= 1n << BigInt(D.VIRTIO_F_INDIRECT_DESC);
    for (const sel of [0, 1]) {
      this.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
      this.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES, Number((feat >> BigInt(32 * sel)) & 0xffffffffn));
    }
    const s = D.VIRTIO_CONFIG_S_ACKNOWLEDGE | D.VIRTIO_CONFIG_S_DRIVER | D.VIRTIO_CONFIG_S_FEATURES_OK;
    this.setReg(D.VIRTIO_MMIO_STATUS, s);
    if (!(this.status() & D.VIRTIO_CONFIG_S_FEATURES_OK)) throw new Error('device refused features');
    for (let q = 0; ; q++) {
      this.setReg(D.VIRTIO_MMIO_QUEUE_SEL, q);
      const max = this.reg(D.VIRTIO_MMIO_QUEUE_NUM_MAX);
      if (max === 0) break;
      const size = Math.min(max, opts.queueSize ?? 16);
      const desc = this.alloc(16 * size, 16);
      const avail = this.alloc(6 + 2 * size, 2);
      const used = this.alloc(6 + 8 * size, 4);
      this.setReg(D.VIRTIO_MMIO_QUEUE_NUM, size);
      this.setReg(D.VIRTIO_MMIO_QUEUE_DESC_LOW, desc % 2 ** 32);
      this.setReg(D.VIRTIO_MMIO_QUEUE_DESC_HIGH, Math.floor(desc / 2 ** 32));
      this.setReg(D.VIRTIO_MMIO_QUEUE_AVAIL_LOW, avail % 2 ** 32);
      this.setReg(D.VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
      this.setReg(D.VIRTIO_MMIO_QUEUE_USED_LOW, used % 2 ** 32);
      this.setReg(D.VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
      this.setReg(D.VIRTIO_MMIO_QUEUE_READY, 1);
      this.queues.push({ size, desc, avail, used, freeHead: 0, availIdx: 0, lastUsed: 0 });
    }
    this.setReg(D.VIRTIO_MMIO_STATUS, s | D.VIRTIO_CONFIG_S_DRIVER_OK);
  }

  /** Raw access to a queue's descriptor table, for tests that build malformed chains. */
  writeDesc(q: number, idx: number, addr: number, len: number, flags: number, next: number): void {
    const dv = this.dv();
    const at = this.queues[q]!.desc - RAM_BASE + 16 * idx;
    dv.setBigUint64(at, BigInt(addr), true);
    dv.setUint32(at + 8, len, true);
    dv.setUint16(at + 12, flags, true);
    dv.setUint16(at + 14, next, true);
  }

  /** Puts descriptor `head` on the available ring and notifies (unless `notify` is false). */
  publish(q: number, head: number, notify = true): void {
    const queue = this.queues[q]!;
    const dv = this.dv();
    dv.setUint16(queue.avail - RAM_BASE + 4 + 2 * (queue.availIdx % queue.size), head, true);
    queue.availIdx = (queue.availIdx + 1) & 0xffff;
    dv.setUint16(queue.avail - RAM_BASE + 2, queue.availIdx, true);
    if (notify) this.setReg(D.VIRTIO_MMIO_QUEUE_NOTIFY, q);
  }

  /** Offers a chain of buffers on queue q; returns the guest addresses of the buffers. */
  submit(q: number, bufs: TestBuffer[], notify = true): number[] {
    const queue = this.queues[q]!;
    const head = queue.freeHead;
    const addrs: number[] = [];
    bufs.forEach((b, i) => {
      const len = b.data ? b.data.length : b.writable!;
      const addr = this.alloc(Math.max(len, 1), 8);
      if (b.data) this.view(addr, len).set(b.data);
      const idx = (head + i) % queue.size;
      const last = i === bufs.length - 1;
      const flags = (last ? 0 : D.VIRTQ_DESC_F_NEXT) | (b.data ? 0 : D.VIRTQ_DESC_F_WRITE);
      this.writeDesc(q, idx, addr, len, flags, (idx + 1) % queue.size);
      addrs.push(addr);
    });
    queue.freeHead = (head + bufs.length) % queue.size;
    this.publish(q, head, notify);
    return addrs;
  }

  /** Used elements returned since the last call: [{ id, len }]. */
  takeUsed(q: number): { id: number; len: number }[] {
    const queue = this.queues[q]!;
    const dv = this.dv();
    const idx = dv.getUint16(queue.used - RAM_BASE + 2, true);
    const out: { id: number; len: number }[] = [];
    while (queue.lastUsed !== idx) {
      const at = queue.used - RAM_BASE + 4 + 8 * (queue.lastUsed % queue.size);
      out.push({ id: dv.getUint32(at, true), len: dv.getUint32(at + 4, true) });
      queue.lastUsed = (queue.lastUsed + 1) & 0xffff;
    }
    return out;
  }

  /** Writes used_event (event-index feature) for queue q. */
  setUsedEvent(q: number, value: number): void {
    const queue = this.queues[q]!;
    this.dv().setUint16(queue.avail - RAM_BASE + 4 + 2 * queue.size, value, true);
  }
}
