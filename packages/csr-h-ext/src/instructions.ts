/**
 * HLV, HLVX, HSV, HFENCE.VVMA and HFENCE.GVMA (H: "Hypervisor Virtual-Machine Load and Store
 * Instructions", "Hypervisor Memory-Management Fence Instructions"). Guards first:
 * V=1 -> virtual-instruction; U-mode without hstatus.HU -> illegal; then the work.
 */
import { R, type Hart, type InsnRow } from '@tsvisor/isa-core';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, TRANSLATE_FAULT, makeOp } from '@tsvisor/mmu-2stage';
import type { HypervisorSpec } from './spec.js';
import { hstate } from './state.js';
import { syncTranslator, virtualInstruction } from './csrs.js';
import { raiseTranslationFault } from './hypervisor.js';
import {
  MASK_HFENCE, MASK_HLV, MASK_HSV, MATCH_HFENCE_GVMA, MATCH_HFENCE_VVMA, MATCH_HLVX_HU, MATCH_HLVX_WU, MATCH_HLV_B,
  MATCH_HLV_BU, MATCH_HLV_D, MATCH_HLV_H, MATCH_HLV_HU, MATCH_HLV_W, MATCH_HLV_WU, MATCH_HSV_B, MATCH_HSV_D,
  MATCH_HSV_H, MATCH_HSV_W,
} from './defs.js';

const PRV_U = 0;
const HSTATUS_SPVP = 1 << 8;
const HSTATUS_HU = 1 << 9;
const MSTATUS_TVM = 1 << 20;
const TWO32 = 4294967296;

/** Guards shared by every H instruction. */
function guard(h: Hart): void {
  if (h.virt) virtualInstruction(h);
  if (h.priv === PRV_U && (hstate(h).lo('hstatus') & HSTATUS_HU) === 0) h.illegal();
}

/** Translate a guest VA for HLV/HLVX/HSV as VS or VU (hstatus.SPVP), ignoring MPRV; raise on fault. */
function guestAddress(h: Hart, al: number, ah: number, store: boolean, hlvx: boolean, size: number): number {
  const st = hstate(h);
  st.hlvActive = true;
  if ((al & (size - 1)) !== 0) h.raise(store ? 6 : 4, al, ah);
  syncTranslator(h, st);
  const priv = (st.lo('hstatus') & HSTATUS_SPVP) !== 0 ? 1 : 0;
  const pa = st.translator.translate(al, ah, makeOp({ access: store ? 'store' : 'load', priv, virt: true, hlvx }));
  if (pa === TRANSLATE_FAULT) raiseTranslationFault(h, st);
  // PMP on the final address with the effective privilege (VS -> S, VU -> U; priv spec
  // "Physical Memory Protection": checks apply to the accesses' effective privilege). HLVX
  // needs read and execute permission (H "Hypervisor Virtual-Machine Load and Store
  // Instructions"); a denial is a load (HLV/HLVX) or store/AMO (HSV) access fault.
  const ok = store ? h.pmp.check(pa, size, ACCESS_STORE, priv)
    : h.pmp.check(pa, size, ACCESS_LOAD, priv) && (!hlvx || h.pmp.check(pa, size, ACCESS_FETCH, priv));
  if (!ok) h.raise(store ? 7 : 5, al, ah);
  return pa;
}

function hlv(size: 1 | 2 | 4 | 8, signed: boolean, hlvx: boolean) {
  return (h: Hart, insn: number): void => {
    guard(h);
    const s = (insn >>> 14) & 62, d = (insn >>> 6) & 62;
    const al = h.x[s], ah = h.x[s + 1];
    const pa = guestAddress(h, al, ah, false, hlvx, size);
    let lo: number, hi: number;
    if (size === 8) {
      lo = h.memory.load64(pa);
      hi = R.hi;
    } else {
      lo = h.memory.load(pa, size);
      hi = 0;
    }
    if (lo !== lo) h.raise(5, al, ah);
    hstate(h).hlvActive = false;
    if (size < 8) {
      if (signed) {
        const sh = 32 - 8 * size;
        lo = (lo << sh) >> sh;
        hi = lo >> 31;
      } else {
        lo = size === 4 ? lo | 0 : lo;
        hi = 0;
      }
    }
    h.x[d] = lo;
    h.x[d + 1] = hi;
  };
}

function hsv(size: 1 | 2 | 4 | 8) {
  return (h: Hart, insn: number): void => {
    guard(h);
    const s1 = (insn >>> 14) & 62, s2 = (insn >>> 19) & 62;
    const al = h.x[s1], ah = h.x[s1 + 1];
    const pa = guestAddress(h, al, ah, true, false, size);
    const vl = h.x[s2], vh = h.x[s2 + 1];
    const ok = size === 8 ? h.memory.store64(pa, vl, vh) : h.memory.store(pa, size, size === 4 ? vl : vl & (2 ** (8 * size) - 1));
    if (!ok) h.raise(7, al, ah);
    hstate(h).hlvActive = false;
    // a store may hit a reservation
    if (h.reservation >= 0 && Math.floor(pa / 8) === Math.floor(h.reservation / 8)) h.reservation = -1;
  };
}

function regBig(h: Hart, r: number): bigint {
  return BigInt(h.x[2 * r + 1] >>> 0) * BigInt(TWO32) + BigInt(h.x[2 * r] >>> 0);
}

/** The instruction rows of the H extension (the same for every spec module so far). */
export function hInstructions(_spec: HypervisorSpec): InsnRow[] {
  return [
    { name: 'hlv.b', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_B, mask: MASK_HLV, exec: hlv(1, true, false) },
    { name: 'hlv.bu', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_BU, mask: MASK_HLV, exec: hlv(1, false, false) },
    { name: 'hlv.h', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_H, mask: MASK_HLV, exec: hlv(2, true, false) },
    { name: 'hlv.hu', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_HU, mask: MASK_HLV, exec: hlv(2, false, false) },
    { name: 'hlvx.hu', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLVX_HU, mask: MASK_HLV, exec: hlv(2, false, true) },
    { name: 'hlv.w', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_W, mask: MASK_HLV, exec: hlv(4, true, false) },
    { name: 'hlv.wu', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_WU, mask: MASK_HLV, exec: hlv(4, false, false) },
    { name: 'hlvx.wu', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLVX_WU, mask: MASK_HLV, exec: hlv(4, false, true) },
    { name: 'hlv.d', ext: 'h', fmt: 'd,0(s)', match: MATCH_HLV_D, mask: MASK_HLV, exec: hlv(8, false, false) },
    { name: 'hsv.b', ext: 'h', fmt: 't,0(s)', match: MATCH_HSV_B, mask: MASK_HSV, exec: hsv(1) },
    { name: 'hsv.h', ext: 'h', fmt: 't,0(s)', match: MATCH_HSV_H, mask: MASK_HSV, exec: hsv(2) },
    { name: 'hsv.w', ext: 'h', fmt: 't,0(s)', match: MATCH_HSV_W, mask: MASK_HSV, exec: hsv(4) },
    { name: 'hsv.d', ext: 'h', fmt: 't,0(s)', match: MATCH_HSV_D, mask: MASK_HSV, exec: hsv(8) },
    { name: 'hfence.vvma', ext: 'h', fmt: 's,t', match: MATCH_HFENCE_VVMA, mask: MASK_HFENCE,
      exec(h, insn) {
        // Valid in M and HS (TVM does not affect it); V=1 -> virtual; U -> illegal.
        if (h.virt) virtualInstruction(h);
        if (h.priv === PRV_U) h.illegal();
        const rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
        hstate(h).translator.hfenceVvma({
          addr: rs1 !== 0 ? regBig(h, rs1) : undefined,
          asid: rs2 !== 0 ? h.x[2 * rs2] & 0xffff : undefined,
        });
        h.flushTlb();
      } },
    { name: 'hfence.gvma', ext: 'h', fmt: 's,t', match: MATCH_HFENCE_GVMA, mask: MASK_HFENCE,
      exec(h, insn) {
        // Valid in M, and in HS with mstatus.TVM=0; V=1 -> virtual; U -> illegal.
        if (h.virt) virtualInstruction(h);
        if (h.priv === PRV_U || (h.priv === 1 && (h.mstatus & MSTATUS_TVM) !== 0)) h.illegal();
        const rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
        hstate(h).translator.hfenceGvma({
          // rs1 holds a guest physical address shifted right by 2.
          gpa: rs1 !== 0 ? regBig(h, rs1) << 2n : undefined,
          vmid: rs2 !== 0 ? h.x[2 * rs2] & 0x3fff : undefined,
        });
        h.flushTlb();
      } },
  ];
}
