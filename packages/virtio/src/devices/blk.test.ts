import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioBlk } from './blk.js';
import { MemoryBackend, SnapshotBackend } from './blk-backend.js';

function header(type: number, sector: number): Uint8Array {
  const h = new Uint8Array(16);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, type, true);
  dv.setBigUint64(8, BigInt(sector), true);
  return h;
}

function setup(size = 64 * 1024, opts = {}) {
  const disk = new Uint8Array(size);
  for (let i = 0; i < size; i++) disk[i] = (i * 7) & 0xff;
  const dev = new VirtioBlk(new MemoryBackend(disk), opts);
  const drv = new MockDriver(dev);
  drv.init();
  return { disk, dev, drv };
}

describe('virtio-blk', () => {
  it('reports identity, capacity and block size in the MMIO registers and config space', () => {
    const { drv } = setup(1 << 20);
    expect(drv.reg(D.VIRTIO_MMIO_MAGIC_VALUE)).toBe(0x74726976);
    expect(drv.reg(D.VIRTIO_MMIO_VERSION)).toBe(2);
    expect(drv.reg(D.VIRTIO_MMIO_DEVICE_ID)).toBe(2);
    expect(drv.transport.read(0x100, 4)).toBe((1 << 20) / 512); // capacity low
    expect(drv.transport.read(0x104, 4)).toBe(0);
    expect(drv.transport.read(0x100 + 20, 4)).toBe(512);
    expect(drv.status() & D.VIRTIO_CONFIG_S_DRIVER_OK).toBeTruthy();
  });

  it('reads sectors into the guest and writes the status byte', () => {
    const { drv, disk } = setup();
    const [, data, status] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_IN, 2) }, { writable: 1024 }, { writable: 1 }]);
    const used = drv.takeUsed(0);
    expect(used).toEqual([{ id: 0, len: 1025 }]);
    expect(drv.view(status!, 1)[0]).toBe(D.VIRTIO_BLK_S_OK);
    expect(Array.from(drv.view(data!, 1024))).toEqual(Array.from(disk.subarray(1024, 2048)));
    expect(drv.irq.level).toBe(true);
    drv.setReg(D.VIRTIO_MMIO_INTERRUPT_ACK, 1);
    expect(drv.irq.level).toBe(false);
  });

  it('writes guest data to the backend, flushes, and reads it back', () => {
    const { drv, disk } = setup();
    const payload = new Uint8Array(512).fill(0xab);
    drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_OUT, 5) }, { data: payload }, { writable: 1 }]);
    drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_FLUSH, 0) }, { writable: 1 }]);
    expect(drv.takeUsed(0).length).toBe(2);
    expect(disk.subarray(5 * 512, 6 * 512).every((b) => b === 0xab)).toBe(true);
  });

  it('answers IOERR for a read past the end and UNSUPP for an unknown type', () => {
    const { drv } = setup(4096);
    const [, , st1] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_IN, 7) }, { writable: 1024 }, { writable: 1 }]);
    const [, st2] = drv.submit(0, [{ data: header(99, 0) }, { writable: 1 }]);
    expect(drv.view(st1!, 1)[0]).toBe(D.VIRTIO_BLK_S_IOERR);
    expect(drv.view(st2!, 1)[0]).toBe(D.VIRTIO_BLK_S_UNSUPP);
  });

  it('returns the serial for GET_ID', () => {
    const { drv } = setup(4096, { serial: 'disk-0' });
    const [, id] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_GET_ID, 0) }, { writable: 20 }, { writable: 1 }]);
    expect(new TextDecoder().decode(drv.view(id!, 6))).toBe('disk-0');
  });

  it('refuses writes in read-only mode and offers VIRTIO_BLK_F_RO', () => {
    const { drv, disk } = setup(4096, { readOnly: true });
    drv.setReg(D.VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    expect(drv.reg(D.VIRTIO_MMIO_DEVICE_FEATURES) & (1 << D.VIRTIO_BLK_F_RO)).toBeTruthy();
    const before = disk.slice();
    const [, , st] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_OUT, 0) }, { data: new Uint8Array(512) }, { writable: 1 }]);
    expect(drv.view(st!, 1)[0]).toBe(D.VIRTIO_BLK_S_IOERR);
    expect(disk).toEqual(before);
  });

  it('discards and write-zeroes ranges', () => {
    const { drv, disk } = setup();
    const seg = new Uint8Array(16);
    new DataView(seg.buffer).setBigUint64(0, 1n, true);
    new DataView(seg.buffer).setUint32(8, 2, true);
    const [, , st] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_WRITE_ZEROES, 0) }, { data: seg }, { writable: 1 }]);
    expect(drv.view(st!, 1)[0]).toBe(D.VIRTIO_BLK_S_OK);
    expect(disk.subarray(512, 1536).every((b) => b === 0)).toBe(true);
    expect(disk[1536]).toBe((1536 * 7) & 0xff);
  });

  it('snapshot mode leaves the image untouched while the guest sees its writes', () => {
    const image = new Uint8Array(8192).fill(1);
    const dev = new VirtioBlk(new SnapshotBackend(new MemoryBackend(image)));
    const drv = new MockDriver(dev);
    drv.init();
    drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_OUT, 1) }, { data: new Uint8Array(512).fill(9) }, { writable: 1 }]);
    const [, data] = drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_IN, 0) }, { writable: 1536 }, { writable: 1 }]);
    const got = drv.view(data!, 1536);
    expect(got[0]).toBe(1);
    expect(got[512]).toBe(9);
    expect(got[1024]).toBe(1);
    expect(image.every((b) => b === 1)).toBe(true);
  });

  it('a request without a status byte puts the device in DEVICE_NEEDS_RESET', () => {
    const { drv } = setup();
    drv.submit(0, [{ data: header(D.VIRTIO_BLK_T_IN, 0) }]);
    expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
    expect(drv.reg(D.VIRTIO_MMIO_INTERRUPT_STATUS) & D.VIRTIO_MMIO_INT_CONFIG).toBeTruthy();
    // A reset brings it back.
    drv.init();
    expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBe(0);
  });
});
