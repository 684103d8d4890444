/** SRST extension, EID 0x53525354 (SBI spec, "System Reset Extension"). */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { arg32, ret } from '../util';

/** What SRST needs from the platform. */
export interface SbiResetHost {
  /**
   * Resets or shuts the system down. SBI_SUCCESS means it happened and the call
   * does not return; otherwise an SBI error code (e.g. SBI_ERR_NOT_SUPPORTED).
   */
  systemReset(hartId: number, resetType: number, resetReason: number): number;
  /** Vendor reset types (0xF0000000..) and reasons (0xF0000000.., 0xE0000000..) the platform implements. */
  readonly vendorResetTypes?: readonly number[];
  readonly implResetReasons?: readonly number[];
}

function validType(host: SbiResetHost, t: number): boolean {
  if (t <= d.SBI_SRST_RESET_TYPE_WARM_REBOOT) return true;
  return t >= d.SBI_SRST_RESET_TYPE_VENDOR_START && (host.vendorResetTypes ?? []).includes(t);
}

function validReason(host: SbiResetHost, r: number): boolean {
  if (r <= d.SBI_SRST_RESET_REASON_SYSFAIL) return true;
  return r >= d.SBI_SRST_RESET_REASON_SBI_START && (host.implResetReasons ?? []).includes(r);
}

export function srst(host: SbiResetHost): SbiExtension {
  return {
    name: 'srst',
    owns: (eid) => eid === d.SBI_EXT_SRST,
    handle(ctx, _eid, fid, args) {
      if (fid !== d.SBI_EXT_SRST_RESET) return ret(d.SBI_ERR_NOT_SUPPORTED);
      const type = arg32(args, 0);
      const reason = arg32(args, 1);
      // Reserved or unimplemented platform values: SBI_ERR_INVALID_PARAM (SBI spec, "SRST System Reset Errors").
      if (!validType(host, type) || !validReason(host, reason)) return ret(d.SBI_ERR_INVALID_PARAM);
      const err = host.systemReset(ctx.hartId, type, reason);
      return err === d.SBI_SUCCESS ? { kind: 'none' } : ret(err);
    },
  };
}
