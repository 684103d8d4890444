/**
 * The experimental (0x08000000-0x08FFFFFF) and vendor (0x09000000-0x09FFFFFF)
 * EID ranges (SBI spec, "Experimental SBI Extension Space", "Vendor Specific
 * Extension Space"). Nothing is defined in them: a platform may plug a handler
 * in; KVM forwards them to the VMM (see kvm-split.ts).
 */
import * as d from '../defs';
import type { SbiCallContext, SbiExtension, SbiOutcome } from '../types';
import { ret } from '../util';

export type SbiRangeHandler = (ctx: SbiCallContext, eid: number, fid: number, args: readonly bigint[]) => SbiOutcome;

function range(name: 'experimental' | 'vendor', from: number, to: number, handler?: SbiRangeHandler): SbiExtension {
  return {
    name,
    owns: (eid) => eid >= from && eid <= to,
    // Without a handler nothing lives in the range, so probing says "not available".
    probe: () => (handler ? 1n : 0n),
    handle: (ctx, eid, fid, args) => (handler ? handler(ctx, eid, fid, args) : ret(d.SBI_ERR_NOT_SUPPORTED)),
  };
}

export const experimental = (handler?: SbiRangeHandler): SbiExtension =>
  range('experimental', d.SBI_EXT_EXPERIMENTAL_START, d.SBI_EXT_EXPERIMENTAL_END, handler);

export const vendor = (handler?: SbiRangeHandler): SbiExtension =>
  range('vendor', d.SBI_EXT_VENDOR_START, d.SBI_EXT_VENDOR_END, handler);
