import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { R, harness } from '../test/harness';

const ALL = (1n << 64n) - 1n;

describe('RFENCE', () => {
  it('fence.i and sfence.vma reach the platform with the decoded harts and range', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_RFENCE, d.SBI_EXT_RFENCE_REMOTE_FENCE_I, 0b11, 0)).toEqual(R(0));
    expect(h.call(d.SBI_EXT_RFENCE, d.SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 0b1, 2, 0x1000, 0x2000)).toEqual(R(0));
    expect(h.call(d.SBI_EXT_RFENCE, d.SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, -1n, 0, 0, 7)).toEqual(R(0));
    expect(h.p.fences.map((f) => [f.kind, f.hartIds, f.all, f.start, f.size, f.asid])).toEqual([
      ['fence.i', [0, 1], true, 0n, 0n, undefined],
      ['sfence.vma', [2], false, 0x1000n, 0x2000n, undefined],
      ['sfence.vma.asid', [0, 1, 2, 3], true, 0n, 0n, 7n],
    ]);
  });

  it('size 2^XLEN-1 means the whole space; a range that wraps is INVALID_ADDRESS', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_RFENCE, 1, 1, 0, 0x5000, ALL)).toEqual(R(0));
    expect(h.p.fences[0]!.all).toBe(true);
    expect(h.call(d.SBI_EXT_RFENCE, 1, 1, 0, ALL - 0xfffn, 0x2000)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    expect(h.p.fences).toHaveLength(1);
  });

  it('an ASID or VMID wider than the architecture allows is INVALID_PARAM', () => {
    const h = harness(undefined, { hypervisor: true });
    expect(h.call(d.SBI_EXT_RFENCE, 2, 1, 0, 0, 0, 1n << 16n)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_RFENCE, 3, 1, 0, 0, 0, 1n << 14n)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_RFENCE, 3, 1, 0, 0, 0, 5)).toEqual(R(0));
    expect(h.p.fences.map((f) => [f.kind, f.vmid])).toEqual([['hfence.gvma.vmid', 5n]]);
  });

  it('the hfence functions are NOT_SUPPORTED on harts without H', () => {
    const h = harness();
    for (const fid of [3, 4, 5, 6]) expect(h.call(d.SBI_EXT_RFENCE, fid, 1, 0, 0, 0, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.p.fences).toEqual([]);
  });

  it('a bad hart mask is INVALID_PARAM; FID 7 is NOT_SUPPORTED', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_RFENCE, 0, 0b10000, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_RFENCE, 7, 1, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
  });
});
