/**
 * Legacy extensions, EIDs 0x00-0x08 (SBI spec, "Legacy Extensions"): the whole
 * SBI 0.1 interface. The EID names the function, a6 is ignored, only a0 is
 * returned, and pointers are supervisor virtual addresses.
 */
import * as d from '../defs';
import type { SbiCallContext, SbiExtension, SbiOutcome } from '../types';
import { arg } from '../util';
import type { SbiConsoleHost } from './dbcn';
import type { SbiIpiHost } from './ipi';
import type { RemoteFenceKind, SbiRfenceHost } from './rfence';
import { countFence, fenceRange } from './rfence';
import type { SbiResetHost } from './srst';
import type { SbiTimerHost } from './time';

/** A load done on the supervisor's behalf: the value, or the fault the supervisor must take. */
export type SupervisorLoad =
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly cause: number; readonly tval: bigint };

/** What the legacy calls need from the platform. */
export interface SbiLegacyHost
  extends SbiTimerHost, SbiIpiHost, Pick<SbiRfenceHost, 'remoteFence'>, SbiConsoleHost, Pick<SbiResetHost, 'systemReset'> {
  /** Clears the hart's pending supervisor software interrupt; returns whether one was pending. */
  clearIpi(hartId: number): boolean;
  /**
   * Loads an unsigned long at supervisor virtual address `va` as hart `hartId`'s
   * S-mode would (its satp, its permissions). A fault is returned, not thrown.
   */
  loadSupervisorUlong(hartId: number, va: bigint): SupervisorLoad;
}

const legacy = (value: bigint | number): SbiOutcome => ({ kind: 'legacy', value: BigInt.asUintN(64, BigInt(value)) });

/** Reads the legacy hart mask (a pointer to XLEN-bit words, one bit per hart). 0 means every hart, as KVM does. */
function readHartMask(ctx: SbiCallContext, host: SbiLegacyHost, ptr: bigint): number[] | SbiOutcome {
  if (ptr === 0n) return [...ctx.hartIds];
  const maxHart = ctx.hartIds.length ? ctx.hartIds[ctx.hartIds.length - 1]! : 0;
  const words = Math.floor(maxHart / 64) + 1;
  const harts: number[] = [];
  for (let w = 0; w < words; w++) {
    const r = host.loadSupervisorUlong(ctx.hartId, BigInt.asUintN(64, ptr + BigInt(w * 8)));
    if (!r.ok) return { kind: 'trap', cause: r.cause, tval: r.tval };
    for (let b = 0; b < 64; b++) {
      if (((r.value >> BigInt(b)) & 1n) === 0n) continue;
      const id = w * 64 + b;
      if (!ctx.isHart(BigInt(id))) return legacy(d.SBI_ERR_INVALID_PARAM);
      harts.push(id);
    }
  }
  return harts;
}

const FENCE_BY_EID: Readonly<Record<number, RemoteFenceKind>> = {
  [d.SBI_EXT_0_1_REMOTE_FENCE_I]: 'fence.i',
  [d.SBI_EXT_0_1_REMOTE_SFENCE_VMA]: 'sfence.vma',
  [d.SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID]: 'sfence.vma.asid',
};

export function legacyExtension(host: SbiLegacyHost): SbiExtension {
  return {
    name: 'legacy',
    owns: (eid) => eid >= d.SBI_EXT_0_1_SET_TIMER && eid <= d.SBI_EXT_0_1_SHUTDOWN,
    handle(ctx, eid, _fid, args) {
      switch (eid) {
        case d.SBI_EXT_0_1_SET_TIMER:
          host.setTimer(ctx.hartId, arg(args, 0));
          ctx.firmwareEvent(d.SBI_PMU_FW_SET_TIMER, ctx.hartId);
          return legacy(0);
        case d.SBI_EXT_0_1_CONSOLE_PUTCHAR: {
          const w = host.consoleWrite(Uint8Array.of(Number(arg(args, 0) & 0xffn)));
          return legacy(w < 0 ? w : 0);
        }
        case d.SBI_EXT_0_1_CONSOLE_GETCHAR: {
          const b = host.consoleRead(1);
          return legacy(b.length > 0 ? b[0]! : -1);
        }
        case d.SBI_EXT_0_1_CLEAR_IPI:
          return legacy(host.clearIpi(ctx.hartId) ? 1 : 0);
        case d.SBI_EXT_0_1_SEND_IPI: {
          const harts = readHartMask(ctx, host, arg(args, 0));
          if (!Array.isArray(harts)) return harts;
          host.sendIpi(ctx.hartId, harts);
          for (const h of harts) {
            ctx.firmwareEvent(d.SBI_PMU_FW_IPI_SENT, ctx.hartId);
            ctx.firmwareEvent(d.SBI_PMU_FW_IPI_RECEIVED, h);
          }
          return legacy(0);
        }
        case d.SBI_EXT_0_1_REMOTE_FENCE_I:
        case d.SBI_EXT_0_1_REMOTE_SFENCE_VMA:
        case d.SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID: {
          const kind = FENCE_BY_EID[eid]!;
          const harts = readHartMask(ctx, host, arg(args, 0));
          if (!Array.isArray(harts)) return harts;
          const start = arg(args, 1);
          const size = arg(args, 2);
          const range = kind === 'fence.i' ? { all: true } : fenceRange(start, size);
          if (!range) return legacy(d.SBI_ERR_INVALID_ADDRESS);
          const asid = kind === 'sfence.vma.asid' ? arg(args, 3) : undefined;
          if (asid !== undefined && asid >= 1n << 16n) return legacy(d.SBI_ERR_INVALID_PARAM);
          const req = {
            kind, fromHartId: ctx.hartId, hartIds: harts, all: range.all, start, size,
            ...(asid !== undefined ? { asid } : {}),
          };
          const err = host.remoteFence(req);
          if (err === d.SBI_SUCCESS) countFence(ctx, req);
          return legacy(err);
        }
        case d.SBI_EXT_0_1_SHUTDOWN: {
          const err = host.systemReset(ctx.hartId, d.SBI_SRST_RESET_TYPE_SHUTDOWN, d.SBI_SRST_RESET_REASON_NONE);
          return err === d.SBI_SUCCESS ? { kind: 'none' } : legacy(err);
        }
        default:
          return legacy(d.SBI_ERR_NOT_SUPPORTED);
      }
    },
  };
}
