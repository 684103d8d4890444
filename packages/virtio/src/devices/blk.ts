import * as D from '../defs.js';
import { readConfigBytes, serveQueue, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength, writeToChain, type DescriptorChain } from '../queue/chain.js';
import type { BlockBackend } from './blk-backend.js';

export interface VirtioBlkOptions {
  readOnly?: boolean;
  /** Up to 20 bytes returned by VIRTIO_BLK_T_GET_ID. */
  serial?: string;
  queueSize?: number;
}

const SEG_MAX = 126;
const MAX_DISCARD_SECTORS = 0x3fffff;
const HEADER = 16;

/**
 * virtio-blk (virtio 1.2 §5.2): read, write, flush, discard, write-zeroes and get-id over a
 * synchronous backend. Each request's status byte is the last byte of its writable buffers.
 */
export class VirtioBlk implements VirtioDevice {
  readonly deviceId = D.VIRTIO_ID_BLOCK;
  readonly queueMaxSizes: number[];
  readonly features: bigint;
  private readonly config: Uint8Array;
  private ctx: DeviceContext | null = null;
  private readonly readOnly: boolean;
  private readonly serial: Uint8Array;
  /** Counters a VMM can print (kvm_stat-like). */
  readonly stats = { reads: 0, writes: 0, flushes: 0, bytesRead: 0, bytesWritten: 0, errors: 0 };

  constructor(
    private readonly backend: BlockBackend,
    options: VirtioBlkOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.queueMaxSizes = [options.queueSize ?? 256];
    // The id is an ASCII string, NUL-padded to 20 bytes (§5.2.6); other characters become '?'.
    this.serial = Uint8Array.from((options.serial ?? 'tsvisor-blk').slice(0, D.VIRTIO_BLK_ID_BYTES), (c) => {
      const code = c.charCodeAt(0);
      return code >= 0x20 && code < 0x7f ? code : 0x3f;
    });
    let f =
      (1n << BigInt(D.VIRTIO_BLK_F_SEG_MAX)) |
      (1n << BigInt(D.VIRTIO_BLK_F_BLK_SIZE)) |
      (1n << BigInt(D.VIRTIO_BLK_F_FLUSH));
    if (this.readOnly) f |= 1n << BigInt(D.VIRTIO_BLK_F_RO);
    else f |= (1n << BigInt(D.VIRTIO_BLK_F_DISCARD)) | (1n << BigInt(D.VIRTIO_BLK_F_WRITE_ZEROES));
    this.features = f;
    // struct virtio_blk_config (§5.2.4), little-endian.
    this.config = new Uint8Array(64);
    const dv = new DataView(this.config.buffer);
    dv.setBigUint64(0, BigInt(Math.floor(backend.size / D.VIRTIO_BLK_SECTOR_SIZE)), true); // capacity
    dv.setUint32(12, SEG_MAX, true); // seg_max
    dv.setUint32(20, D.VIRTIO_BLK_SECTOR_SIZE, true); // blk_size
    dv.setUint32(36, MAX_DISCARD_SECTORS, true); // max_discard_sectors
    dv.setUint32(40, 1, true); // max_discard_seg
    dv.setUint32(44, 1, true); // discard_sector_alignment
    dv.setUint32(48, MAX_DISCARD_SECTORS, true); // max_write_zeroes_sectors
    dv.setUint32(52, 1, true); // max_write_zeroes_seg
    dv.setUint8(56, 0); // write_zeroes_may_unmap
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }
  writeConfig(): void {
    // Only `writeback` is writable, and only with CONFIG_WCE, which we do not offer.
  }
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
      const written = this.handle(ctx, chain);
      return written < 0 ? 'virtio-blk request without a header or a status byte' : written;
    });
  }

  /** Runs one request; returns the bytes written to the guest (status included), or -1 for a malformed chain. */
  private handle(ctx: DeviceContext, chain: DescriptorChain): number {
    const header = readFromChain(ctx.mem, chain, 0, HEADER);
    const writableLen = totalLength(chain.writable);
    if (!header || header.length < HEADER || writableLen < 1) return -1;
    const hv = new DataView(header.buffer, header.byteOffset, HEADER);
    const type = hv.getUint32(0, true);
    const sector = Number(hv.getBigUint64(8, true));
    const statusAt = writableLen - 1;
    const finish = (status: number, dataLen: number): number => {
      if (status !== D.VIRTIO_BLK_S_OK) this.stats.errors++;
      if (writeToChain(ctx.mem, chain, statusAt, Uint8Array.of(status)) !== 1) return -1;
      return dataLen + 1;
    };
    const inRange = (bytes: number) =>
      Number.isSafeInteger(sector * D.VIRTIO_BLK_SECTOR_SIZE) && sector * D.VIRTIO_BLK_SECTOR_SIZE + bytes <= this.backend.size;

    switch (type) {
      case D.VIRTIO_BLK_T_IN: {
        const len = statusAt;
        if (len % D.VIRTIO_BLK_SECTOR_SIZE !== 0 || !inRange(len)) return finish(D.VIRTIO_BLK_S_IOERR, 0);
        const data = new Uint8Array(len);
        this.backend.read(sector * D.VIRTIO_BLK_SECTOR_SIZE, data);
        if (writeToChain(ctx.mem, chain, 0, data) !== len) return -1;
        this.stats.reads++;
        this.stats.bytesRead += len;
        return finish(D.VIRTIO_BLK_S_OK, len);
      }
      case D.VIRTIO_BLK_T_OUT: {
        if (this.readOnly) return finish(D.VIRTIO_BLK_S_IOERR, 0);
        const len = totalLength(chain.readable) - HEADER;
        if (len % D.VIRTIO_BLK_SECTOR_SIZE !== 0 || !inRange(len)) return finish(D.VIRTIO_BLK_S_IOERR, 0);
        const data = readFromChain(ctx.mem, chain, HEADER, len);
        if (!data) return -1;
        this.backend.write(sector * D.VIRTIO_BLK_SECTOR_SIZE, data);
        this.stats.writes++;
        this.stats.bytesWritten += len;
        return finish(D.VIRTIO_BLK_S_OK, 0);
      }
      case D.VIRTIO_BLK_T_FLUSH:
        this.backend.flush();
        this.stats.flushes++;
        return finish(D.VIRTIO_BLK_S_OK, 0);
      case D.VIRTIO_BLK_T_GET_ID: {
        const id = new Uint8Array(D.VIRTIO_BLK_ID_BYTES);
        id.set(this.serial);
        const n = Math.min(statusAt, D.VIRTIO_BLK_ID_BYTES);
        if (writeToChain(ctx.mem, chain, 0, id.subarray(0, n)) !== n) return -1;
        return finish(D.VIRTIO_BLK_S_OK, n);
      }
      case D.VIRTIO_BLK_T_DISCARD:
      case D.VIRTIO_BLK_T_WRITE_ZEROES: {
        if (this.readOnly) return finish(D.VIRTIO_BLK_S_IOERR, 0);
        // struct virtio_blk_discard_write_zeroes { le64 sector; le32 num_sectors; le32 flags; } (§5.2.6)
        const segs = readFromChain(ctx.mem, chain, HEADER, totalLength(chain.readable) - HEADER);
        if (!segs || segs.length === 0 || segs.length % 16 !== 0) return finish(D.VIRTIO_BLK_S_UNSUPP, 0);
        const sv = new DataView(segs.buffer, segs.byteOffset, segs.length);
        for (let off = 0; off < segs.length; off += 16) {
          const s = Number(sv.getBigUint64(off, true));
          const n = sv.getUint32(off + 8, true);
          const start = s * D.VIRTIO_BLK_SECTOR_SIZE;
          const bytes = n * D.VIRTIO_BLK_SECTOR_SIZE;
          if (!Number.isSafeInteger(start) || start + bytes > this.backend.size || n > MAX_DISCARD_SECTORS) {
            return finish(D.VIRTIO_BLK_S_IOERR, 0);
          }
          if (type === D.VIRTIO_BLK_T_DISCARD && this.backend.discard) this.backend.discard(start, bytes);
          else if (type === D.VIRTIO_BLK_T_WRITE_ZEROES) this.backend.write(start, new Uint8Array(bytes));
        }
        return finish(D.VIRTIO_BLK_S_OK, 0);
      }
      default:
        return finish(D.VIRTIO_BLK_S_UNSUPP, 0);
    }
  }

  getState() {
    return { stateVersion: 1, readOnly: this.readOnly, stats: { ...this.stats } };
  }
}
