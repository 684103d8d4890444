/**
 * Which SBI specification this package implements, and every version from
 * 0.1 to 3.0 as data: the extensions each defines, the function IDs of each,
 * and the error codes that exist (SBI spec, src/changelog.adoc and each
 * chapter's "Function Listing" table).
 */
import * as d from './defs';

/** The document this package follows. */
export const SBI_SPEC = {
  document: 'RISC-V Supervisor Binary Interface Specification',
  newestVersion: '3.0',
  status: 'ratified',
} as const;

/** One version of the SBI specification, as data. */
export interface SbiSpecVersion {
  readonly specificationVersion: string; // '2.0'
  readonly major: number;
  readonly minor: number;
  readonly status: 'ratified' | 'frozen' | 'draft';
  /**
   * EID -> the FIDs this version defines for it. Legacy EIDs 0x00-0x08 list
   * no FIDs: their function is the EID, a6 is ignored (SBI spec, "Legacy Extensions").
   */
  readonly extensions: ReadonlyMap<number, readonly number[]>;
  /** EID ranges this version reserves for experimental / vendor / firmware use. */
  readonly ranges: readonly { readonly from: number; readonly to: number; readonly name: string }[];
  /** Error codes this version defines (0 and the negative codes). */
  readonly errors: ReadonlySet<number>;
  /** True only for 0.1: every return is legacy-shaped (a0 only). */
  readonly legacyOnly: boolean;
}

const fids = (n: number): readonly number[] => Array.from({ length: n }, (_, i) => i);

function derive(
  parent: SbiSpecVersion | undefined,
  v: { name: string; major: number; minor: number; add?: [number, readonly number[]][]; remove?: number[]; errors?: number[]; ranges?: boolean },
): SbiSpecVersion {
  const extensions = new Map(parent?.extensions ?? []);
  for (const eid of v.remove ?? []) extensions.delete(eid);
  for (const [eid, f] of v.add ?? []) extensions.set(eid, f);
  const errors = new Set(parent?.errors ?? []);
  for (const e of v.errors ?? []) errors.add(e);
  return Object.freeze({
    specificationVersion: v.name,
    major: v.major,
    minor: v.minor,
    status: 'ratified' as const,
    extensions,
    ranges: v.ranges || parent?.ranges.length
      ? [
          { from: d.SBI_EXT_EXPERIMENTAL_START, to: d.SBI_EXT_EXPERIMENTAL_END, name: 'experimental' },
          { from: d.SBI_EXT_VENDOR_START, to: d.SBI_EXT_VENDOR_END, name: 'vendor' },
          { from: d.SBI_EXT_FIRMWARE_START, to: d.SBI_EXT_FIRMWARE_END, name: 'firmware' },
        ]
      : [],
    errors,
    legacyOnly: v.major === 0 && v.minor === 1,
  });
}

const LEGACY_EIDS: [number, readonly number[]][] = fids(9).map((eid) => [eid, []]);

/** SBI 0.1: the legacy calls only; no BASE, no error convention. */
export const SBI_V0_1 = derive(undefined, { name: '0.1', major: 0, minor: 1, add: LEGACY_EIDS });

/** SBI 0.2 (2020): legacy becomes an optional extension; BASE, TIME, IPI, RFENCE, HSM. */
export const SBI_V0_2 = derive(SBI_V0_1, {
  name: '0.2', major: 0, minor: 2, ranges: true,
  add: [
    [d.SBI_EXT_BASE, fids(7)],
    [d.SBI_EXT_TIME, fids(1)],
    [d.SBI_EXT_IPI, fids(1)],
    [d.SBI_EXT_RFENCE, fids(7)],
    [d.SBI_EXT_HSM, fids(3)],
  ],
  errors: [d.SBI_SUCCESS, d.SBI_ERR_FAILED, d.SBI_ERR_NOT_SUPPORTED, d.SBI_ERR_INVALID_PARAM,
    d.SBI_ERR_DENIED, d.SBI_ERR_INVALID_ADDRESS, d.SBI_ERR_ALREADY_AVAILABLE],
});

/** SBI 0.3 (2021): SRST, PMU, HSM hart_suspend. */
export const SBI_V0_3 = derive(SBI_V0_2, {
  name: '0.3', major: 0, minor: 3,
  add: [[d.SBI_EXT_HSM, fids(4)], [d.SBI_EXT_SRST, fids(1)], [d.SBI_EXT_PMU, fids(6)]],
  errors: [d.SBI_ERR_ALREADY_STARTED, d.SBI_ERR_ALREADY_STOPPED],
});

/** SBI 1.0 (2022): ratification, nothing new. */
export const SBI_V1_0 = derive(SBI_V0_3, { name: '1.0', major: 1, minor: 0 });

/** SBI 2.0 (2024): DBCN, SUSP, CPPC, NACL, STA, PMU fw_read_hi and snapshot. */
export const SBI_V2_0 = derive(SBI_V1_0, {
  name: '2.0', major: 2, minor: 0,
  add: [
    [d.SBI_EXT_PMU, fids(8)],
    [d.SBI_EXT_DBCN, fids(3)],
    [d.SBI_EXT_SUSP, fids(1)],
    [d.SBI_EXT_CPPC, fids(4)],
    [d.SBI_EXT_NACL, fids(5)],
    [d.SBI_EXT_STA, fids(1)],
  ],
  errors: [d.SBI_ERR_NO_SHMEM],
});

/** SBI 3.0 (2025, ratified): SSE, FWFT, DBTR, MPXY, PMU event_get_info. */
export const SBI_V3_0 = derive(SBI_V2_0, {
  name: '3.0', major: 3, minor: 0,
  add: [
    [d.SBI_EXT_PMU, fids(9)],
    [d.SBI_EXT_SSE, fids(d.SBI_EXT_SSE_FID_COUNT)],
    [d.SBI_EXT_FWFT, fids(2)],
    [d.SBI_EXT_DBTR, fids(d.SBI_EXT_DBTR_FID_COUNT)],
    [d.SBI_EXT_MPXY, fids(d.SBI_EXT_MPXY_FID_COUNT)],
  ],
  errors: [d.SBI_ERR_INVALID_STATE, d.SBI_ERR_BAD_RANGE, d.SBI_ERR_TIMEOUT, d.SBI_ERR_IO, d.SBI_ERR_DENIED_LOCKED],
});

/** Every version, oldest first. */
export const SBI_VERSIONS: readonly SbiSpecVersion[] = [SBI_V0_1, SBI_V0_2, SBI_V0_3, SBI_V1_0, SBI_V2_0, SBI_V3_0];

/** Finds a version by its name ('0.1' .. '3.0'); throws a RangeError naming the choices otherwise. */
export function sbiVersion(name: string): SbiSpecVersion {
  const v = SBI_VERSIONS.find((x) => x.specificationVersion === name || `v${x.specificationVersion}` === name);
  if (!v) {
    throw new RangeError(`unknown SBI version '${name}': choose one of ${SBI_VERSIONS.map((x) => x.specificationVersion).join(', ')}`);
  }
  return v;
}

/** The value BASE.get_spec_version returns: major in bits 30:24, minor in 23:0 (SBI spec, BASE FID 0). */
export function specVersionValue(v: SbiSpecVersion): bigint {
  return BigInt(((v.major & 0x7f) << 24) | (v.minor & 0xffffff));
}
