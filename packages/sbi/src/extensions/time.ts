/** TIME extension, EID 0x54494D45 (SBI spec, "Timer Extension"). */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { arg, ok, ret } from '../util';

/** What TIME needs from the platform. */
export interface SbiTimerHost {
  /**
   * Programs the calling hart's supervisor timer for absolute time `stime`
   * and clears its pending timer interrupt when `stime` is in the future
   * (SBI spec, TIME FID 0: "must clear the pending timer interrupt bit").
   */
  setTimer(hartId: number, stime: bigint): void;
}

export function time(host: SbiTimerHost): SbiExtension {
  return {
    name: 'time',
    owns: (eid) => eid === d.SBI_EXT_TIME,
    handle(ctx, _eid, fid, args) {
      if (fid !== d.SBI_EXT_TIME_SET_TIMER) return ret(d.SBI_ERR_NOT_SUPPORTED);
      // RV64: stime_value is a0 (uint64_t fits one register). Always SBI_SUCCESS.
      host.setTimer(ctx.hartId, arg(args, 0));
      ctx.firmwareEvent(d.SBI_PMU_FW_SET_TIMER, ctx.hartId);
      return ok();
    },
  };
}
