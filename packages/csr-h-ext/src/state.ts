/**
 * Per-hart H-extension state. 64-bit CSRs are int32 halves (`lo`, `hi`), as everywhere on
 * the hart; values that live in the hart's own fields (hvip and hip in `mipSw`, hie in `mie`,
 * mstatus.MPV/GVA in `mstatusH`) are not duplicated here.
 */
import type { Hart } from '@tsvisor/isa-core';
import type { Translator } from '@tsvisor/mmu-2stage';
import type { HypervisorSpec } from './spec.js';

/** Names of the 64-bit registers kept in `HState.r` (lo at 2i, hi at 2i+1). */
export const REG = {
  hstatus: 0, hedeleg: 1, hideleg: 2, hcounteren: 3, hgeie: 4, henvcfg: 5, htimedelta: 6,
  htval: 7, htinst: 8, hgatp: 9, hgeip: 10, mtval2: 11, mtinst: 12,
  vsstatus: 13, vstvec: 14, vsscratch: 15, vsepc: 16, vscause: 17, vstval: 18, vsatp: 19, vstimecmp: 20,
} as const;
export type RegName = keyof typeof REG;
const REG_COUNT = 21;

export class HState {
  readonly spec: HypervisorSpec;
  /** Number of guest external interrupt sources (hgeip bits GEILEN:1). */
  readonly geilen: number;
  /** hgeie/hgeip implemented bits, as halves. */
  readonly geMaskLo: number;
  readonly geMaskHi: number;
  readonly r = new Int32Array(2 * REG_COUNT);
  /** The hart's mmu-2stage translator (vsatp, hgatp and the single stage). */
  readonly translator: Translator;

  // Trap detail set just before a raise, consumed (and cleared) by enterTrap.
  /** htval/mtval2 source: the guest physical address (not yet shifted). */
  gpaLo = 0;
  gpaHi = 0;
  hasGpa = false;
  /** Set while an HLV/HLVX/HSV runs: its faults carry a guest virtual address (GVA=1) even with V=0. */
  hlvActive = false;

  // What the translator was last told about CSRs the core owns (compared on each walk).
  syncedMstatus = -1;
  syncedMenvcfgHi = -1;

  constructor(h: Hart, spec: HypervisorSpec, geilen: number) {
    this.spec = spec;
    this.geilen = geilen;
    // bits GEILEN:1
    const maskBits = (n: number): [number, number] => {
      let lo = 0, hi = 0;
      for (let b = 1; b <= n; b++) {
        if (b < 32) lo |= 1 << b;
        else hi |= 1 << (b - 32);
      }
      return [lo, hi];
    };
    [this.geMaskLo, this.geMaskHi] = maskBits(geilen);
    // One translator per hart: the core's (V=0) also walks vsatp/hgatp for V=1, and its
    // implicit page-table accesses are checked (RAM, PMP) by the core's own checker.
    this.translator = h.mmu;
  }

  lo(n: RegName): number {
    return this.r[2 * REG[n]];
  }
  hi(n: RegName): number {
    return this.r[2 * REG[n] + 1];
  }
  set(n: RegName, lo: number, hi: number): void {
    this.r[2 * REG[n]] = lo;
    this.r[2 * REG[n] + 1] = hi;
  }
  get(n: RegName): bigint {
    return (BigInt(this.hi(n) >>> 0) << 32n) | BigInt(this.lo(n) >>> 0);
  }
}

const KEY = 'h';

/** The H state of a hart that has the extension attached. */
export function hstate(h: Hart): HState {
  return h.extState.get(KEY) as HState;
}
export function attachState(h: Hart, st: HState): void {
  h.extState.set(KEY, st);
}
