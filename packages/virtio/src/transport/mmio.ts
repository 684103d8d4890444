import * as D from '../defs.js';
import type { DeviceContext, IrqLine, VirtioDevice } from '../device.js';
import type { GuestMemory } from '../memory.js';
import { QueueError, type QueueConfig, type QueueFactory, type QueueState, type Virtqueue } from '../queue/queue.js';
import { splitQueue } from '../queue/split.js';
import { packedQueue } from '../queue/packed.js';

export interface MmioTransportOptions {
  /** Offer VIRTIO_F_RING_PACKED (off by default, as in QEMU). */
  packed?: boolean;
}

/** The bytes the MMIO register file occupies before the config space (virtio 1.2 §4.2.2). */
export const VIRTIO_MMIO_SIZE = 0x200;

export interface QueueRegs {
  num: number;
  ready: boolean;
  desc: number;
  driver: number;
  device: number;
}

const hi32 = (v: number) => Math.floor(v / 2 ** 32);
const setLo = (old: number, lo: number) => hi32(old) * 2 ** 32 + (lo >>> 0);
const setHi = (old: number, hi: number) => (hi >>> 0) * 2 ** 32 + (old % 2 ** 32);

export interface MmioTransportState {
  stateVersion: 1;
  status: number;
  interruptStatus: number;
  driverFeatures: string;
  deviceFeaturesSel: number;
  driverFeaturesSel: number;
  queueSel: number;
  configGeneration: number;
  queues: QueueRegs[];
  queueStates: (QueueState | null)[];
  device: ReturnType<VirtioDevice['getState']>;
}

/**
 * The virtio-mmio transport, version 2 (virtio 1.2 §4.2.2). It is an MMIO device:
 * `read(offset, size)` / `write(offset, size, value)`, with its interrupt on an injected line.
 *
 * Guest mistakes end in the architectural answer: odd-width or misaligned register
 * accesses read 0 and are ignored, a malformed queue sets DEVICE_NEEDS_RESET and raises
 * the configuration-change interrupt (§2.1.2), writes to read-only registers are ignored.
 */
export class VirtioMmioTransport {
  protected status = 0;
  private interruptStatus = 0;
  protected driverFeatures = 0n;
  protected deviceFeaturesSel = 0;
  protected driverFeaturesSel = 0;
  protected queueSel = 0;
  private configGeneration = 0;
  protected queueRegs: QueueRegs[];
  private queues: Virtqueue[] = [];
  protected readonly offered: bigint;

  constructor(
    readonly device: VirtioDevice,
    private readonly mem: GuestMemory,
    private readonly irq: IrqLine,
    options: MmioTransportOptions = {},
  ) {
    this.offered =
      device.features |
      (options.packed ? 1n << BigInt(D.VIRTIO_F_RING_PACKED) : 0n) |
      (1n << BigInt(D.VIRTIO_F_VERSION_1)) |
      (1n << BigInt(D.VIRTIO_F_EVENT_IDX)) |
      (1n << BigInt(D.VIRTIO_F_INDIRECT_DESC));
    this.queueRegs = device.queueMaxSizes.map(() => ({ num: 0, ready: false, desc: 0, driver: 0, device: 0 }));
  }

  /** Whether the device has entered DEVICE_NEEDS_RESET. */
  get needsReset(): boolean {
    return (this.status & D.VIRTIO_CONFIG_S_NEEDS_RESET) !== 0;
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (offset >= D.VIRTIO_MMIO_CONFIG) return this.device.readConfig(offset - D.VIRTIO_MMIO_CONFIG, size);
    // §4.2.2.2: the driver MUST use 32-bit wide, aligned accesses for the registers.
    if (size !== 4 || offset % 4 !== 0) return 0;
    const q = this.queueRegs[this.queueSel];
    switch (offset) {
      case D.VIRTIO_MMIO_MAGIC_VALUE: return D.VIRTIO_MMIO_MAGIC;
      case D.VIRTIO_MMIO_VERSION: return 2;
      case D.VIRTIO_MMIO_DEVICE_ID: return this.device.deviceId;
      case D.VIRTIO_MMIO_VENDOR_ID: return 0x56535354; // "TSSV"
      case D.VIRTIO_MMIO_DEVICE_FEATURES:
        return this.deviceFeaturesSel > 1 ? 0 : Number((this.offered >> BigInt(32 * this.deviceFeaturesSel)) & 0xffffffffn);
      case D.VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? this.device.queueMaxSizes[this.queueSel]! : 0;
      case D.VIRTIO_MMIO_QUEUE_READY: return q?.ready ? 1 : 0;
      case D.VIRTIO_MMIO_INTERRUPT_STATUS: return this.interruptStatus;
      case D.VIRTIO_MMIO_STATUS: return this.status;
      case D.VIRTIO_MMIO_QUEUE_DESC_LOW: return q ? q.desc % 2 ** 32 : 0;
      case D.VIRTIO_MMIO_QUEUE_DESC_HIGH: return q ? hi32(q.desc) : 0;
      case D.VIRTIO_MMIO_QUEUE_AVAIL_LOW: return q ? q.driver % 2 ** 32 : 0;
      case D.VIRTIO_MMIO_QUEUE_AVAIL_HIGH: return q ? hi32(q.driver) : 0;
      case D.VIRTIO_MMIO_QUEUE_USED_LOW: return q ? q.device % 2 ** 32 : 0;
      case D.VIRTIO_MMIO_QUEUE_USED_HIGH: return q ? hi32(q.device) : 0;
      case D.VIRTIO_MMIO_SHM_LEN_LOW:
      case D.VIRTIO_MMIO_SHM_LEN_HIGH:
        return 0xffffffff; // no shared-memory regions: length -1 (§4.2.2)
      case D.VIRTIO_MMIO_CONFIG_GENERATION: return this.configGeneration;
      default: return 0;
    }
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (offset >= D.VIRTIO_MMIO_CONFIG) {
      this.device.writeConfig(offset - D.VIRTIO_MMIO_CONFIG, size, value);
      return;
    }
    if (size !== 4 || offset % 4 !== 0) return;
    value >>>= 0;
    const q = this.queueRegs[this.queueSel];
    // Queue layout registers may change only while the queue is not ready (§4.2.2.3).
    const editable = q !== undefined && !q.ready;
    switch (offset) {
      case D.VIRTIO_MMIO_DEVICE_FEATURES_SEL: this.deviceFeaturesSel = value; break;
      case D.VIRTIO_MMIO_DRIVER_FEATURES_SEL: this.driverFeaturesSel = value; break;
      case D.VIRTIO_MMIO_DRIVER_FEATURES:
        if (this.driverFeaturesSel <= 1 && !(this.status & D.VIRTIO_CONFIG_S_FEATURES_OK)) {
          const shift = BigInt(32 * this.driverFeaturesSel);
          this.driverFeatures = (this.driverFeatures & ~(0xffffffffn << shift)) | (BigInt(value) << shift);
        }
        break;
      case D.VIRTIO_MMIO_QUEUE_SEL: this.queueSel = value; break;
      case D.VIRTIO_MMIO_QUEUE_NUM:
        if (editable) q.num = value;
        break;
      case D.VIRTIO_MMIO_QUEUE_READY:
        if (q) this.setQueueReady(value & 1);
        break;
      case D.VIRTIO_MMIO_QUEUE_NOTIFY:
        this.notify(value & 0xffff);
        break;
      case D.VIRTIO_MMIO_INTERRUPT_ACK:
        this.interruptStatus &= ~value;
        this.updateIrq();
        break;
      case D.VIRTIO_MMIO_STATUS: this.writeStatus(value & 0xff); break;
      case D.VIRTIO_MMIO_QUEUE_DESC_LOW: if (editable) q.desc = setLo(q.desc, value); break;
      case D.VIRTIO_MMIO_QUEUE_DESC_HIGH: if (editable) q.desc = setHi(q.desc, value); break;
      case D.VIRTIO_MMIO_QUEUE_AVAIL_LOW: if (editable) q.driver = setLo(q.driver, value); break;
      case D.VIRTIO_MMIO_QUEUE_AVAIL_HIGH: if (editable) q.driver = setHi(q.driver, value); break;
      case D.VIRTIO_MMIO_QUEUE_USED_LOW: if (editable) q.device = setLo(q.device, value); break;
      case D.VIRTIO_MMIO_QUEUE_USED_HIGH: if (editable) q.device = setHi(q.device, value); break;
      case D.VIRTIO_MMIO_QUEUE_RESET:
        if (q && value === 1) {
          q.ready = false;
          this.queues[this.queueSel] = undefined as unknown as Virtqueue;
        }
        break;
      default: break;
    }
  }

  private setQueueReady(ready: number): void {
    const q = this.queueRegs[this.queueSel]!;
    if (!ready) {
      q.ready = false;
      return;
    }
    const max = this.device.queueMaxSizes[this.queueSel]!;
    // §2.7: queue size must be a power of 2 no larger than QueueNumMax; alignment of the areas (§2.7.2).
    // Split rings need a power-of-2 size (§2.7); packed rings any size up to the maximum (§2.8).
    const packed = ((this.driverFeatures >> BigInt(D.VIRTIO_F_RING_PACKED)) & 1n) === 1n;
    const okSize = q.num > 0 && q.num <= max && (packed || (q.num & (q.num - 1)) === 0);
    const aligned = q.desc % 16 === 0 && q.driver % (packed ? 4 : 2) === 0 && q.device % 4 === 0;
    if (!okSize || !aligned) {
      this.fail(`queue ${this.queueSel}: bad size ${q.num} or misaligned rings`);
      return;
    }
    q.ready = true;
  }

  protected writeStatus(value: number): void {
    if (value === 0) {
      this.reset();
      return;
    }
    const old = this.status;
    let next = value | (old & D.VIRTIO_CONFIG_S_NEEDS_RESET);
    if (value & D.VIRTIO_CONFIG_S_FEATURES_OK && !(old & D.VIRTIO_CONFIG_S_FEATURES_OK)) {
      // §2.2.2: the device refuses features it did not offer, and a modern driver must accept VERSION_1.
      const unknown = this.driverFeatures & ~this.offered;
      const v1 = (this.driverFeatures >> BigInt(D.VIRTIO_F_VERSION_1)) & 1n;
      if (unknown !== 0n || v1 === 0n) next &= ~D.VIRTIO_CONFIG_S_FEATURES_OK;
    }
    this.status = next;
    if (next & D.VIRTIO_CONFIG_S_DRIVER_OK && !(old & D.VIRTIO_CONFIG_S_DRIVER_OK)) this.activate();
  }

  protected activate(): void {
    this.queues = this.queueRegs.map((_, i) => this.makeQueue(i));
    this.device.activate(this.context());
  }

  private makeQueue(i: number): Virtqueue {
    const r = this.queueRegs[i]!;
    const has = (bit: number) => ((this.driverFeatures >> BigInt(bit)) & 1n) === 1n;
    const config: QueueConfig = {
      size: r.num,
      descAddr: r.desc,
      driverAddr: r.driver,
      deviceAddr: r.device,
      eventIdx: has(D.VIRTIO_F_EVENT_IDX),
      indirect: has(D.VIRTIO_F_INDIRECT_DESC),
    };
    return (has(D.VIRTIO_F_RING_PACKED) ? packedQueue : splitQueue)(this.mem, config);
  }

  private context(): DeviceContext {
    return {
      mem: this.mem,
      queues: this.queues,
      features: this.driverFeatures,
      signalUsed: (q) => this.signalUsed(q),
      configChanged: () => this.configChanged(),
      fail: (reason) => this.fail(reason),
    };
  }

  private notify(q: number): void {
    if (!(this.status & D.VIRTIO_CONFIG_S_DRIVER_OK) || this.needsReset) return;
    if (!this.queueRegs[q]?.ready) return;
    try {
      this.device.notify(q);
    } catch (e) {
      if (e instanceof QueueError) this.fail(e.message);
      else throw e;
    }
  }

  private signalUsed(q: number): void {
    const queue = this.queues[q];
    if (!queue) return;
    let notify: boolean;
    try {
      notify = queue.shouldNotify();
    } catch (e) {
      if (e instanceof QueueError) return this.fail(e.message);
      throw e;
    }
    if (notify) {
      this.interruptStatus |= D.VIRTIO_MMIO_INT_VRING;
      this.updateIrq();
    }
  }

  private configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) >>> 0;
    this.interruptStatus |= D.VIRTIO_MMIO_INT_CONFIG;
    this.updateIrq();
  }

  /** §2.1.2: on an unrecoverable driver error, set DEVICE_NEEDS_RESET and notify a config change. */
  private fail(reason: string): void {
    this.lastError = reason;
    if (this.status & D.VIRTIO_CONFIG_S_DRIVER_OK) this.device.reset();
    this.status |= D.VIRTIO_CONFIG_S_NEEDS_RESET;
    this.configChanged();
  }

  /** The reason for the last DEVICE_NEEDS_RESET, for logs. */
  lastError: string | null = null;

  protected reset(): void {
    this.device.reset();
    this.status = 0;
    this.interruptStatus = 0;
    this.driverFeatures = 0n;
    this.deviceFeaturesSel = 0;
    this.driverFeaturesSel = 0;
    this.queueSel = 0;
    this.queues = [];
    this.lastError = null;
    for (const q of this.queueRegs) Object.assign(q, { num: 0, ready: false, desc: 0, driver: 0, device: 0 });
    this.updateIrq();
  }

  private updateIrq(): void {
    this.irq.set(this.interruptStatus !== 0);
  }

  /**
   * Restores registers and queue positions saved by getState() into this transport (built
   * over the same device type and guest memory); a live device is re-activated on its queues.
   */
  restoreState(state: MmioTransportState): void {
    if (state.stateVersion !== 1) throw new Error(`virtio-mmio: unknown state version ${String(state.stateVersion)}`);
    this.status = state.status;
    this.interruptStatus = state.interruptStatus;
    this.driverFeatures = BigInt(state.driverFeatures);
    this.deviceFeaturesSel = state.deviceFeaturesSel;
    this.driverFeaturesSel = state.driverFeaturesSel;
    this.queueSel = state.queueSel;
    this.configGeneration = state.configGeneration;
    this.queueRegs = state.queues.map((q) => ({ ...q }));
    this.device.restoreState?.(state.device);
    if (this.status & D.VIRTIO_CONFIG_S_DRIVER_OK) {
      this.queues = this.queueRegs.map((_, i) => {
        const qs = state.queueStates[i];
        return qs ? (qs.layout === 'packed' ? packedQueue : splitQueue)(this.mem, qs.config, qs) : this.makeQueue(i);
      });
      this.device.activate(this.context());
    }
    this.updateIrq();
  }

  getState(): MmioTransportState {
    return {
      stateVersion: 1,
      status: this.status,
      interruptStatus: this.interruptStatus,
      driverFeatures: this.driverFeatures.toString(),
      deviceFeaturesSel: this.deviceFeaturesSel,
      driverFeaturesSel: this.driverFeaturesSel,
      queueSel: this.queueSel,
      configGeneration: this.configGeneration,
      queues: this.queueRegs.map((q) => ({ ...q })),
      queueStates: this.queueRegs.map((_, i) => this.queues[i]?.getState() ?? null),
      device: this.device.getState(),
    };
  }
}
