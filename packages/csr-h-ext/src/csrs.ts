/**
 * H-extension CSRs as data rows: `{ addr, name, since, warl, read, write }` (ISA manual,
 * "Hypervisor and Virtual Supervisor CSRs"), plus wrappers of core rows that H widens
 * (mstatus.MPV/GVA, medeleg, mideleg, mie, mip, sie, sip, time).
 */
import { CSR_SLOTS, R, type CsrRow, type Hart } from '@tsvisor/isa-core';
import { HState, hstate, type RegName } from './state.js';
import type { HypervisorSpec } from './spec.js';
import {
  CSR_HCOUNTEREN, CSR_HEDELEG, CSR_HENVCFG, CSR_HGATP, CSR_HGEIE, CSR_HGEIP, CSR_HIDELEG, CSR_HIE, CSR_HIP,
  CSR_HSTATUS, CSR_HTIMEDELTA, CSR_HTINST, CSR_HTVAL, CSR_HVIP, CSR_MTINST, CSR_MTVAL2, CSR_VSATP, CSR_VSCAUSE,
  CSR_VSEPC, CSR_VSIE, CSR_VSIP, CSR_VSSCRATCH, CSR_VSSTATUS, CSR_VSTIMECMP, CSR_VSTVAL, CSR_VSTVEC,
  CAUSE_VIRTUAL_INSTRUCTION,
} from './defs.js';

/** A CSR row with the data the tables in the spec give: the version that introduced it and its WARL rule. */
export interface HCsrRow extends CsrRow {
  /** H-extension version that introduced the CSR ('0.4', '0.5', '0.6', '1.0'). */
  readonly since: string;
  /** The write rule in words (which bits are writable, which read-only). */
  readonly warl: string;
}

// hstatus (RV64) fields, low word.
const HSTATUS_GVA = 1 << 6;
const HSTATUS_SPV = 1 << 7;
const HSTATUS_SPVP = 1 << 8;
const HSTATUS_HU = 1 << 9;
const HSTATUS_VGEIN = 0x3f << 12;
const HSTATUS_VTVM = 1 << 20;
const HSTATUS_VTW = 1 << 21;
const HSTATUS_VTSR = 1 << 22;
export const HSTATUS_WRITABLE = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VGEIN |
  HSTATUS_VTVM | HSTATUS_VTW | HSTATUS_VTSR;
/** hstatus high word: VSXL (33:32) reads 2, VSXLEN = 64 (read-only; VSBE is read-only 0, little-endian only). */
export const HSTATUS_HI = 2;
export { HSTATUS_GVA, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_HU, HSTATUS_VTVM, HSTATUS_VTW, HSTATUS_VTSR };

// vsstatus (RV64) writable fields: SIE 1, SPIE 5, SPP 8, FS 14:13, SUM 18, MXR 19. UBE, VS, XS read 0.
export const VSSTATUS_WRITABLE = (1 << 1) | (1 << 5) | (1 << 8) | (3 << 13) | (1 << 18) | (1 << 19);
/** vsstatus high word: UXL (33:32) reads 2. */
const VSSTATUS_HI = 2;

/** The VS-level interrupt bits in mip/mie/hip/hie/hideleg/hvip: VSEIP 10, VSTIP 6, VSSIP 2. */
export const VS_BITS = 0x444;
export const SGEI_BIT = 1 << 12;
/** Bits the H extension places in mip as seen from HS (hip): SGEIP and the VS bits. */
export const HIP_BITS = VS_BITS | SGEI_BIT;

const TWO32 = 4294967296;

/** The mideleg bits that H makes read-only one: 10, 6, 2, and 12 when GEILEN > 0. */
export function midelegReadOnlyOne(st: HState): number {
  return VS_BITS | (st.geilen > 0 ? SGEI_BIT : 0);
}

/** Bits of hip/hie that exist: VS bits, SGEI when GEILEN > 0; 1.0 also drops those zero in mideleg. */
export function hipMask(h: Hart, st: HState): number {
  const m = VS_BITS | (st.geilen > 0 ? SGEI_BIT : 0);
  return st.spec.midelegMasksHideleg ? m & h.mideleg : m;
}

/** hideleg as stored, masked by mideleg under 1.0 ("Machine Interrupt Delegation Register"). */
export function hidelegValue(h: Hart, st: HState): number {
  const v = st.lo('hideleg');
  return st.spec.midelegMasksHideleg ? v & h.mideleg : v;
}

/**
 * Recomputes the mip bits the H extension derives from hgeip (hart.mipLines bits 10 and
 * 12): VSEIP's hgeip[VGEIN] term and SGEIP = OR(hgeip & hgeie). ("Hypervisor Interrupt
 * Registers"; a platform drives hgeip through `HypervisorExtension.setGuestExternalInterrupt`.)
 */
export function updateGuestLines(h: Hart, st: HState): void {
  const vgein = (st.lo('hstatus') >>> 12) & 0x3f;
  const gl = st.lo('hgeip') & st.geMaskLo, gh = st.hi('hgeip') & st.geMaskHi;
  let lines = h.mipLines & ~(0x400 | SGEI_BIT);
  if (vgein !== 0 && vgein <= st.geilen && ((vgein < 32 ? gl >>> vgein : gh >>> (vgein - 32)) & 1) !== 0) lines |= 0x400;
  if ((gl & st.lo('hgeie')) !== 0 || (gh & st.hi('hgeie')) !== 0) lines |= SGEI_BIT;
  if (lines !== h.mipLines) {
    h.mipLines = lines;
    h.interruptsChanged();
  }
}

/** Tell the translator about the CSRs the core owns, if they changed (called before each walk). */
export function syncTranslator(h: Hart, st: HState): void {
  if (h.mstatus !== st.syncedMstatus) {
    st.syncedMstatus = h.mstatus;
    st.translator.setMstatus(h.mstatus);
  }
  const menvHi = h.csr[2 * CSR_SLOTS.menvcfg + 1];
  if (menvHi !== st.syncedMenvcfgHi) {
    st.syncedMenvcfgHi = menvHi;
    st.translator.setMenvcfg(h.csr[2 * CSR_SLOTS.menvcfg], menvHi);
    st.translator.setHenvcfg(st.lo('henvcfg'), effectiveHenvcfgHi(h, st));
  }
}

/** henvcfg high word as read: STCE, PBMTE and ADUE are read-only zero while menvcfg's are zero (Sstc, Svpbmt, Svadu). */
export function effectiveHenvcfgHi(h: Hart, st: HState): number {
  return st.hi('henvcfg') & h.csr[2 * CSR_SLOTS.menvcfg + 1];
}

/** Raises a virtual-instruction exception; xtval is written as for an illegal instruction. */
export function virtualInstruction(h: Hart): never {
  const w = (h.raw & 3) === 3 ? h.raw : h.raw & 0xffff;
  return h.raise(CAUSE_VIRTUAL_INSTRUCTION, w, 0);
}

/** Guest time for VS/VU: time + htimedelta, wrapping mod 2^64 ("Hypervisor Time Delta Register"). Lo, hi in R.hi. */
export function guestTime(h: Hart, st: HState): number {
  const t = h.clock.now();
  const tl = t % TWO32, th = Math.floor(t / TWO32);
  const sl = tl + (st.lo('htimedelta') >>> 0);
  const carry = sl >= TWO32 ? 1 : 0;
  R.hi = (th + (st.hi('htimedelta') >>> 0) + carry) | 0;
  return sl | 0;
}

/** Sstc for VS: is VSTIP's comparator asserted (time + htimedelta >= vstimecmp, both henvcfg.STCE and menvcfg.STCE set)? */
export function vstimerPending(h: Hart, st: HState): boolean {
  if ((effectiveHenvcfgHi(h, st) & 0x80000000) === 0) return false;
  const gl = guestTime(h, st), gh = R.hi;
  const cl = st.lo('vstimecmp'), ch = st.hi('vstimecmp');
  if (gh !== ch) return (gh >>> 0) > (ch >>> 0);
  return (gl >>> 0) >= (cl >>> 0);
}

function plain(name: RegName, addr: number, since: string, maskLo = -1, maskHi = -1): HCsrRow {
  return {
    addr, name, since, warl: maskLo === -1 && maskHi === -1 ? 'all bits writable' : 'masked',
    read(h) { const s = hstate(h); R.hi = s.hi(name); return s.lo(name); },
    write(h, lo, hi) { hstate(h).set(name, lo & maskLo, hi & maskHi); },
  };
}

/** The hart's TLB caches V=1 translations; drop them when their inputs change. */
function flushGuest(h: Hart): void {
  h.flushTlb();
}

/** Rows for the H and VS CSRs, for one spec module. */
export function hCsrRows(h: Hart, spec: HypervisorSpec): HCsrRow[] {
  const hasC = h.enabled.has('c');
  const rows: HCsrRow[] = [
    { addr: CSR_HSTATUS, name: 'hstatus', since: '0.3', warl: 'GVA SPV SPVP HU VGEIN VTVM VTW VTSR writable; VSXL reads 2; VSBE reads 0',
      read(hh) { R.hi = HSTATUS_HI; return hstate(hh).lo('hstatus'); },
      write(hh, lo) {
        const s = hstate(hh);
        s.set('hstatus', lo & HSTATUS_WRITABLE, HSTATUS_HI);
        updateGuestLines(hh, s);
      } },
    { addr: CSR_HEDELEG, name: 'hedeleg', since: '0.3', warl: 'per the spec table; read-only-zero set from the spec module',
      read(hh) { R.hi = 0; return hstate(hh).lo('hedeleg'); },
      write(hh, lo) {
        // Writable: 0-8, 10 (unless read-only zero), 12, 13, 15 ("Bits of hedeleg that must be writable").
        const writable = 0xb5ff & ~Number(spec.hedelegReadOnlyZero & 0xffffffffn);
        hstate(hh).set('hedeleg', lo & writable, 0);
      } },
    { addr: CSR_HIDELEG, name: 'hideleg', since: '0.3', warl: 'bits 10, 6, 2 writable; 12, 9, 5, 1 read-only 0',
      read(hh) { R.hi = 0; return hidelegValue(hh, hstate(hh)); },
      write(hh, lo) {
        const s = hstate(hh);
        s.set('hideleg', lo & Number(spec.hidelegWritable), 0);
        hh.interruptsChanged();
      } },
    { addr: CSR_HIE, name: 'hie', since: '0.5', warl: 'VSEIE VSTIE VSSIE writable, SGEIE when GEILEN > 0 (aliases of mie)',
      read(hh) { R.hi = 0; return hh.mie & hipMask(hh, hstate(hh)); },
      write(hh, lo) { const m = hipMask(hh, hstate(hh)); hh.mie = (hh.mie & ~m) | (lo & m); hh.interruptsChanged(); } },
    { addr: CSR_HIP, name: 'hip', since: '0.5', warl: 'VSSIP writable (alias of hvip.VSSIP); VSEIP VSTIP SGEIP read-only',
      read(hh) { hh.hooks.poll(hh); R.hi = 0; return hh.mip & hipMask(hh, hstate(hh)); },
      write(hh, lo) { const m = 0x4 & hipMask(hh, hstate(hh)); hh.mipSw = (hh.mipSw & ~m) | (lo & m); hh.interruptsChanged(); } },
    { addr: CSR_HVIP, name: 'hvip', since: '0.6', warl: spec.hvipWritable === 'vs-bits' ? 'VSEIP VSTIP VSSIP writable' : 'the bits set in hideleg writable',
      read(hh) { R.hi = 0; return hh.mipSw & VS_BITS; },
      write(hh, lo) {
        const s = hstate(hh);
        const m = spec.hvipWritable === 'vs-bits' ? VS_BITS : hidelegValue(hh, s) & VS_BITS;
        hh.mipSw = (hh.mipSw & ~m) | (lo & m);
        hh.interruptsChanged();
      } },
    { addr: CSR_HGEIE, name: 'hgeie', since: '0.6', warl: 'bits GEILEN:1 writable',
      read(hh) { const s = hstate(hh); R.hi = s.hi('hgeie'); return s.lo('hgeie'); },
      write(hh, lo, hi) { const s = hstate(hh); s.set('hgeie', lo & s.geMaskLo, hi & s.geMaskHi); updateGuestLines(hh, s); } },
    { addr: CSR_HGEIP, name: 'hgeip', since: '0.6', warl: 'read-only: bits GEILEN:1 from the guest interrupt files',
      read(hh) { const s = hstate(hh); R.hi = s.hi('hgeip') & s.geMaskHi; return s.lo('hgeip') & s.geMaskLo; } },
    plain('hcounteren', CSR_HCOUNTEREN, '0.4', -1, 0),
    { addr: CSR_HTIMEDELTA, name: 'htimedelta', since: '0.5', warl: 'all bits writable',
      read(hh) { const s = hstate(hh); R.hi = s.hi('htimedelta'); return s.lo('htimedelta'); },
      write(hh, lo, hi) { hstate(hh).set('htimedelta', lo, hi); hh.hooks.poll(hh); } },
    plain('htval', CSR_HTVAL, '0.5'),
    plain('htinst', CSR_HTINST, '0.5'),
    { addr: CSR_HGATP, name: 'hgatp', since: '0.3', warl: 'MODE limited to the spec module\'s G-stage modes (else Bare); VMID 14 bits; PPN 44 bits',
      check(hh) { if (hh.priv === 1 && !hh.virt && (hh.mstatus & (1 << 20)) !== 0) hh.illegal(); },
      read(hh) { const s = hstate(hh); R.hi = s.hi('hgatp'); return s.lo('hgatp'); },
      write(hh, lo, hi) {
        const s = hstate(hh);
        // H: "A write to hgatp with an unsupported MODE value is not ignored as it is for satp.
        // Instead, the fields of hgatp are WARL in the normal way": MODE reads Bare then.
        let mode = hi >>> 28;
        if (!spec.hgatpModes.includes(mode)) mode = 0;
        const nh = (mode << 28) | (hi & 0x03ffffff);
        // H "Hypervisor Guest Address Translation and Protection Register (hgatp)": in the
        // paged modes the root table is 16 KiB-aligned and PPN[1:0] always read as zeros.
        s.set('hgatp', mode === 0 ? lo : lo & ~3, nh);
        s.translator.setHgatp(lo, nh);
        flushGuest(hh);
      } },
    plain('mtval2', CSR_MTVAL2, '0.5'),
    plain('mtinst', CSR_MTINST, '0.5'),

    // ---- VS CSRs ("Virtual Supervisor" registers): with V=1 they stand in for the s* CSRs ----
    { addr: CSR_VSSTATUS, name: 'vsstatus', since: '0.4', warl: 'SIE SPIE SPP FS SUM MXR writable; UXL reads 2; SD from FS',
      read(hh) {
        const v = hstate(hh).lo('vsstatus');
        R.hi = VSSTATUS_HI | ((v & 0x6000) === 0x6000 ? 0x80000000 : 0);
        return v;
      },
      write(hh, lo) {
        const s = hstate(hh);
        const old = s.lo('vsstatus');
        const n = lo & VSSTATUS_WRITABLE;
        s.set('vsstatus', n, VSSTATUS_HI);
        if (((old ^ n) & ((1 << 18) | (1 << 19))) !== 0) { s.translator.setVsstatus(n); flushGuest(hh); }
        if (((old ^ n) & 2) !== 0) hh.interruptsChanged();
      } },
    { addr: CSR_VSIE, name: 'vsie', since: '0.4', warl: 'SEIE STIE SSIE alias hie.VSEIE/VSTIE/VSSIE when delegated by hideleg, else 0',
      read(hh) { R.hi = 0; return (hh.mie & hidelegValue(hh, hstate(hh))) >>> 1; },
      write(hh, lo) {
        const m = hidelegValue(hh, hstate(hh)) & VS_BITS;
        hh.mie = (hh.mie & ~m) | ((lo << 1) & m);
        hh.interruptsChanged();
      } },
    { addr: CSR_VSTVEC, name: 'vstvec', since: '0.4', warl: 'MODE 0/1; other MODE values leave the CSR unchanged',
      read(hh) { const s = hstate(hh); R.hi = s.hi('vstvec'); return s.lo('vstvec'); },
      write(hh, lo, hi) { if ((lo & 3) < 2) hstate(hh).set('vstvec', lo, hi); } },
    plain('vsscratch', CSR_VSSCRATCH, '0.4'),
    { addr: CSR_VSEPC, name: 'vsepc', since: '0.4', warl: 'bit 0 zero (bit 1 too without C)',
      read(hh) { const s = hstate(hh); R.hi = s.hi('vsepc'); return s.lo('vsepc') & (hasC ? ~1 : ~3); },
      write(hh, lo, hi) { hstate(hh).set('vsepc', lo & ~1, hi); } },
    plain('vscause', CSR_VSCAUSE, '0.4'),
    plain('vstval', CSR_VSTVAL, '0.4'),
    { addr: CSR_VSIP, name: 'vsip', since: '0.4', warl: 'SSIP writable when hideleg[2]; SEIP STIP read-only; 0 where not delegated',
      read(hh) { hh.hooks.poll(hh); R.hi = 0; return (hh.mip & hidelegValue(hh, hstate(hh))) >>> 1; },
      write(hh, lo) {
        const m = hidelegValue(hh, hstate(hh)) & 0x4;
        hh.mipSw = (hh.mipSw & ~m) | ((lo << 1) & m);
        hh.interruptsChanged();
      } },
    { addr: CSR_VSATP, name: 'vsatp', since: '0.4', warl: 'like satp: a write with an unsupported MODE is ignored',
      read(hh) { const s = hstate(hh); R.hi = s.hi('vsatp'); return s.lo('vsatp'); },
      write(hh, lo, hi) {
        const mode = hi >>> 28;
        if (mode !== 0 && !hh.satpModes.includes(mode)) return;
        const s = hstate(hh);
        s.set('vsatp', lo, hi);
        s.translator.setVsatp(lo, hi);
        flushGuest(hh);
      } },
  ];
  if (spec.henvcfg) {
    const fields = spec.henvcfgFields;
    let maskLo = 0, maskHi = 0;
    if (fields.includes('FIOM')) maskLo |= 1;
    if (fields.includes('PBMTE')) maskHi |= 1 << 30;
    if (fields.includes('STCE') && h.enabled.has('sstc')) maskHi |= 1 << 31;
    // Svadu "henvcfg.ADUE": writable only when the hart has Svadu (read-only zero otherwise),
    // and read-only zero while menvcfg.ADUE = 0 (effectiveHenvcfgHi). It picks the A/D scheme
    // of the VS-stage; menvcfg.ADUE that of the G-stage.
    if (fields.includes('ADUE') && h.enabled.has('svadu')) maskHi |= 1 << 29;
    rows.push({ addr: CSR_HENVCFG, name: 'henvcfg', since: '1.0', warl: `${fields.join(' ')} writable as the hart supports them (STCE/PBMTE/ADUE read 0 while menvcfg's are 0)`,
      read(hh) { const s = hstate(hh); R.hi = effectiveHenvcfgHi(hh, s); return s.lo('henvcfg'); },
      write(hh, lo, hi) {
        const s = hstate(hh);
        s.set('henvcfg', lo & maskLo, hi & maskHi);
        s.translator.setHenvcfg(s.lo('henvcfg'), effectiveHenvcfgHi(hh, s));
        flushGuest(hh);
        hh.hooks.poll(hh);
      } });
  }
  if (h.enabled.has('sstc')) {
    rows.push({ addr: CSR_VSTIMECMP, name: 'vstimecmp', since: '1.0', warl: 'all bits writable (Sstc)',
      check(hh) {
        // Sstc: with V=1 (reached as stimecmp), mcounteren.TM=0 or menvcfg.STCE=0 is illegal;
        // hcounteren.TM=0 or henvcfg.STCE=0 is a virtual-instruction exception.
        if (!hh.virt) return;
        const s = hstate(hh);
        if (((hh.csr[2 * CSR_SLOTS.mcounteren] >>> 1) & 1) === 0 || (hh.csr[2 * CSR_SLOTS.menvcfg + 1] & 0x80000000) === 0) hh.illegal();
        if (((s.lo('hcounteren') >>> 1) & 1) === 0 || (effectiveHenvcfgHi(hh, s) & 0x80000000) === 0) virtualInstruction(hh);
      },
      read(hh) { const s = hstate(hh); R.hi = s.hi('vstimecmp'); return s.lo('vstimecmp'); },
      write(hh, lo, hi) { hstate(hh).set('vstimecmp', lo, hi); hh.hooks.poll(hh); } });
  }
  return rows;
}

/** Core rows that H widens, wrapping the hart's own rows. */
export function wrappedCoreRows(h: Hart): CsrRow[] {
  const base = (addr: number): CsrRow => {
    const r = h.csrRow(addr);
    if (!r) throw new Error(`csr-h-ext: the hart has no CSR 0x${addr.toString(16)} to extend`);
    return r;
  };
  const mstatus = base(0x300), medeleg = base(0x302), mideleg = base(0x303), mie = base(0x304), mip = base(0x344);
  const sie = base(0x104), sip = base(0x144), time = base(0xc01);
  return [
    { ...mstatus,
      // MPV (39) and GVA (38) are writable (H: "Machine Status Registers").
      write(hh, lo, hi) {
        mstatus.write!(hh, lo, hi);
        const old = hh.mstatusH;
        hh.mstatusH = (old & ~0xc0) | (hi & 0xc0);
        if (((old ^ hh.mstatusH) & 0x80) !== 0) hh.updateModes();
      } },
    { ...medeleg,
      // H adds 10 (ecall from VS), 20, 21, 22, 23 to the delegable exceptions.
      write(hh, lo, hi) { medeleg.write!(hh, lo, hi); hh.medeleg |= lo & 0xf00400; } },
    { ...mideleg,
      write(hh, lo, hi) { mideleg.write!(hh, lo, hi); hh.mideleg |= midelegReadOnlyOne(hstate(hh)); hh.interruptsChanged(); } },
    { ...mie,
      write(hh, lo, hi) {
        mie.write!(hh, lo, hi);
        const m = VS_BITS | (hstate(hh).geilen > 0 ? SGEI_BIT : 0);
        hh.mie = (hh.mie & ~m) | (lo & m);
        hh.interruptsChanged();
      } },
    { ...mip,
      // mip.VSSIP is the writable alias of hvip.VSSIP; VSEIP, VSTIP, SGEIP are read-only here.
      write(hh, lo, hi) { mip.write!(hh, lo, hi); hh.mipSw = (hh.mipSw & ~0x4) | (lo & 0x4); hh.interruptsChanged(); } },
    // With H, the VS bits live in hip/hie, not in sip/sie (H: "sip and sie do not include them").
    { ...sie, read(hh) { const v = sie.read(hh); R.hi = 0; return v & ~HIP_BITS; } },
    { ...sip, read(hh) { const v = sip.read(hh); R.hi = 0; return v & ~HIP_BITS; } },
    { ...time,
      read(hh) {
        if (hh.virt) return guestTime(hh, hstate(hh));
        return time.read(hh);
      } },
  ];
}
