/**
 * The AIA CSRs on an isa-core hart (AIA 1.0, chapters "Extensions Smaia and Ssaia" and
 * "Interrupts for Machine and Supervisor Levels", "Interrupts for Virtual Machines"):
 * two `Extension` objects, `smaia` (miselect/mireg, mtopei, mtopi, mvien/mvip) and `ssaia`
 * (siselect/sireg, stopei, stopi; with H also vsiselect/vsireg, vstopei, vstopi, hvien,
 * hvictl, hviprio1/2). The interrupt files behind *ireg/*topei are the hart's IMSIC files
 * (imsic.ts), found through the `files` option; without them 0x70-0xFF is inaccessible.
 *
 * Implementation choices the AIA allows (and Linux and OpenSBI expect nothing more):
 * - the M- and S-level iprio arrays are read-only zeros, so mtopi/stopi report IPRIO = 1
 *   ("Supervisor top interrupt CSR": the simplified IPRIO);
 * - mvien, hvien, hviprio1 and hviprio2 are read-only zeros (the minimal implementations);
 *   mvip bits 1, 5 and 9 alias the software-writable SSIP, STIP and SEIP of mip.
 * Not implemented: hvictl.VTI's trapping of VS accesses and the taking of an hvictl-injected
 * interrupt (hvictl is stored and feeds vstopi only).
 */
import { CSR_SLOTS, R, type CsrRow, type Extension, type Hart } from '@tsvisor/isa-core';
import { ImsicFile, ISELECT_IMSIC_FIRST, ISELECT_IMSIC_LAST } from './imsic.js';

export const CSR_MISELECT = 0x350;
export const CSR_MIREG = 0x351;
export const CSR_MTOPEI = 0x35c;
export const CSR_MTOPI = 0xfb0;
export const CSR_MVIEN = 0x308;
export const CSR_MVIP = 0x309;
export const CSR_SISELECT = 0x150;
export const CSR_SIREG = 0x151;
export const CSR_STOPEI = 0x15c;
export const CSR_STOPI = 0xdb0;
export const CSR_VSISELECT = 0x250;
export const CSR_VSIREG = 0x251;
export const CSR_VSTOPEI = 0x25c;
export const CSR_VSTOPI = 0xeb0;
export const CSR_HVIEN = 0x608;
export const CSR_HVICTL = 0x609;
export const CSR_HVIPRIO1 = 0x646;
export const CSR_HVIPRIO2 = 0x647;
/** hvictl: VTI 30, IID 27:16 (12 bits implemented), DPR 9, IPRIOM 8, IPRIO 7:0. */
const HVICTL_MASK = (1 << 30) | (0xfff << 16) | (1 << 9) | (1 << 8) | 0xff;
/** *iselect range of the major-interrupt priority array (iprio0..15). */
const ISELECT_IPRIO_FIRST = 0x30;
const ISELECT_IPRIO_LAST = 0x3f;

const CAUSE_VIRTUAL_INSTRUCTION = 22;
const CSR_HSTATUS = 0x600;
const CSR_HIDELEG = 0x603;
const CSR_VSIE = 0x204;
const CSR_VSIP = 0x244;

/**
 * Default priority order of the major interrupts a hart of ours can raise (AIA, "Major interrupts
 * and their default priorities"): MEI, MSI, MTI, SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI, LCOFI.
 */
const DEFAULT_ORDER = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6, 13] as const;

function topMajor(bits: number): number {
  if (bits === 0) return 0;
  for (const b of DEFAULT_ORDER) if (bits & (1 << b)) return b;
  for (let b = 31; b >= 0; b--) if (bits & (1 << b)) return b;
  return 0;
}

/** The IMSIC interrupt files of one hart. */
export interface AiaHartFiles {
  /** Machine-level file (mireg 0x70-0xFF, mtopei). */
  m?: ImsicFile;
  /** Supervisor-level file (sireg 0x70-0xFF, stopei). */
  s?: ImsicFile;
  /** Guest files 1..GEILEN in order (guests[0] is guest file 1), selected by hstatus.VGEIN. */
  guests?: readonly ImsicFile[];
}

export interface AiaOptions {
  /** The IMSIC files of hart `hartId`, or undefined when the hart has no IMSIC (APLIC-only machines). */
  files?(hartId: number): AiaHartFiles | undefined;
}

/** Per-hart AIA CSR state. */
interface AiaState {
  files: AiaHartFiles;
  miselect: number;
  siselect: number;
  vsiselect: number;
  hvictl: number;
}

const states = new WeakMap<Hart, AiaState>();

function st(h: Hart): AiaState {
  let s = states.get(h);
  if (!s) {
    s = { files: {}, miselect: 0, siselect: 0, vsiselect: 0, hvictl: 0 };
    states.set(h, s);
  }
  return s;
}

function virtualInstruction(h: Hart): never {
  const w = (h.raw & 3) === 3 ? h.raw : h.raw & 0xffff;
  return h.raise(CAUSE_VIRTUAL_INSTRUCTION, w, 0);
}

/** *iselect is WARL; it holds at least 0..0xFF (for vsiselect 0..0x1FF): we keep 12 bits. */
const ISELECT_MASK = 0xfff;

/**
 * The register a *ireg access reaches: an interrupt file register, an iprio register
 * (read-only zero), or nothing (the caller raises). `file` undefined = no interrupt file.
 */
function iregTarget(sel: number, file: ImsicFile | undefined, iprio: boolean): 'file' | 'zero' | 'none' {
  if (iprio && sel >= ISELECT_IPRIO_FIRST && sel <= ISELECT_IPRIO_LAST) return (sel & 1) === 0 ? 'zero' : 'none'; // RV64: odd iprio do not exist
  if (file && sel >= ISELECT_IMSIC_FIRST && sel <= ISELECT_IMSIC_LAST && ImsicFile.regExists(sel)) return 'file';
  return 'none';
}

function selectRow(addr: number, name: string, key: 'miselect' | 'siselect' | 'vsiselect'): CsrRow {
  return {
    addr, name,
    read(h) { R.hi = 0; return st(h)[key]; },
    write(h, lo) { st(h)[key] = lo & ISELECT_MASK; },
  };
}

/** mireg / sireg: iprio array (read-only zeros) at 0x30-0x3F, the interrupt file at 0x70-0xFF. */
function iregRow(addr: number, name: string, key: 'miselect' | 'siselect', file: (s: AiaState) => ImsicFile | undefined): CsrRow {
  return {
    addr, name,
    check(h) {
      const s = st(h);
      if (iregTarget(s[key], file(s), true) === 'none') h.illegal();
    },
    read(h) {
      const s = st(h);
      const f = file(s);
      if (iregTarget(s[key], f, true) !== 'file') { R.hi = 0; return 0; }
      const lo = f!.readReg(s[key]);
      R.hi = f!.hi;
      return lo;
    },
    write(h, lo, hi) {
      const s = st(h);
      const f = file(s);
      if (iregTarget(s[key], f, true) === 'file') f!.writeReg(s[key], lo, hi);
    },
  };
}

/**
 * mtopei / stopei. The row exists even without the interrupt file (then any access is an
 * illegal-instruction exception), so that at V=1 the H extension finds stopei and redirects it
 * to vstopei, which has its own rules.
 */
function topeiRow(addr: number, name: string, file: ImsicFile | undefined): CsrRow {
  return {
    addr, name,
    check(h) { if (!file) h.illegal(); },
    read() { R.hi = 0; return file!.topei(); },
    // AIA, IMSIC "Top external interrupt": a write (of any value) claims the identity reported now.
    write() { file!.claim(); },
  };
}

/** The VS-level guest file that hstatus.VGEIN selects, or undefined when VGEIN is not a valid guest file number. */
function guestFile(h: Hart, s: AiaState): ImsicFile | undefined {
  const vgein = (h.csrRow(CSR_HSTATUS)!.read(h) >>> 12) & 0x3f;
  return vgein === 0 ? undefined : s.files.guests?.[vgein - 1];
}

/** mtopi (AIA "Machine top interrupt CSR"): the top pending-and-enabled interrupt not delegated to S. */
function mtopi(h: Hart): number {
  h.hooks.poll(h);
  const iid = topMajor(h.mip & h.mie & ~h.mideleg);
  return iid === 0 ? 0 : (iid << 16) | 1; // IPRIO = 1: the M-level iprio array is read-only zero
}

/** stopi: the top interrupt for S level (delegated by mideleg and, with H, not further by hideleg). */
function stopi(h: Hart): number {
  h.hooks.poll(h);
  let pend = h.mip & h.mie & h.mideleg;
  const hideleg = h.csrRow(CSR_HIDELEG);
  if (hideleg && h.enabled.has('h')) pend &= ~hideleg.read(h);
  const iid = topMajor(pend);
  return iid === 0 ? 0 : (iid << 16) | 1;
}

/**
 * vstopi (AIA "Virtual supervisor top interrupt CSR"): the best of the candidate list, with
 * priority numbers from vstopei / hvictl and hviprio1/2 (read-only zero here).
 */
function vstopi(h: Hart): number {
  h.hooks.poll(h);
  const s = st(h);
  const ctl = s.hvictl;
  const vti = (ctl >>> 30) & 1;
  const iid = (ctl >>> 16) & 0xfff;
  const ipriom = (ctl >>> 8) & 1;
  const vsPend = h.csrRow(CSR_VSIP)!.read(h) & h.csrRow(CSR_VSIE)!.read(h);
  const vgein = (h.csrRow(CSR_HSTATUS)!.read(h) >>> 12) & 0x3f;
  // Candidates as [iid, priority number, rank against SEI at equal numbers (-1 before, +1 after)].
  let best: [number, number, number] | undefined;
  const consider = (c: [number, number, number]) => {
    if (!best) { best = c; return; }
    // Priority 0 means "default order": above SEI for those that default above it, else below all numbers.
    const key = (x: [number, number, number]) => (x[1] === 0 ? (x[2] < 0 ? -1 : 257) : x[1]);
    const a = key(c), b = key(best);
    if (a < b || (a === b && c[2] < best[2])) best = c;
  };
  if (vsPend & (1 << 9)) {
    const file = guestFile(h, s);
    const tope = file ? file.topei() & 0x7ff : 0;
    if (file && tope !== 0) consider([9, tope, 0]);
    else if (vgein === 0 && iid === 9 && (ctl & 0xff) !== 0) consider([9, ctl & 0xff, 0]);
    else consider([9, 256, 0]);
  }
  if (vti === 0) {
    const other = topMajor(vsPend & ~(1 << 9));
    // hviprio1/2 are read-only zero: default order, which for SSI and STI is below SEI.
    if (other !== 0) consider([other, 0, DEFAULT_ORDER.indexOf(other as 11) < DEFAULT_ORDER.indexOf(9) ? -1 : 1]);
  } else if (iid !== 9) {
    consider([iid, ctl & 0xff, (ctl >>> 9) & 1 ? 1 : -1]);
  }
  if (!best) return 0;
  const [bi, bp, rank] = best;
  let iprio = 1;
  if (ipriom) iprio = bp >= 1 && bp <= 255 ? bp : bp > 255 ? 255 : rank < 0 ? 0 : 255;
  return (bi << 16) | iprio;
}

function readOnlyZero(addr: number, name: string): CsrRow {
  // A read/write CSR whose bits are all read-only zero: writes are accepted and ignored.
  return { addr, name, read() { R.hi = 0; return 0; }, write() {} };
}

function smaiaRows(h: Hart): CsrRow[] {
  const files = st(h).files;
  const rows: CsrRow[] = [
    selectRow(CSR_MISELECT, 'miselect', 'miselect'),
    iregRow(CSR_MIREG, 'mireg', 'miselect', (s) => s.files.m),
    { addr: CSR_MTOPI, name: 'mtopi', read(hh) { const v = mtopi(hh); R.hi = 0; return v; } },
    readOnlyZero(CSR_MVIEN, 'mvien'),
    {
      addr: CSR_MVIP, name: 'mvip',
      // AIA "Machine and supervisor virtual interrupts": with mvien = 0, bits 1 and 9 alias the
      // software-writable SSIP and SEIP of mip, and bit 5 aliases STIP while it is writable (STCE = 0).
      read(hh) { R.hi = 0; return hh.mipSw & mvipMask(hh); },
      write(hh, lo) {
        const m = mvipMask(hh);
        hh.mipSw = (hh.mipSw & ~m) | (lo & m);
        hh.interruptsChanged();
      },
    },
  ];
  rows.push(topeiRow(CSR_MTOPEI, 'mtopei', files.m));
  return rows;
}

function mvipMask(h: Hart): number {
  const stce = (h.csr[2 * CSR_SLOTS.menvcfg + 1]! & 0x80000000) !== 0;
  return stce ? 0x202 : 0x222;
}

function ssaiaRows(h: Hart): CsrRow[] {
  const files = st(h).files;
  const rows: CsrRow[] = [
    selectRow(CSR_SISELECT, 'siselect', 'siselect'),
    iregRow(CSR_SIREG, 'sireg', 'siselect', (s) => s.files.s),
    { addr: CSR_STOPI, name: 'stopi', read(hh) { const v = stopi(hh); R.hi = 0; return v; } },
  ];
  rows.push(topeiRow(CSR_STOPEI, 'stopei', files.s));
  if (!h.enabled.has('h')) return rows;
  rows.push(
    selectRow(CSR_VSISELECT, 'vsiselect', 'vsiselect'),
    {
      addr: CSR_VSIREG, name: 'vsireg',
      check(hh) {
        const s = st(hh);
        const sel = s.vsiselect;
        // AIA "Interrupts for Virtual Machines": no iprio array at VS level (0x30-0x3F), and
        // 0x70-0xFF needs a valid VGEIN. From VS (sireg redirected here) these are
        // virtual-instruction exceptions; from M/HS, and for other values, illegal-instruction.
        const inIprio = sel >= ISELECT_IPRIO_FIRST && sel <= ISELECT_IPRIO_LAST;
        const inFile = sel >= ISELECT_IMSIC_FIRST && sel <= ISELECT_IMSIC_LAST;
        if (inFile && guestFile(hh, s) && ImsicFile.regExists(sel)) return;
        if (hh.virt && (inIprio || inFile)) virtualInstruction(hh);
        hh.illegal();
      },
      read(hh) {
        const s = st(hh);
        const f = guestFile(hh, s)!; // (reads hstatus, which leaves its high half in R.hi)
        const lo = f.readReg(s.vsiselect);
        R.hi = f.hi;
        return lo;
      },
      write(hh, lo, hi) {
        const s = st(hh);
        guestFile(hh, s)!.writeReg(s.vsiselect, lo, hi);
      },
    },
    {
      addr: CSR_VSTOPEI, name: 'vstopei',
      check(hh) {
        // IMSIC "Top external interrupt": with no valid VGEIN, illegal from M/HS, virtual-instruction from VS.
        if (!guestFile(hh, st(hh))) {
          if (hh.virt) virtualInstruction(hh);
          hh.illegal();
        }
      },
      read(hh) { const v = guestFile(hh, st(hh))!.topei(); R.hi = 0; return v; },
      write(hh) { guestFile(hh, st(hh))!.claim(); },
    },
    { addr: CSR_VSTOPI, name: 'vstopi', read(hh) { const v = vstopi(hh); R.hi = 0; return v; } },
    readOnlyZero(CSR_HVIEN, 'hvien'),
    {
      addr: CSR_HVICTL, name: 'hvictl',
      read(hh) { R.hi = 0; return st(hh).hvictl; },
      write(hh, lo) { st(hh).hvictl = lo & HVICTL_MASK; },
    },
    readOnlyZero(CSR_HVIPRIO1, 'hviprio1'),
    readOnlyZero(CSR_HVIPRIO2, 'hviprio2'),
  );
  return rows;
}

/** Saved per-hart state (the interrupt files save themselves: they are devices). */
interface AiaSaved {
  miselect: number;
  siselect: number;
  vsiselect: number;
  hvictl: number;
}

/** The AIA extensions for `createHart({ extensions })`: `[smaia, ssaia]` (AIA 1.0, ratified). */
export function aia(options: AiaOptions = {}): [Extension, Extension] {
  const attach = (h: Hart) => {
    st(h).files = options.files?.(h.hartId) ?? {};
  };
  const reset = (h: Hart) => {
    const s = st(h);
    s.miselect = s.siselect = s.vsiselect = s.hvictl = 0;
  };
  const state = {
    save(h: Hart): AiaSaved {
      const s = st(h);
      return { miselect: s.miselect, siselect: s.siselect, vsiselect: s.vsiselect, hvictl: s.hvictl };
    },
    restore(h: Hart, v: unknown) {
      const s = st(h);
      const d = v as AiaSaved;
      s.miselect = d.miselect & ISELECT_MASK;
      s.siselect = d.siselect & ISELECT_MASK;
      s.vsiselect = d.vsiselect & ISELECT_MASK;
      s.hvictl = d.hvictl & HVICTL_MASK;
    },
  };
  const smaia: Extension = { name: 'smaia', attach, reset, state, csrs: smaiaRows };
  const ssaia: Extension = { name: 'ssaia', csrs: ssaiaRows };
  return [smaia, ssaia];
}
