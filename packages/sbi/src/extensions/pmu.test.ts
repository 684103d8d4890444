import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { SBI_V0_3, SBI_V2_0, SBI_V3_0 } from '../spec';
import { R, harness } from '../test/harness';
import { PMU_FW_COUNTERS } from './pmu';

const PMU = d.SBI_EXT_PMU;
const fw = (code: number) => (d.SBI_PMU_EVENT_TYPE_FW << 16) | code;
const RAM = 0x8000_0000n;

describe('PMU (firmware counters only)', () => {
  it('reports its firmware counters', () => {
    const h = harness();
    expect(h.call(PMU, d.SBI_EXT_PMU_NUM_COUNTERS)).toEqual(R(0, PMU_FW_COUNTERS));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_GET_INFO, 0)).toEqual(R(0, 1n << 63n));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_GET_INFO, PMU_FW_COUNTERS)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
  });

  it('counts set_timer calls and IPIs sent and received while started', () => {
    const h = harness();
    expect(h.call(PMU, 2, 0, 0b11, d.SBI_PMU_CFG_FLAG_CLEAR_VALUE | d.SBI_PMU_CFG_FLAG_AUTO_START, fw(d.SBI_PMU_FW_SET_TIMER), 0)).toEqual(R(0, 0));
    expect(h.call(PMU, 2, 0, 0b11, d.SBI_PMU_CFG_FLAG_AUTO_START, fw(d.SBI_PMU_FW_IPI_SENT), 0)).toEqual(R(0, 1));
    expect(h.callFrom(1, PMU, 2, 0, 1, d.SBI_PMU_CFG_FLAG_AUTO_START, fw(d.SBI_PMU_FW_IPI_RECEIVED), 0)).toEqual(R(0, 0));
    h.call(d.SBI_EXT_TIME, 0, 100);
    h.call(d.SBI_EXT_0_1_SET_TIMER, 0, 200);
    h.call(d.SBI_EXT_IPI, 0, 0b110, 0);
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ, 0)).toEqual(R(0, 2));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ, 1)).toEqual(R(0, 2));
    expect(h.callFrom(1, PMU, d.SBI_EXT_PMU_COUNTER_FW_READ, 0)).toEqual(R(0, 1));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_STOP, 0, 1, 0)).toEqual(R(0));
    h.call(d.SBI_EXT_TIME, 0, 300);
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ, 0)).toEqual(R(0, 2));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_STOP, 0, 1, 0)).toEqual(R(d.SBI_ERR_ALREADY_STOPPED));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_START, 0, 1, d.SBI_PMU_START_SET_INIT_VALUE, 40)).toEqual(R(0));
    h.call(d.SBI_EXT_TIME, 0, 400);
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ, 0)).toEqual(R(0, 41));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_START, 0, 1, 0, 0)).toEqual(R(d.SBI_ERR_ALREADY_STARTED));
    expect(h.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ_HI, 0)).toEqual(R(0, 0));
  });

  it('counts remote fences on the sender and on each target', () => {
    const h = harness();
    h.call(PMU, 2, 0, 1, d.SBI_PMU_CFG_FLAG_AUTO_START, fw(d.SBI_PMU_FW_SFENCE_VMA_SENT), 0);
    h.callFrom(2, PMU, 2, 0, 1, d.SBI_PMU_CFG_FLAG_AUTO_START, fw(d.SBI_PMU_FW_SFENCE_VMA_RECEIVED), 0);
    h.call(d.SBI_EXT_RFENCE, 1, 0b1100, 0, 0, 0);
    expect(h.call(PMU, 5, 0)).toEqual(R(0, 2));
    expect(h.callFrom(2, PMU, 5, 0)).toEqual(R(0, 1));
  });

  it('hardware, trap and platform events are NOT_SUPPORTED; bad counters or flags INVALID_PARAM', () => {
    const h = harness();
    expect(h.call(PMU, 2, 0, 1, 0, (0 << 16) | 1, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED)); // HW cycles
    expect(h.call(PMU, 2, 0, 1, 0, fw(d.SBI_PMU_FW_ILLEGAL_INSN), 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(PMU, 2, 0, 1, 0, fw(d.SBI_PMU_FW_PLATFORM), 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(PMU, 2, 0, 1, 0, (1 << 20) | fw(5), 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    expect(h.call(PMU, 2, 7, 0b11, 0, fw(5), 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(PMU, 2, 0, 1, 0x100, fw(5), 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(PMU, 3, 0, 1, 0, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM)); // not configured
    expect(h.call(PMU, 5, -1n)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
  });

  it('snapshot memory is not offered: NO_SHMEM from 2.0, reserved flag bits before', () => {
    const h2 = harness(SBI_V2_0);
    h2.call(PMU, 2, 0, 1, 0, fw(5), 0);
    expect(h2.call(PMU, 3, 0, 1, d.SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0)).toEqual(R(d.SBI_ERR_NO_SHMEM));
    expect(h2.call(PMU, d.SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, 0x8000_0000n, 0, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED));
    const h03 = harness(SBI_V0_3);
    h03.call(PMU, 2, 0, 1, 0, fw(5), 0);
    expect(h03.call(PMU, 3, 0, 1, d.SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h03.call(PMU, d.SBI_EXT_PMU_COUNTER_FW_READ_HI, 0)).toEqual(R(d.SBI_ERR_NOT_SUPPORTED)); // a 2.0 function
  });

  it('event_get_info (3.0) marks the events it counts', () => {
    const h = harness(SBI_V3_0);
    const entries = new Uint8Array(48);
    const v = new DataView(entries.buffer);
    v.setUint32(0, fw(d.SBI_PMU_FW_SET_TIMER), true);
    v.setUint32(16, fw(d.SBI_PMU_FW_ILLEGAL_INSN), true);
    v.setUint32(32, 0x10001, true);
    h.p.memory.write(RAM + 0x100n, entries);
    expect(h.call(PMU, d.SBI_EXT_PMU_EVENT_GET_INFO, RAM + 0x100n, 0, 3, 0)).toEqual(R(0));
    const out = new DataView(h.p.memory.read(RAM + 0x100n, 48)!.buffer);
    expect([out.getUint32(4, true), out.getUint32(20, true), out.getUint32(36, true)]).toEqual([1, 0, 0]);
    expect(h.call(PMU, 8, RAM + 0x108n, 0, 1, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
    expect(h.call(PMU, 8, 0x1000, 0, 1, 0)).toEqual(R(d.SBI_ERR_INVALID_ADDRESS));
    v.setUint32(0, 1 << 25, true);
    h.p.memory.write(RAM + 0x100n, entries);
    expect(h.call(PMU, 8, RAM + 0x100n, 0, 1, 0)).toEqual(R(d.SBI_ERR_INVALID_PARAM));
  });
});
