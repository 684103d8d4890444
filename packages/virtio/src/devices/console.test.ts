import { describe, expect, it } from 'vitest';
import { MockDriver } from '../test/index.js';
import { VirtioConsole } from './console.js';

describe('virtio-console', () => {
  it('carries guest output to the sink and host input into posted buffers', () => {
    const out: number[] = [];
    const dev = new VirtioConsole((b) => out.push(...b));
    const drv = new MockDriver(dev);
    drv.init();
    drv.submit(1, [{ data: new TextEncoder().encode('hello') }]);
    expect(String.fromCharCode(...out)).toBe('hello');
    dev.pushInput(new TextEncoder().encode('ls\n'));
    const [buf] = drv.submit(0, [{ writable: 16 }]);
    expect(drv.takeUsed(0)).toEqual([{ id: 0, len: 3 }]);
    expect(new TextDecoder().decode(drv.view(buf!, 3))).toBe('ls\n');
  });
});
