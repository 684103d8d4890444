import { describe, expect, it } from 'vitest';
import * as D from '../defs.js';
import { MockDriver } from '../test/index.js';
import { VirtioBalloon } from './balloon.js';

describe('virtio-balloon', () => {
  it('a new target raises a config interrupt; inflated pages are zeroed and tracked; deflate returns them', () => {
    const released: number[] = [];
    const dev = new VirtioBalloon((gpa) => released.push(gpa));
    const drv = new MockDriver(dev, { ramSize: 1 << 20 });
    drv.init();
    dev.setTarget(2);
    expect(drv.reg(D.VIRTIO_MMIO_INTERRUPT_STATUS) & D.VIRTIO_MMIO_INT_CONFIG).toBeTruthy();
    expect(drv.transport.read(0x100, 4)).toBe(2);
    const page = 0x8008_0000;
    drv.view(page, 4096).fill(0xee);
    const pfns = new Uint8Array(12);
    const dv = new DataView(pfns.buffer);
    dv.setUint32(0, page / 4096, true);
    dv.setUint32(4, page / 4096 + 1, true);
    dv.setUint32(8, 5, true); // outside guest RAM: ignored
    drv.submit(0, [{ data: pfns }]);
    expect(drv.view(page, 4096).every((b) => b === 0)).toBe(true);
    expect(released).toEqual([page, page + 4096]);
    drv.transport.write(0x104, 4, 2);
    expect(dev.actual).toBe(2);
    drv.submit(1, [{ data: pfns.subarray(0, 4) }]);
    expect([...dev.pages]).toEqual([page / 4096 + 1]);
  });
});
