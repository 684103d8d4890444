import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioRng } from '../devices/rng.js';

describe('legacy virtio-mmio (version 1)', () => {
  it('reports version 1, offers no VERSION_1, and serves a queue placed by page frame number', () => {
    const drv = new MockDriver(new VirtioRng((b) => b.fill(7)), { legacy: true });
    expect(drv.reg(D.VIRTIO_MMIO_VERSION)).toBe(1);
    drv.setReg(D.VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    expect(drv.reg(D.VIRTIO_MMIO_DEVICE_FEATURES)).toBe(0);
    drv.initLegacy();
    drv.setReg(D.VIRTIO_MMIO_QUEUE_SEL, 0);
    expect(drv.reg(D.VIRTIO_MMIO_QUEUE_PFN)).not.toBe(0);
    const [buf] = drv.submit(0, [{ writable: 8 }]);
    expect(drv.takeUsed(0)).toEqual([{ id: 0, len: 8 }]);
    expect(drv.view(buf!, 8).every((b) => b === 7)).toBe(true);
  });
});
