import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { SBI_V2_0 } from '../spec';
import { R, harness } from '../test/harness';

describe('BASE', () => {
  it('reports the implementation identity', () => {
    const h = harness(SBI_V2_0);
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_IMP_ID)).toEqual(R(0, d.SBI_IMPL_ID_KVM));
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_IMP_VERSION)).toEqual(R(0, 0x60c00));
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_MVENDORID)).toEqual(R(0, 0x489));
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_MARCHID)).toEqual(R(0, 5));
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_MIMPID)).toEqual(R(0, 7));
  });

  it('probes: 1 for present extensions, 0 otherwise, never an error', () => {
    const h = harness(SBI_V2_0);
    for (const eid of [d.SBI_EXT_BASE, d.SBI_EXT_TIME, d.SBI_EXT_IPI, d.SBI_EXT_RFENCE, d.SBI_EXT_HSM, d.SBI_EXT_SRST, d.SBI_EXT_DBCN, d.SBI_EXT_SUSP, d.SBI_EXT_STA, d.SBI_EXT_PMU, d.SBI_EXT_0_1_SET_TIMER]) {
      expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, eid)).toEqual(R(0, 1));
    }
    // CPPC/NACL are defined by 2.0 but not implemented; the ranges hold nothing.
    for (const eid of [d.SBI_EXT_CPPC, d.SBI_EXT_NACL, d.SBI_EXT_EXPERIMENTAL_START, d.SBI_EXT_VENDOR_END, 0x7fffffff, -5, 1n << 40n]) {
      expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, eid)).toEqual(R(0, 0));
    }
  });

  it('a BASE FID beyond 6 is NOT_SUPPORTED', () => {
    expect(harness().call(d.SBI_EXT_BASE, 7)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
  });
});
