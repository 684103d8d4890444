import { describe, expect, it } from 'vitest';
import * as d from './defs';
import { SBI_V0_1, SBI_V0_2, SBI_V0_3, SBI_V1_0, SBI_V2_0, SBI_V3_0, SBI_VERSIONS, sbiVersion } from './spec';
import { L, R, harness } from './test/harness';

describe('SBI dispatcher and versions', () => {
  it('get_spec_version answers the selected version (major bits 30:24, minor 23:0)', () => {
    const expected: [typeof SBI_V0_2, number][] = [
      [SBI_V0_2, 0x0000002], [SBI_V0_3, 0x0000003], [SBI_V1_0, 0x1000000], [SBI_V2_0, 0x2000000], [SBI_V3_0, 0x3000000],
    ];
    for (const [v, value] of expected) {
      expect(harness(v).call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_SPEC_VERSION)).toEqual(R(0, value));
    }
  });

  it('a 0.1 guest sees only the legacy calls, and every answer is legacy-shaped (a0 only)', () => {
    const h = harness(SBI_V0_1);
    // Linux's probe for 0.2+: BASE.get_spec_version fails, so it falls back to 0.1.
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_GET_SPEC_VERSION)).toEqual(L(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(d.SBI_EXT_TIME, 0, 5)).toEqual(L(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.p.timers.size).toBe(0);
    expect(h.call(d.SBI_EXT_0_1_SET_TIMER, 0x1234, 1000)).toEqual(L(0));
    expect(h.p.timers.get(0)).toBe(1000n);
    expect(h.call(d.SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 0x41)).toEqual(L(0));
    expect(h.p.text()).toBe('A');
  });

  it('extensions appear with the version that defined them', () => {
    const present = (v: typeof SBI_V0_2, eid: number) => harness(v).call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, eid);
    expect(present(SBI_V0_2, d.SBI_EXT_HSM)).toEqual(R(0, 1));
    expect(present(SBI_V0_2, d.SBI_EXT_SRST)).toEqual(R(0, 0));
    expect(present(SBI_V0_3, d.SBI_EXT_SRST)).toEqual(R(0, 1));
    expect(present(SBI_V1_0, d.SBI_EXT_DBCN)).toEqual(R(0, 0));
    expect(present(SBI_V2_0, d.SBI_EXT_DBCN)).toEqual(R(0, 1));
    expect(present(SBI_V2_0, d.SBI_EXT_STA)).toEqual(R(0, 1));
    expect(present(SBI_V2_0, d.SBI_EXT_FWFT)).toEqual(R(0, 0));
    expect(present(SBI_V3_0, d.SBI_EXT_FWFT)).toEqual(R(0, 1));
    // Calling an extension the version lacks: NOT_SUPPORTED, and nothing happens.
    const h = harness(SBI_V0_2);
    expect(h.call(d.SBI_EXT_SRST, 0, 0, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.p.resets).toEqual([]);
  });

  it('FIDs appear with their version: HSM suspend needs 0.3', () => {
    expect(harness(SBI_V0_2).call(d.SBI_EXT_HSM, d.SBI_EXT_HSM_HART_SUSPEND, 0, 0, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    const h = harness(SBI_V0_3);
    expect(h.call(d.SBI_EXT_HSM, d.SBI_EXT_HSM_HART_SUSPEND, 0, 0, 0)).toEqual(R(0));
    expect(h.p.suspends).toHaveLength(1);
  });

  it('the version tables list the spec error codes', () => {
    expect([...SBI_V0_2.errors].sort((a, b) => b - a)).toEqual([0, -1, -2, -3, -4, -5, -6]);
    expect(SBI_V0_3.errors.has(d.SBI_ERR_ALREADY_STOPPED)).toBe(true);
    expect(SBI_V1_0.errors.has(d.SBI_ERR_NO_SHMEM)).toBe(false);
    expect(SBI_V2_0.errors.has(d.SBI_ERR_NO_SHMEM)).toBe(true);
    expect(SBI_V2_0.errors.has(d.SBI_ERR_DENIED_LOCKED)).toBe(false);
    expect(SBI_V3_0.errors.size).toBe(15);
    expect(SBI_VERSIONS.map((v) => v.specificationVersion)).toEqual(['0.1', '0.2', '0.3', '1.0', '2.0', '3.0']);
    expect(sbiVersion('v2.0')).toBe(SBI_V2_0);
    expect(() => sbiVersion('4.2')).toThrow(/unknown SBI version '4.2': choose one of 0.1, 0.2/);
  });

  it('an error code the version does not define becomes SBI_ERR_FAILED', () => {
    // FWFT answers DENIED_LOCKED only in 3.0; a platform error that 2.0 lacks reaches a 2.0 guest as FAILED.
    const h = harness(SBI_V2_0);
    h.p.resetAnswer = d.SBI_ERR_TIMEOUT;
    expect(h.call(d.SBI_EXT_SRST, 0, 0, 0)).toEqual(R(d.SBI_ERR_FAILED));
    const h3 = harness(SBI_V3_0);
    h3.p.resetAnswer = d.SBI_ERR_TIMEOUT;
    expect(h3.call(d.SBI_EXT_SRST, 0, 0, 0)).toEqual(R(d.SBI_ERR_TIMEOUT));
  });

  it('unknown EIDs and FIDs, and register values that are not signed 32-bit IDs, are NOT_SUPPORTED', () => {
    const h = harness();
    expect(h.call(0x12345678, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(d.SBI_EXT_TIME, 1, 5)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(d.SBI_EXT_TIME, -1n, 5)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call((1n << 32n) | BigInt(d.SBI_EXT_TIME), 0, 5)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(d.SBI_EXT_TIME, 1n << 32n, 5)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(-1n, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(9, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.p.timers.size).toBe(0);
  });

  it('disabling an extension hides it from probe and calls; BASE cannot be disabled', () => {
    const h = harness();
    h.sbi.setEnabled('time', false);
    h.sbi.setEnabled('base', false);
    expect(h.call(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, d.SBI_EXT_TIME)).toEqual(R(0, 0));
    expect(h.call(d.SBI_EXT_TIME, 0, 1)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    h.sbi.setEnabled('time', true);
    expect(h.call(d.SBI_EXT_TIME, 0, 1)).toEqual(R(0));
    expect(h.sbi.isEnabled('base')).toBe(true);
    expect(h.sbi.isEnabled('pmu')).toBe(true);
    expect(h.sbi.isEnabled('experimental')).toBe(true);
  });

  it('state round-trips through plain data', () => {
    const h = harness();
    h.sbi.setEnabled('dbcn', false);
    h.call(d.SBI_EXT_STA, 0, 0x8000_0040n, 0, 0);
    const state = JSON.parse(JSON.stringify(h.sbi.getState()));
    const h2 = harness();
    h2.sbi.setState(state);
    expect(h2.sbi.isEnabled('dbcn')).toBe(false);
    expect(h2.sbi.getState()).toEqual(h.sbi.getState());
    expect(() => h2.sbi.setState({ ...state, stateVersion: 9 })).toThrow(/state version 9/);
  });
});
