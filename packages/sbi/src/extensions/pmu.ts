/**
 * PMU extension, EID 0x504D55 (SBI spec, "Performance Monitoring Unit Extension"),
 * holding only what this implementation can count honestly: firmware counters
 * for the firmware events its own modules see (set_timer, IPIs sent/received,
 * remote fences sent/received). There are no hardware counters, so hardware
 * events are SBI_ERR_NOT_SUPPORTED; trap events (misaligned, access, illegal)
 * are not seen by the SBI layer and are not offered either. No snapshot memory.
 */
import * as d from '../defs';
import type { SbiExtension, SbiGuestMemory } from '../types';
import { arg, joinAddress, ok, ret } from '../util';

/** Firmware events this PMU counts. */
export const PMU_COUNTED_EVENTS: readonly number[] = [
  d.SBI_PMU_FW_SET_TIMER, d.SBI_PMU_FW_IPI_SENT, d.SBI_PMU_FW_IPI_RECEIVED,
  d.SBI_PMU_FW_FENCE_I_SENT, d.SBI_PMU_FW_FENCE_I_RECEIVED, d.SBI_PMU_FW_SFENCE_VMA_SENT, d.SBI_PMU_FW_SFENCE_VMA_RECEIVED,
  d.SBI_PMU_FW_SFENCE_VMA_ASID_SENT, d.SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED, d.SBI_PMU_FW_HFENCE_GVMA_SENT,
  d.SBI_PMU_FW_HFENCE_GVMA_RECEIVED, d.SBI_PMU_FW_HFENCE_GVMA_VMID_SENT, d.SBI_PMU_FW_HFENCE_GVMA_VMID_RECEIVED,
  d.SBI_PMU_FW_HFENCE_VVMA_SENT, d.SBI_PMU_FW_HFENCE_VVMA_RECEIVED, d.SBI_PMU_FW_HFENCE_VVMA_ASID_SENT,
  d.SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED,
];

/** Logical firmware counters per hart. */
export const PMU_FW_COUNTERS = 8;

interface Counter {
  event: number | undefined;
  value: bigint;
  started: boolean;
}

/** The firmware event code an event_idx names, or undefined (wrong type, reserved bits, not counted). */
function firmwareCode(eventIdx: bigint): number | undefined {
  if (eventIdx >> 20n) return undefined;
  if (Number(eventIdx >> 16n) !== d.SBI_PMU_EVENT_TYPE_FW) return undefined;
  const code = Number(eventIdx & 0xffffn);
  return PMU_COUNTED_EVENTS.includes(code) ? code : undefined;
}

export function pmu(memory: SbiGuestMemory): SbiExtension {
  const harts = new Map<number, Counter[]>();
  const countersOf = (hartId: number): Counter[] => {
    let c = harts.get(hartId);
    if (!c) {
      c = Array.from({ length: PMU_FW_COUNTERS }, () => ({ event: undefined, value: 0n, started: false }));
      harts.set(hartId, c);
    }
    return c;
  };
  /** Indices named by (base, mask), or undefined when one is not a counter. */
  const counterSet = (base: bigint, mask: bigint): number[] | undefined => {
    const out: number[] = [];
    for (let i = 0n; i < 64n; i++) {
      if (((mask >> i) & 1n) === 0n) continue;
      const idx = base + i;
      if (idx >= BigInt(PMU_FW_COUNTERS)) return undefined;
      out.push(Number(idx));
    }
    return out;
  };
  return {
    name: 'pmu',
    owns: (eid) => eid === d.SBI_EXT_PMU,
    onFirmwareEvent(code, hartId) {
      const cs = harts.get(hartId);
      if (!cs) return;
      for (const c of cs) if (c.started && c.event === code) c.value = BigInt.asUintN(64, c.value + 1n);
    },
    handle(ctx, _eid, fid, args) {
      const cs = countersOf(ctx.hartId);
      const idx = arg(args, 0);
      const valid = idx < BigInt(PMU_FW_COUNTERS);
      switch (fid) {
        case d.SBI_EXT_PMU_NUM_COUNTERS:
          return ok(BigInt(PMU_FW_COUNTERS));
        case d.SBI_EXT_PMU_COUNTER_GET_INFO:
          // counter_info[XLEN-1] = 1: a firmware counter (its CSR and width fields are then unused).
          return valid ? ok(1n << 63n) : ret(d.SBI_ERR_INVALID_PARAM);
        case d.SBI_EXT_PMU_COUNTER_CFG_MATCH: {
          const set = counterSet(arg(args, 0), arg(args, 1));
          const flags = arg(args, 2);
          if (!set || (flags & ~0xffn) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
          const code = firmwareCode(arg(args, 3));
          if (code === undefined || set.length === 0) return ret(d.SBI_ERR_NOT_SUPPORTED);
          // SKIP_MATCH takes the first counter of the set as it is; otherwise the first one not started.
          const pick = flags & BigInt(d.SBI_PMU_CFG_FLAG_SKIP_MATCH) ? set[0] : set.find((i) => !cs[i]!.started);
          if (pick === undefined) return ret(d.SBI_ERR_NOT_SUPPORTED);
          const c = cs[pick]!;
          c.event = code;
          if (flags & BigInt(d.SBI_PMU_CFG_FLAG_CLEAR_VALUE)) c.value = 0n;
          if (flags & BigInt(d.SBI_PMU_CFG_FLAG_AUTO_START)) c.started = true;
          return ok(BigInt(pick));
        }
        case d.SBI_EXT_PMU_COUNTER_START: {
          const set = counterSet(arg(args, 0), arg(args, 1));
          const flags = arg(args, 2);
          const snapshotKnown = ctx.version.errors.has(d.SBI_ERR_NO_SHMEM);
          const allowed = BigInt(d.SBI_PMU_START_SET_INIT_VALUE | (snapshotKnown ? d.SBI_PMU_START_FLAG_INIT_SNAPSHOT : 0));
          if (!set || (flags & ~allowed) !== 0n || set.some((i) => cs[i]!.event === undefined)) return ret(d.SBI_ERR_INVALID_PARAM);
          if (flags & BigInt(d.SBI_PMU_START_FLAG_INIT_SNAPSHOT)) return ret(d.SBI_ERR_NO_SHMEM);
          if (set.some((i) => cs[i]!.started)) return ret(d.SBI_ERR_ALREADY_STARTED);
          for (const i of set) {
            cs[i]!.started = true;
            if (flags & BigInt(d.SBI_PMU_START_SET_INIT_VALUE)) cs[i]!.value = arg(args, 3);
          }
          return ok();
        }
        case d.SBI_EXT_PMU_COUNTER_STOP: {
          const set = counterSet(arg(args, 0), arg(args, 1));
          const flags = arg(args, 2);
          const snapshotKnown = ctx.version.errors.has(d.SBI_ERR_NO_SHMEM);
          const allowed = BigInt(d.SBI_PMU_STOP_FLAG_RESET | (snapshotKnown ? d.SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT : 0));
          if (!set || (flags & ~allowed) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
          if (flags & BigInt(d.SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)) return ret(d.SBI_ERR_NO_SHMEM);
          if (set.some((i) => !cs[i]!.started)) return ret(d.SBI_ERR_ALREADY_STOPPED);
          for (const i of set) {
            cs[i]!.started = false;
            if (flags & BigInt(d.SBI_PMU_STOP_FLAG_RESET)) cs[i]!.event = undefined;
          }
          return ok();
        }
        case d.SBI_EXT_PMU_COUNTER_FW_READ:
          return valid ? ok(cs[Number(idx)]!.value) : ret(d.SBI_ERR_INVALID_PARAM);
        case d.SBI_EXT_PMU_COUNTER_FW_READ_HI:
          // "always returns zero in sbiret.value for RV64".
          return valid ? ok(0n) : ret(d.SBI_ERR_INVALID_PARAM);
        case d.SBI_EXT_PMU_SNAPSHOT_SET_SHMEM:
          return ret(d.SBI_ERR_NOT_SUPPORTED);
        case d.SBI_EXT_PMU_EVENT_GET_INFO: {
          const pa = joinAddress(arg(args, 0), arg(args, 1));
          const n = arg(args, 2);
          if (arg(args, 3) !== 0n || (pa & 15n) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
          if (n === 0n) return ok();
          if (!memory.accessible(pa, n * 16n, true)) return ret(d.SBI_ERR_INVALID_ADDRESS);
          const entries: [bigint, number][] = [];
          for (let i = 0n; i < n; i++) {
            const e = memory.read(pa + i * 16n, 4);
            if (!e) return ret(d.SBI_ERR_INVALID_ADDRESS);
            const idxWord = BigInt(new DataView(e.buffer, e.byteOffset, 4).getUint32(0, true));
            if (idxWord >> 20n) return ret(d.SBI_ERR_INVALID_PARAM);
            entries.push([pa + i * 16n + 4n, firmwareCode(idxWord) === undefined ? 0 : 1]);
          }
          for (const [out, v] of entries) if (!memory.write(out, Uint8Array.of(v, 0, 0, 0))) return ret(d.SBI_ERR_FAILED);
          return ok();
        }
        default:
          return ret(d.SBI_ERR_NOT_SUPPORTED);
      }
    },
    resetHart(hartId) {
      harts.delete(hartId);
    },
  };
}
