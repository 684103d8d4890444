/** IPI extension, EID 0x735049 "sPI" (SBI spec, "IPI Extension"). */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { INVALID_HART_MASK, arg, decodeHartMask, ok, ret } from '../util';

/** What IPI needs from the platform. */
export interface SbiIpiHost {
  /** Raises a supervisor software interrupt on each hart (SBI spec: IPIs "manifest ... as supervisor software interrupts"). */
  sendIpi(fromHartId: number, hartIds: readonly number[]): void;
}

export function ipi(host: SbiIpiHost): SbiExtension {
  return {
    name: 'ipi',
    owns: (eid) => eid === d.SBI_EXT_IPI,
    handle(ctx, _eid, fid, args) {
      if (fid !== d.SBI_EXT_IPI_SEND_IPI) return ret(d.SBI_ERR_NOT_SUPPORTED);
      // Validate the whole list first: an invalid hart sends nothing.
      const harts = decodeHartMask(ctx, arg(args, 0), arg(args, 1));
      if (!harts) return INVALID_HART_MASK;
      host.sendIpi(ctx.hartId, harts);
      for (const h of harts) {
        ctx.firmwareEvent(d.SBI_PMU_FW_IPI_SENT, ctx.hartId);
        ctx.firmwareEvent(d.SBI_PMU_FW_IPI_RECEIVED, h);
      }
      return ok();
    },
  };
}
