import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import type { StaExtension } from './sta';
import { R, harness } from '../test/harness';

const RAM = 0x8000_0000n;
const ALL = (1n << 64n) - 1n;

describe('STA', () => {
  const setup = () => {
    const h = harness();
    const ext = h.sbi.extensions.find((e) => e.name === 'sta') as StaExtension;
    return { ...h, ext };
  };

  it('registers a 64-byte aligned record and zeroes it', () => {
    const { call, p, ext } = setup();
    p.memory.bytes.fill(0xee, 0x40, 0x80);
    expect(call(d.SBI_EXT_STA, 0, RAM + 0x40n, 0, 0)).toEqual(R(0));
    expect([...p.memory.bytes.subarray(0x40, 0x80)].every((b) => b === 0)).toBe(true);
    expect(ext.shmem(0)).toBe(RAM + 0x40n);
  });

  it('publishes steal time with an even sequence after each update', () => {
    const { call, p, ext } = setup();
    call(d.SBI_EXT_STA, 0, RAM + 0x40n, 0, 0);
    expect(ext.update(0, 123456789n, true)).toBe(true);
    const v = new DataView(p.memory.bytes.buffer, 0x40, 64);
    expect(v.getUint32(0, true)).toBe(2);
    expect(v.getBigUint64(8, true)).toBe(123456789n);
    expect(v.getUint8(16)).toBe(1);
    expect(ext.update(1, 5n, false)).toBe(false);
  });

  it('bad flags or alignment are INVALID_PARAM, memory outside RAM INVALID_ADDRESS', () => {
    const { call, ext } = setup();
    expect(call(d.SBI_EXT_STA, 0, RAM, 0, 1)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(call(d.SBI_EXT_STA, 0, RAM + 8n, 0, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(call(d.SBI_EXT_STA, 0, 0x1000, 0, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(call(d.SBI_EXT_STA, 0, RAM, 1, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(ext.shmem(0)).toBeUndefined();
  });

  it('all-ones turns reporting off', () => {
    const { call, ext } = setup();
    call(d.SBI_EXT_STA, 0, RAM, 0, 0);
    expect(call(d.SBI_EXT_STA, 0, ALL, ALL, 0)).toEqual(R(0));
    expect(ext.shmem(0)).toBeUndefined();
  });
});
