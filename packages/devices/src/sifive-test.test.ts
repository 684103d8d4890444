import { describe, expect, it } from 'vitest';
import { SifiveTest } from './sifive-test.js';

function make() {
  const events: string[] = [];
  const dev = new SifiveTest({ onExit: (s) => events.push(`exit ${s}`), onReset: () => events.push('reset') });
  return { dev, events };
}

describe('sifive_test', () => {
  it('0x5555 exits 0', () => {
    const { dev, events } = make();
    dev.write(0, 4, 0x5555);
    expect(events).toEqual(['exit 0']);
  });
  it('(code << 16) | 0x3333 exits with code', () => {
    const { dev, events } = make();
    dev.write(0, 4, (42 << 16) | 0x3333);
    dev.write(0, 4, (0xffff << 16) | 0x3333);
    expect(events).toEqual(['exit 42', 'exit 65535']);
  });
  it('0x7777 resets; other values and offsets are ignored; reads return 0', () => {
    const { dev, events } = make();
    dev.write(0, 4, 0x7777);
    dev.write(0, 4, 0x1234);
    dev.write(4, 4, 0x5555);
    expect(events).toEqual(['reset']);
    expect(dev.read(0, 4)).toBe(0);
  });
});
