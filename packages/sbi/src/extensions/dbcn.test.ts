import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { DBCN_MAX_CHUNK } from './dbcn';
import { R, harness } from '../test/harness';

const RAM = 0x8000_0000n;
const enc = (s: string) => new TextEncoder().encode(s);

describe('DBCN', () => {
  it('writes bytes from guest memory and returns how many were taken', () => {
    const h = harness();
    h.p.memory.write(RAM + 0x100n, enc('hello'));
    expect(h.call(d.SBI_EXT_DBCN, 0, 5, RAM + 0x100n, 0)).toEqual(R(0, 5));
    expect(h.p.text()).toBe('hello');
  });

  it('a partial write reports the part written', () => {
    const h = harness();
    h.p.consoleBudget = 2;
    h.p.memory.write(RAM, enc('abcd'));
    expect(h.call(d.SBI_EXT_DBCN, 0, 4, RAM, 0)).toEqual(R(0, 2));
    expect(h.p.text()).toBe('ab');
  });

  it('memory that is not RAM, a range running off its end, or a non-zero high address is INVALID_PARAM', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_DBCN, 0, 4, 0x1000, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_DBCN, 0, 64 * 1024 + 1, RAM, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_DBCN, 0, -1n, RAM, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_DBCN, 0, 4, RAM, 1)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(d.SBI_EXT_DBCN, 1, 4, 0x1000, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.p.output).toEqual([]);
  });

  it('a large valid write moves at most one chunk per call', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_DBCN, 0, 3 * DBCN_MAX_CHUNK, RAM, 0)).toEqual(R(0, DBCN_MAX_CHUNK));
  });

  it('reads waiting input into guest memory; nothing waiting reads 0 bytes', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_DBCN, 1, 8, RAM + 0x10n, 0)).toEqual(R(0, 0));
    h.p.input = [0x31, 0x32, 0x33];
    expect(h.call(d.SBI_EXT_DBCN, 1, 2, RAM + 0x10n, 0)).toEqual(R(0, 2));
    expect([...h.p.memory.read(RAM + 0x10n, 3)!]).toEqual([0x31, 0x32, 0]);
    expect(h.p.input).toEqual([0x33]);
  });

  it('write_byte writes the low byte and returns 0; console errors come back as SBI errors', () => {
    const h = harness();
    expect(h.call(d.SBI_EXT_DBCN, 2, 0x1241)).toEqual(R(0, 0));
    expect(h.p.text()).toBe('A');
    h.p.consoleError = d.SBI_ERR_DENIED;
    expect(h.call(d.SBI_EXT_DBCN, 2, 0x41)).toEqual(R(d.SBI_ERR_DENIED));
    h.p.memory.write(RAM, enc('x'));
    expect(h.call(d.SBI_EXT_DBCN, 0, 1, RAM, 0)).toEqual(R(d.SBI_ERR_DENIED));
  });
});
