/** HSM extension, EID 0x48534D (SBI spec, "Hart State Management Extension"), with hart_suspend (0.3). */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { arg, arg32, ok, ret } from '../util';

/** What HSM needs from the platform. The platform owns the harts' states. */
export interface SbiHsmHost {
  /** The hart's HSM state (SBI_HSM_STATE_*). Called only with existing hart IDs. */
  hartStatus(hartId: number): number;
  /**
   * Starts a STOPPED hart in S-mode at `startAddr` with a0 = hartid, a1 = opaque,
   * satp = 0 and sstatus.SIE = 0 (SBI spec, "HSM Hart Start Register State").
   * Returns an SBI error code.
   */
  hartStart(hartId: number, startAddr: bigint, opaque: bigint): number;
  /** Stops the calling hart. SBI_SUCCESS means it is stopped and the call does not return. */
  hartStop(hartId: number): number;
  /**
   * Suspends the calling hart. Retentive types (bit 31 clear): SBI_SUCCESS means the
   * hart now waits for an interrupt and the call returns SBI_SUCCESS when it wakes.
   * Non-retentive types: SBI_SUCCESS means the platform will resume the hart at
   * `resumeAddr` with a0 = hartid, a1 = opaque, and the call does not return.
   * Default types are always offered to the platform, which may answer SBI_ERR_NOT_SUPPORTED.
   */
  hartSuspend(hartId: number, suspendType: number, resumeAddr: bigint, opaque: bigint): number;
  /** Platform-specific suspend types the platform implements (others are SBI_ERR_INVALID_PARAM). */
  readonly platformSuspendTypes?: readonly number[];
  /** Whether S-mode code may execute at `pa` (start and resume addresses). */
  isExecutable(pa: bigint): boolean;
}

/** Whether a suspend type is one the spec reserves (SBI spec, "HSM Hart Suspend Types"). */
function reservedSuspendType(t: number): boolean {
  return (t > d.SBI_HSM_SUSPEND_RET_DEFAULT && t < d.SBI_HSM_SUSPEND_RET_PLATFORM) ||
    (t > d.SBI_HSM_SUSPEND_NON_RET_DEFAULT && t < d.SBI_HSM_SUSPEND_NON_RET_PLATFORM);
}

export function hsm(host: SbiHsmHost): SbiExtension {
  return {
    name: 'hsm',
    owns: (eid) => eid === d.SBI_EXT_HSM,
    handle(ctx, _eid, fid, args) {
      switch (fid) {
        case d.SBI_EXT_HSM_HART_START: {
          const hartid = arg(args, 0);
          if (!ctx.isHart(hartid)) return ret(d.SBI_ERR_INVALID_PARAM);
          const id = Number(hartid);
          if (host.hartStatus(id) !== d.SBI_HSM_STATE_STOPPED) return ret(d.SBI_ERR_ALREADY_AVAILABLE);
          const addr = arg(args, 1);
          if (!host.isExecutable(addr)) return ret(d.SBI_ERR_INVALID_ADDRESS);
          const err = host.hartStart(id, addr, arg(args, 2));
          return err === d.SBI_SUCCESS ? ok() : ret(err);
        }
        case d.SBI_EXT_HSM_HART_STOP: {
          const err = host.hartStop(ctx.hartId);
          return err === d.SBI_SUCCESS ? { kind: 'none' } : ret(d.SBI_ERR_FAILED);
        }
        case d.SBI_EXT_HSM_HART_GET_STATUS: {
          const hartid = arg(args, 0);
          if (!ctx.isHart(hartid)) return ret(d.SBI_ERR_INVALID_PARAM);
          return ok(BigInt(host.hartStatus(Number(hartid))));
        }
        case d.SBI_EXT_HSM_HART_SUSPEND: {
          const type = arg32(args, 0);
          if (reservedSuspendType(type)) return ret(d.SBI_ERR_INVALID_PARAM);
          const isDefault = type === d.SBI_HSM_SUSPEND_RET_DEFAULT || type === d.SBI_HSM_SUSPEND_NON_RET_DEFAULT;
          if (!isDefault && !(host.platformSuspendTypes ?? []).includes(type)) return ret(d.SBI_ERR_INVALID_PARAM);
          const nonRetentive = type >= d.SBI_HSM_SUSPEND_NON_RET_DEFAULT;
          const resumeAddr = arg(args, 1);
          // resume_addr is unused for retentive suspend (SBI spec, HSM FID 3).
          if (nonRetentive && !host.isExecutable(resumeAddr)) return ret(d.SBI_ERR_INVALID_ADDRESS);
          const err = host.hartSuspend(ctx.hartId, type, resumeAddr, arg(args, 2));
          if (err !== d.SBI_SUCCESS) return ret(err);
          return nonRetentive ? { kind: 'none' } : ok();
        }
        default:
          return ret(d.SBI_ERR_NOT_SUPPORTED);
      }
    },
  };
}
