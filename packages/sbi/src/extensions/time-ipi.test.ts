import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { R, harness } from '../test/harness';

describe('TIME', () => {
  it('programs the calling hart\'s timer with the full 64-bit value and always succeeds', () => {
    const h = harness();
    expect(h.callFrom(2, d.SBI_EXT_TIME, d.SBI_EXT_TIME_SET_TIMER, -1n)).toEqual(R(0));
    expect(h.p.timers.get(2)).toBe((1n << 64n) - 1n);
  });
});

describe('IPI and hart masks', () => {
  it('sends to base + bit for each set bit', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_IPI, 0, 0b101, 1)).toEqual(R(0));
    expect(h.p.ipis).toEqual([{ from: 0, to: [1, 3] }]);
  });

  it('base = -1 means every hart, whatever the mask', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_IPI, 0, 0, -1n)).toEqual(R(0));
    expect(h.p.ipis[0]!.to).toEqual([0, 1, 2, 3]);
  });

  it('a hart that does not exist is INVALID_PARAM and nobody is interrupted', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_IPI, 0, 0b11, 3)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_IPI, 0, 1n << 63n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_IPI, 0, 1, -2n)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.p.ipis).toEqual([]);
  });

  it('the base need not exist when bit 0 is clear; an empty mask is a no-op success', () => {
    const h = harness(undefined, { hartIds: [0, 4, 5] });
    expect(h.call(d.SBI_EXT_IPI, 0, 0b10, 3)).toEqual(R(0));
    expect(h.p.ipis[0]!.to).toEqual([4]);
    expect(h.call(d.SBI_EXT_IPI, 0, 0, 1n << 60n)).toEqual(R(0));
    expect(h.p.ipis[1]!.to).toEqual([]);
  });
});
