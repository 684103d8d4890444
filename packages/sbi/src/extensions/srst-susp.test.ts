import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { R, harness } from '../test/harness';

describe('SRST', () => {
  it('shutdown, cold and warm reboot reach the platform and do not return', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_SRST, 0, 0, 0)).toEqual({ kind: 'none' });
    expect(h.call(d.SBI_EXT_SRST, 0, 1, 1)).toEqual({ kind: 'none' });
    expect(h.call(d.SBI_EXT_SRST, 0, 2, 0)).toEqual({ kind: 'none' });
    expect(h.p.resets).toEqual([{ type: 0, reason: 0 }, { type: 1, reason: 1 }, { type: 2, reason: 0 }]);
  });

  it('reserved or unimplemented types and reasons are INVALID_PARAM', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_SRST, 0, 3, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_SRST, 0, 0xf0000000, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_SRST, 0, 0, 2)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_SRST, 0, 0, 0xe0000000)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.p.resets).toEqual([]);
  });

  it('a failing platform error is returned', () => {
    const h = harness();
    h.p.resetAnswer = d.SBI_ERR_NOT_SUPPORTED;
    expect(h.call(d.SBI_EXT_SRST, 0, 2, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
  });
});

describe('SUSP', () => {
  it('suspend-to-RAM needs every other hart STOPPED (DENIED otherwise)', () => {
    const h = harness();
    h.p.states.set(2, d.SBI_HSM_STATE_STARTED);
    expect(h.call(d.SBI_EXT_SUSP, 0, 0, 0x8000_0000n, 5)).toEqual(R(d.SBI_ERR_DENIED));
    h.p.states.set(2, d.SBI_HSM_STATE_STOPPED);
    expect(h.call(d.SBI_EXT_SUSP, 0, 0, 0x8000_0000n, 5)).toEqual({ kind: 'none' });
    expect(h.p.systemSuspends).toEqual([{ type: 0, addr: 0x8000_0000n, opaque: 5n }]);
  });

  it('bad sleep type is INVALID_PARAM, bad resume address INVALID_ADDRESS', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_SUSP, 0, 1, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_SUSP, 0, 0x80000000, 0x8000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_SUSP, 0, 0, 0x7000_0000n, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(h.p.systemSuspends).toEqual([]);
  });

  it('a platform may forward the checked call (KVM does)', () => {
    const h = harness();
    h.p.systemSuspendAnswer = 'forward';
    expect(h.call(d.SBI_EXT_SUSP, 0, 0, 0x8000_0000n, 0)).toEqual({ kind: 'forward' });
  });
});
