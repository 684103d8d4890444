import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { SBI_V0_3 } from '../spec';
import { R, harness } from '../test/harness';

const HSM = d.SBI_EXT_HSM;

describe('HSM', () => {
  it('starts a stopped hart at a valid address with the opaque value, then reports STARTED', () => {
    const h = harness();
    expect(h.call(HSM, d.SBI_EXT_HSM_HART_GET_STATUS, 1)).toEqual(R(0, d.SBI_HSM_STATE_STOPPED));
    expect(h.call(HSM, d.SBI_EXT_HSM_HART_START, 1, 0x8000_1000n, 0xabc)).toEqual(R(0));
    expect(h.p.starts).toEqual([{ hartId: 1, addr: 0x8000_1000n, opaque: 0xabcn }]);
    expect(h.call(HSM, d.SBI_EXT_HSM_HART_GET_STATUS, 1)).toEqual(R(0, d.SBI_HSM_STATE_STARTED));
  });

  it('start: ALREADY_AVAILABLE for a started hart, INVALID_PARAM for no such hart, INVALID_ADDRESS outside memory', () => {
    const h = harness();
    expect(h.call(HSM, 0, 0, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_ALREADY_AVAILABLE));
    expect(h.call(HSM, 0, 9, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(HSM, 0, -1n, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(HSM, 0, 2, 0x1000, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(h.p.starts).toEqual([]);
  });

  it('stop does not return; get_status of a bad hart is INVALID_PARAM', () => {
    const h = harness();
    expect(h.callFrom(0, HSM, d.SBI_EXT_HSM_HART_STOP)).toEqual({ kind: 'none' });
    expect(h.p.states.get(0)).toBe(d.SBI_HSM_STATE_STOPPED);
    expect(h.call(HSM, d.SBI_EXT_HSM_HART_GET_STATUS, 4)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
  });

  it('default retentive suspend returns SUCCESS; non-retentive does not return', () => {
    const h = harness(SBI_V0_3);
    expect(h.call(HSM, 3, 0, 0xdead, 0)).toEqual(R(0));
    expect(h.call(HSM, 3, 0x80000000, 0x8000_0100n, 42)).toEqual({ kind: 'none' });
    expect(h.p.suspends.map((s) => [s.type, s.addr, s.opaque])).toEqual([[0, 0xdeadn, 0n], [0x80000000, 0x8000_0100n, 42n]]);
  });

  it('suspend: reserved or unimplemented types are INVALID_PARAM, a bad resume address INVALID_ADDRESS', () => {
    const h = harness();
    for (const t of [1, 0x0fffffff, 0x10000000, 0x80000001, 0x90000000]) {
      expect(h.call(HSM, 3, t, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    }
    expect(h.call(HSM, 3, 0x80000000, 0x10, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(h.p.suspends).toEqual([]);
    // suspend_type is uint32_t: bits above 31 are not looked at.
    expect(h.call(HSM, 3, 1n << 32n, 0, 0)).toEqual(R(0));
  });

  it('the platform may refuse a default type (KVM refuses non-retentive)', () => {
    const h = harness();
    h.p.suspendAnswer = d.SBI_ERR_NOT_SUPPORTED;
    expect(h.call(HSM, 3, 0x80000000, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
  });
});
