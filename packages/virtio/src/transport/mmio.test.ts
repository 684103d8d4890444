import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioRng } from '../devices/rng.js';
import { VirtioMmioTransport } from './mmio.js';

describe('virtio-mmio transport', () => {
  it('refuses FEATURES_OK for features it did not offer or without VERSION_1', () => {
    const drv = new MockDriver(new VirtioRng());
    drv.setReg(D.VIRTIO_MMIO_STATUS, 3);
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES, 1 << 5); // not offered by rng
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES, 1);
    drv.setReg(D.VIRTIO_MMIO_STATUS, 3 | D.VIRTIO_CONFIG_S_FEATURES_OK);
    expect(drv.status() & D.VIRTIO_CONFIG_S_FEATURES_OK).toBe(0);
  });

  it('a queue with a size that is not a power of two, or misaligned, puts the device in NEEDS_RESET', () => {
    const drv = new MockDriver(new VirtioRng());
    drv.setReg(D.VIRTIO_MMIO_STATUS, 3);
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    drv.setReg(D.VIRTIO_MMIO_DRIVER_FEATURES, 1);
    drv.setReg(D.VIRTIO_MMIO_STATUS, 11);
    drv.setReg(D.VIRTIO_MMIO_QUEUE_SEL, 0);
    drv.setReg(D.VIRTIO_MMIO_QUEUE_NUM, 3);
    drv.setReg(D.VIRTIO_MMIO_QUEUE_READY, 1);
    expect(drv.reg(D.VIRTIO_MMIO_QUEUE_READY)).toBe(0);
    expect(drv.status() & D.VIRTIO_CONFIG_S_NEEDS_RESET).toBeTruthy();
  });

  it('state saved mid-run restores into a fresh transport that keeps serving the queue', () => {
    const fill = (b: Uint8Array) => b.fill(1);
    const drv = new MockDriver(new VirtioRng(fill));
    drv.init();
    drv.submit(0, [{ writable: 4 }]);
    expect(drv.takeUsed(0).length).toBe(1);
    const saved = JSON.parse(JSON.stringify(drv.transport.getState()));
    const fresh = new VirtioMmioTransport(new VirtioRng((b) => b.fill(2)), drv.mem, drv.irq);
    fresh.restoreState(saved);
    drv.transport = fresh;
    expect(drv.status() & D.VIRTIO_CONFIG_S_DRIVER_OK).toBeTruthy();
    const [buf] = drv.submit(0, [{ writable: 4 }]);
    expect(drv.takeUsed(0)).toEqual([{ id: 1, len: 4 }]);
    expect(Array.from(drv.view(buf!, 4))).toEqual([2, 2, 2, 2]);
  });
});
