/** SUSP extension, EID 0x53555350 (SBI spec, "System Suspend Extension"), 2.0. */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { arg, arg32, ret } from '../util';

/** What SUSP needs from the platform. */
export interface SbiSystemSuspendHost {
  /** HSM state of a hart, to check SUSPEND_TO_RAM's entry criterion. */
  hartStatus(hartId: number): number;
  isExecutable(pa: bigint): boolean;
  /**
   * Suspends the system. SBI_SUCCESS: the calling hart will resume later at
   * `resumeAddr` with a0 = hartid, a1 = opaque (the call does not return).
   * 'forward': another layer carries the suspend out (KVM forwards SUSP to
   * the VMM after its own checks). Otherwise an SBI error code.
   */
  systemSuspend(hartId: number, sleepType: number, resumeAddr: bigint, opaque: bigint): number | 'forward';
  /** Platform-specific sleep types (0x80000000..) the platform implements. */
  readonly platformSleepTypes?: readonly number[];
}

export function susp(host: SbiSystemSuspendHost): SbiExtension {
  return {
    name: 'susp',
    owns: (eid) => eid === d.SBI_EXT_SUSP,
    handle(ctx, _eid, fid, args) {
      if (fid !== d.SBI_EXT_SUSP_SYSTEM_SUSPEND) return ret(d.SBI_ERR_NOT_SUPPORTED);
      const type = arg32(args, 0);
      const known = type === d.SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM ||
        (type >= d.SBI_SUSP_PLATFORM_SLEEP_START && (host.platformSleepTypes ?? []).includes(type));
      if (!known) return ret(d.SBI_ERR_INVALID_PARAM);
      const resumeAddr = arg(args, 1);
      if (!host.isExecutable(resumeAddr)) return ret(d.SBI_ERR_INVALID_ADDRESS);
      // SUSPEND_TO_RAM "requires all but the calling hart be in the HSM STOPPED state".
      if (type === d.SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM) {
        for (const h of ctx.hartIds) {
          if (h !== ctx.hartId && host.hartStatus(h) !== d.SBI_HSM_STATE_STOPPED) return ret(d.SBI_ERR_DENIED);
        }
      }
      const r = host.systemSuspend(ctx.hartId, type, resumeAddr, arg(args, 2));
      if (r === 'forward') return { kind: 'forward' };
      return r === d.SBI_SUCCESS ? { kind: 'none' } : ret(r);
    },
  };
}
