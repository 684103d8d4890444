/** BASE extension, EID 0x10 (SBI spec, "Base Extension"): version, identity and probing. */
import * as d from '../defs';
import { specVersionValue } from '../spec';
import type { SbiExtension } from '../types';
import { arg, ok, ret } from '../util';

/** The BASE module. All its functions always succeed (the spec defines no errors for them). */
export function base(): SbiExtension {
  return {
    name: 'base',
    owns: (eid) => eid === d.SBI_EXT_BASE,
    handle(ctx, _eid, fid, args) {
      switch (fid) {
        case d.SBI_EXT_BASE_GET_SPEC_VERSION:
          return ok(specVersionValue(ctx.version));
        case d.SBI_EXT_BASE_GET_IMP_ID:
          return ok(BigInt(ctx.impl.id));
        case d.SBI_EXT_BASE_GET_IMP_VERSION:
          return ok(ctx.impl.version);
        case d.SBI_EXT_BASE_PROBE_EXT: {
          // The argument is a `long` EID: anything that is not a signed 32-bit value names no extension.
          const v = BigInt.asIntN(64, arg(args, 0));
          if (v !== BigInt.asIntN(32, v) || v < 0n) return ok(0n);
          return ok(ctx.probe(Number(v)));
        }
        case d.SBI_EXT_BASE_GET_MVENDORID:
          return ok(ctx.impl.mvendorid);
        case d.SBI_EXT_BASE_GET_MARCHID:
          return ok(ctx.impl.marchid);
        case d.SBI_EXT_BASE_GET_MIMPID:
          return ok(ctx.impl.mimpid);
        default:
          return ret(d.SBI_ERR_NOT_SUPPORTED);
      }
    },
  };
}
