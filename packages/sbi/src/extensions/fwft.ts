/** FWFT extension, EID 0x46574654 (SBI spec, "SBI Firmware Features Extension"), 3.0. */
import * as d from '../defs';
import type { SbiExtension } from '../types';
import { arg, arg32, ok, ret } from '../util';

/** One feature the platform really implements. */
export interface SbiFwftFeature {
  /** Global features are set once for all harts; local ones per hart (SBI spec, "FWFT Feature Attributes"). */
  readonly global?: boolean;
  /** Whether `value` is one this feature accepts (SBI_ERR_INVALID_PARAM otherwise). */
  validValue(value: bigint): boolean;
  get(hartId: number): bigint;
  /** Applies the value; returns an SBI error code. */
  set(hartId: number, value: bigint): number;
}

/** Feature id -> implementation. Standard features left out answer SBI_ERR_NOT_SUPPORTED. */
export type SbiFwftHost = Readonly<Partial<Record<number, SbiFwftFeature>>>;

type Class = 'standard' | 'reserved' | 'platform';

/** The feature-type ranges of table "FWFT Feature Types". */
function classify(f: number): Class {
  if (f < d.SBI_FWFT_LOCAL_RESERVED_START) return 'standard';
  if (f < d.SBI_FWFT_LOCAL_PLATFORM_START) return 'reserved';
  if (f < d.SBI_FWFT_GLOBAL_RESERVED_START) return 'platform';
  if (f < d.SBI_FWFT_GLOBAL_PLATFORM_START) return 'reserved';
  return 'platform';
}

export function fwft(features: SbiFwftHost): SbiExtension {
  /** Locks: "hart:feature" for local features, "*:feature" for global ones. */
  const locks = new Set<string>();
  const lockKey = (hartId: number, f: number, feat: SbiFwftFeature): string => `${feat.global ? '*' : hartId}:${f}`;
  /** The feature, or the error the spec assigns to asking for it. */
  const lookup = (f: number): SbiFwftFeature | number => {
    const feat = features[f];
    if (feat) return feat;
    // Reserved or unimplemented platform-specific: SBI_ERR_DENIED; unsupported standard: SBI_ERR_NOT_SUPPORTED.
    return classify(f) === 'standard' ? d.SBI_ERR_NOT_SUPPORTED : d.SBI_ERR_DENIED;
  };
  return {
    name: 'fwft',
    owns: (eid) => eid === d.SBI_EXT_FWFT,
    handle(ctx, _eid, fid, args) {
      const f = arg32(args, 0);
      const feat = lookup(f);
      if (typeof feat === 'number') return ret(feat);
      if (fid === d.SBI_EXT_FWFT_GET) return ok(feat.get(ctx.hartId));
      if (fid !== d.SBI_EXT_FWFT_SET) return ret(d.SBI_ERR_NOT_SUPPORTED);
      const value = arg(args, 1);
      const flags = arg(args, 2);
      if ((flags & ~BigInt(d.SBI_FWFT_SET_FLAG_LOCK)) !== 0n) return ret(d.SBI_ERR_INVALID_PARAM);
      const key = lockKey(ctx.hartId, f, feat);
      if (locks.has(key)) return ret(d.SBI_ERR_DENIED_LOCKED);
      if (!feat.validValue(value)) return ret(d.SBI_ERR_INVALID_PARAM);
      const err = feat.set(ctx.hartId, value);
      if (err !== d.SBI_SUCCESS) return ret(err);
      if (flags & BigInt(d.SBI_FWFT_SET_FLAG_LOCK)) locks.add(key);
      return ok();
    },
    resetHart(hartId) {
      // Local locks last until hart reset; global ones until system reset (SBI spec, FWFT "LOCK" flag).
      for (const k of [...locks]) if (k.startsWith(`${hartId}:`)) locks.delete(k);
    },
    getState() {
      return { locks: [...locks] };
    },
    setState(state) {
      locks.clear();
      for (const k of (state as { locks: string[] }).locks) locks.add(k);
    },
  };
}
