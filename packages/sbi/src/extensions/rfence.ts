/** RFENCE extension, EID 0x52464E43 "RFNC" (SBI spec, "RFENCE Extension"). */
import * as d from '../defs';
import type { SbiCallContext, SbiExtension } from '../types';
import { ALL_ONES, INVALID_HART_MASK, arg, decodeHartMask, ok, ret } from '../util';

export type RemoteFenceKind =
  | 'fence.i'
  | 'sfence.vma'
  | 'sfence.vma.asid'
  | 'hfence.gvma.vmid'
  | 'hfence.gvma'
  | 'hfence.vvma.asid'
  | 'hfence.vvma';

/** One remote fence request, already validated. */
export interface RemoteFence {
  readonly kind: RemoteFenceKind;
  readonly fromHartId: number;
  readonly hartIds: readonly number[];
  /** The whole address space when `all` is true (start 0 and size 0, or size 2^XLEN-1). */
  readonly all: boolean;
  readonly start: bigint;
  readonly size: bigint;
  /** For the *.asid kinds. */
  readonly asid?: bigint;
  /** For hfence.gvma.vmid. */
  readonly vmid?: bigint;
}

/** What RFENCE (and the legacy remote fences) need from the platform. */
export interface SbiRfenceHost {
  /** Whether the target harts implement the H extension (HFENCE functions need it). */
  readonly hypervisor: boolean;
  /** Performs the fence on every listed hart; returns an SBI error code (SBI_SUCCESS normally). */
  remoteFence(req: RemoteFence): number;
}

/** RV64 satp.ASID is 16 bits; hgatp.VMID is 14 bits (priv spec, "satp", "hgatp"). */
const ASID_LIMIT = 1n << 16n;
const VMID_LIMIT = 1n << 14n;

const KINDS: readonly RemoteFenceKind[] = [
  'fence.i', 'sfence.vma', 'sfence.vma.asid', 'hfence.gvma.vmid', 'hfence.gvma', 'hfence.vvma.asid', 'hfence.vvma',
];

/**
 * The range rule of the RFENCE chapter: start 0 with size 0, or size 2^XLEN-1,
 * means everything; any other range must not wrap past the top of the address
 * space (such a range is "not valid": SBI_ERR_INVALID_ADDRESS).
 */
export function fenceRange(start: bigint, size: bigint): { all: boolean } | undefined {
  if ((start === 0n && size === 0n) || size === ALL_ONES) return { all: true };
  if (start + size > ALL_ONES + 1n) return undefined;
  return { all: false };
}

/** PMU firmware events of each fence kind: [sent, received] (SBI spec, "PMU Firmware Events"). */
const FENCE_EVENTS: Readonly<Record<RemoteFenceKind, readonly [number, number]>> = {
  'fence.i': [d.SBI_PMU_FW_FENCE_I_SENT, d.SBI_PMU_FW_FENCE_I_RECEIVED],
  'sfence.vma': [d.SBI_PMU_FW_SFENCE_VMA_SENT, d.SBI_PMU_FW_SFENCE_VMA_RECEIVED],
  'sfence.vma.asid': [d.SBI_PMU_FW_SFENCE_VMA_ASID_SENT, d.SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED],
  'hfence.gvma': [d.SBI_PMU_FW_HFENCE_GVMA_SENT, d.SBI_PMU_FW_HFENCE_GVMA_RECEIVED],
  'hfence.gvma.vmid': [d.SBI_PMU_FW_HFENCE_GVMA_VMID_SENT, d.SBI_PMU_FW_HFENCE_GVMA_VMID_RECEIVED],
  'hfence.vvma': [d.SBI_PMU_FW_HFENCE_VVMA_SENT, d.SBI_PMU_FW_HFENCE_VVMA_RECEIVED],
  'hfence.vvma.asid': [d.SBI_PMU_FW_HFENCE_VVMA_ASID_SENT, d.SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED],
};

/** Counts one request per target hart, on the sender and on the target. */
export function countFence(ctx: SbiCallContext, req: RemoteFence): void {
  const [sent, received] = FENCE_EVENTS[req.kind];
  for (const h of req.hartIds) {
    ctx.firmwareEvent(sent, req.fromHartId);
    ctx.firmwareEvent(received, h);
  }
}

export function rfence(host: SbiRfenceHost): SbiExtension {
  return {
    name: 'rfence',
    owns: (eid) => eid === d.SBI_EXT_RFENCE,
    handle(ctx, _eid, fid, args) {
      const kind = KINDS[fid];
      if (kind === undefined) return ret(d.SBI_ERR_NOT_SUPPORTED);
      if (kind.startsWith('hfence') && !host.hypervisor) return ret(d.SBI_ERR_NOT_SUPPORTED);
      const harts = decodeHartMask(ctx, arg(args, 0), arg(args, 1));
      if (!harts) return INVALID_HART_MASK;
      const start = arg(args, 2);
      const size = arg(args, 3);
      let asid: bigint | undefined;
      let vmid: bigint | undefined;
      if (kind === 'sfence.vma.asid' || kind === 'hfence.vvma.asid') {
        asid = arg(args, 4);
        if (asid >= ASID_LIMIT) return ret(d.SBI_ERR_INVALID_PARAM);
      } else if (kind === 'hfence.gvma.vmid') {
        vmid = arg(args, 4);
        if (vmid >= VMID_LIMIT) return ret(d.SBI_ERR_INVALID_PARAM);
      }
      let all = false;
      if (kind !== 'fence.i') {
        const r = fenceRange(start, size);
        if (!r) return ret(d.SBI_ERR_INVALID_ADDRESS);
        all = r.all;
      } else {
        all = true;
      }
      const req: RemoteFence = {
        kind, fromHartId: ctx.hartId, hartIds: harts, all, start, size,
        ...(asid !== undefined ? { asid } : {}), ...(vmid !== undefined ? { vmid } : {}),
      };
      const err = host.remoteFence(req);
      if (err !== d.SBI_SUCCESS) return ret(err);
      countFence(ctx, req);
      return ok();
    },
  };
}
