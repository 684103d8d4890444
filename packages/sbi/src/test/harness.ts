/** Shared by this package's own tests: an Sbi over a FakePlatform and a call helper. */
import { createSbi } from '../sbi';
import type { Sbi } from '../sbi';
import { SBI_V3_0 } from '../spec';
import type { SbiSpecVersion } from '../spec';
import { standardExtensions } from '../standard';
import type { SbiOutcome, SbiRouter } from '../types';
import { SBI_IMPL_ID_KVM } from '../defs';
import { FakePlatform } from './index';
import type { FakePlatformOptions } from './index';

export interface Harness {
  sbi: Sbi;
  p: FakePlatform;
  /** ECALL from `hart` (default 0) with a7 = eid, a6 = fid and a0.. = args. */
  call(eid: number | bigint, fid: number | bigint, ...args: (number | bigint)[]): SbiOutcome;
  callFrom(hart: number, eid: number | bigint, fid: number | bigint, ...args: (number | bigint)[]): SbiOutcome;
}

export function harness(version: SbiSpecVersion = SBI_V3_0, options: FakePlatformOptions & { route?: SbiRouter } = {}): Harness {
  const p = new FakePlatform(options);
  const sbi = createSbi({
    version, extensions: standardExtensions(p), hartIds: p.hartIds,
    impl: { id: SBI_IMPL_ID_KVM, version: 0x60c00n, mvendorid: 0x489n, marchid: 5n, mimpid: 7n },
    ...(options.route ? { route: options.route } : {}),
  });
  const callFrom = (hart: number, eid: number | bigint, fid: number | bigint, ...args: (number | bigint)[]): SbiOutcome =>
    sbi.call(hart, { eid: BigInt.asUintN(64, BigInt(eid)), fid: BigInt.asUintN(64, BigInt(fid)), args: args.map((a) => BigInt.asUintN(64, BigInt(a))) });
  return { sbi, p, callFrom, call: (eid, fid, ...args) => callFrom(0, eid, fid, ...args) };
}

/** Shorthands for expected outcomes. */
export const R = (error: number, value: bigint | number = 0): SbiOutcome => ({ kind: 'return', error, value: BigInt.asUintN(64, BigInt(value)) });
export const L = (value: bigint | number): SbiOutcome => ({ kind: 'legacy', value: BigInt.asUintN(64, BigInt(value)) });
