/** STA extension, EID 0x535441 (SBI spec, "Steal-time Accounting Extension"), 2.0. */
import * as d from '../defs';
import type { SbiExtension, SbiGuestMemory } from '../types';
import { ALL_ONES, arg, joinAddress, ok, ret } from '../util';

/** The STA module, with the calls the platform uses to publish steal time. */
export interface StaExtension extends SbiExtension {
  /** The hart's registered record address, or undefined when reporting is off. */
  shmem(hartId: number): bigint | undefined;
  /** Sets the record address directly (KVM's SBI_STATE registers); undefined turns reporting off. */
  setShmem(hartId: number, pa: bigint | undefined): void;
  /**
   * Publishes the hart's total steal time (ns) and preempted flag with the
   * sequence protocol: odd while updating, even after (SBI spec, STA table).
   * Returns false when reporting is off or the record is no longer writable.
   */
  update(hartId: number, stealNs: bigint, preempted: boolean): boolean;
}

interface StaState { readonly shmem: Readonly<Record<string, string>> }

export function sta(memory: SbiGuestMemory): StaExtension {
  const shmem = new Map<number, bigint>();
  const u32 = (v: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, true);
    return b;
  };
  return {
    name: 'sta',
    owns: (eid) => eid === d.SBI_EXT_STA,
    handle(ctx, _eid, fid, args) {
      if (fid !== d.SBI_EXT_STA_STEAL_TIME_SET_SHMEM) return ret(d.SBI_ERR_NOT_SUPPORTED);
      const lo = arg(args, 0);
      const hi = arg(args, 1);
      if (arg(args, 2) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
      if (lo === ALL_ONES && hi === ALL_ONES) {
        shmem.delete(ctx.hartId);
        return ok();
      }
      if ((lo & 63n) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
      const pa = joinAddress(lo, hi);
      const size = BigInt(d.SBI_STA_SHMEM_SIZE);
      if (!memory.accessible(pa, size, true)) return ret(d.SBI_ERR_INVALID_ADDRESS);
      // "The SBI implementation MUST zero the first 64 bytes of the shared memory before returning".
      if (!memory.write(pa, new Uint8Array(d.SBI_STA_SHMEM_SIZE))) return ret(d.SBI_ERR_INVALID_ADDRESS);
      shmem.set(ctx.hartId, pa);
      return ok();
    },
    shmem: (hartId) => shmem.get(hartId),
    setShmem(hartId, pa) {
      if (pa === undefined) shmem.delete(hartId);
      else shmem.set(hartId, pa);
    },
    update(hartId, stealNs, preempted) {
      const pa = shmem.get(hartId);
      if (pa === undefined) return false;
      const seqBytes = memory.read(pa + BigInt(d.SBI_STA_SHMEM_SEQUENCE), 4);
      if (!seqBytes) return false;
      const seq = new DataView(seqBytes.buffer, seqBytes.byteOffset, 4).getUint32(0, true);
      const steal = new Uint8Array(8);
      new DataView(steal.buffer).setBigUint64(0, BigInt.asUintN(64, stealNs), true);
      return memory.write(pa, u32(seq + 1)) &&
        memory.write(pa + BigInt(d.SBI_STA_SHMEM_STEAL), steal) &&
        memory.write(pa + BigInt(d.SBI_STA_SHMEM_PREEMPTED), Uint8Array.of(preempted ? 1 : 0)) &&
        memory.write(pa, u32(seq + 2));
    },
    resetHart(hartId) {
      shmem.delete(hartId);
    },
    getState(): StaState {
      return { shmem: Object.fromEntries([...shmem].map(([h, pa]) => [String(h), pa.toString()])) };
    },
    setState(state) {
      shmem.clear();
      for (const [h, pa] of Object.entries((state as StaState).shmem)) shmem.set(Number(h), BigInt(pa));
    },
  };
}
