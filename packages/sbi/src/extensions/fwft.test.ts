import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { SBI_V3_0 } from '../spec';
import { R, harness } from '../test/harness';
import type { SbiFwftFeature } from './fwft';

function misalignedDeleg(): SbiFwftFeature & { values: Map<number, bigint> } {
  const values = new Map<number, bigint>();
  return {
    values,
    validValue: (v) => v === 0n || v === 1n,
    get: (h) => values.get(h) ?? 0n,
    set: (h, v) => (values.set(h, v), d.SBI_SUCCESS),
  };
}

describe('FWFT', () => {
  it('sets and gets a feature the platform implements, per hart', () => {
    const feat = misalignedDeleg();
    const h = harness(SBI_V3_0, { fwftFeatures: { [d.SBI_FWFT_MISALIGNED_EXC_DELEG]: feat } });
    expect(h.callFrom(1, d.SBI_EXT_FWFT, 0, 0, 1, 0)).toEqual(R(0));
    expect(h.callFrom(1, d.SBI_EXT_FWFT, 1, 0)).toEqual(R(0, 1));
    expect(h.callFrom(0, d.SBI_EXT_FWFT, 1, 0)).toEqual(R(0, 0));
  });

  it('unimplemented standard features are NOT_SUPPORTED; reserved and unimplemented platform ones DENIED', () => {
    const h = harness(SBI_V3_0);
    expect(h.call(d.SBI_EXT_FWFT, 0, d.SBI_FWFT_SHADOW_STACK, 1, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(d.SBI_EXT_FWFT, 1, d.SBI_FWFT_LANDING_PAD)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    for (const f of [6, 0x3fffffff, 0x40000000, 0x80000000, 0xc0000000]) {
      expect(h.call(d.SBI_EXT_FWFT, 0, f, 0, 0)).toEqual(R(d.SBI_ERR_DENIED));
      expect(h.call(d.SBI_EXT_FWFT, 1, f)).toEqual(R(d.SBI_ERR_DENIED));
    }
  });

  it('bad values or flags are INVALID_PARAM; a locked feature is DENIED_LOCKED until hart reset', () => {
    const feat = misalignedDeleg();
    const h = harness(SBI_V3_0, { fwftFeatures: { 0: feat } });
    expect(h.call(d.SBI_EXT_FWFT, 0, 0, 2, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_FWFT, 0, 0, 1, 2)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_FWFT, 0, 0, 1, 1)).toEqual(R(0));
    expect(h.call(d.SBI_EXT_FWFT, 0, 0, 0, 0)).toEqual(R(d.SBI_ERR_DENIED_LOCKED));
    expect(h.callFrom(1, d.SBI_EXT_FWFT, 0, 0, 1, 0)).toEqual(R(0));
    h.sbi.resetHart(0);
    expect(h.call(d.SBI_EXT_FWFT, 0, 0, 0, 0)).toEqual(R(0));
    expect(feat.values.get(0)).toBe(0n);
  });
});
