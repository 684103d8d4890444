/**
 * The core CSR rows (priv spec 1.12/1.13, chapter 2 "CSR Listing"; unprivileged ISA
 * Zicntr/Zihpm; Sstc). Each row applies its own WARL rules.
 */
import type { CsrRow } from './extension.js';
import type { Hart } from './hart.js';
import { R } from './int64.js';
import {
  MSTATUS_FS, MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPRV, MSTATUS_MXR, MSTATUS_SIE,
  MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_SUM, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, MSTATUS_VS,
  MSTATUS_XS, MSTATUS_UBE, PRV_S, PRV_M,
} from './defs.js';

/** Storage slots in `hart.csr` (lo at 2*slot, hi at 2*slot+1) for plain 64-bit CSRs. */
export const CSR_SLOTS = {
  mtvec: 0, stvec: 1, mepc: 2, sepc: 3, mtval: 4, stval: 5, mscratch: 6, sscratch: 7,
  mcause: 8, scause: 9, satp: 10, menvcfg: 11, senvcfg: 12, stimecmp: 13,
  mcounteren: 14, scounteren: 15, mcountinhibit: 16,
} as const;
/** Slots 17..31 of `hart.csr` are free for extensions (first come, first served: document yours). */
export const CSR_FIRST_FREE_SLOT = 17;

const TWO32 = 4294967296;

/** Low word of mstatus that M-mode can write (UBE/SBE/MBE stay 0: little-endian only; VS, XS off). */
export const MSTATUS_WRITE_MASK =
  MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS |
  MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR;
const SSTATUS_WRITE_MASK = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
const SSTATUS_READ_MASK = SSTATUS_WRITE_MASK | MSTATUS_UBE | MSTATUS_VS | MSTATUS_XS;

/** mstatus high word as read: UXL=SXL=2 (64-bit, read-only), SD when FS/XS/VS is Dirty. */
export function mstatusHiRead(h: Hart): number {
  const sd = (h.mstatus & MSTATUS_FS) === MSTATUS_FS || (h.mstatus & MSTATUS_XS) === MSTATUS_XS ||
    (h.mstatus & MSTATUS_VS) === MSTATUS_VS;
  return (h.mstatusH & ~0x8000000f) | 0xa | (sd ? 0x80000000 : 0) | 0;
}

/** Apply a new mstatus low word, legalizing MPP (2 is reserved: keep the old value) and updating caches. */
export function writeMstatusLo(h: Hart, v: number, mask: number): void {
  const old = h.mstatus;
  let n = (old & ~mask) | (v & mask);
  if (((n & MSTATUS_MPP) >>> 11) === 2) n = (n & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
  h.mstatus = n;
  if (((old ^ n) & (MSTATUS_SUM | MSTATUS_MXR)) !== 0) h.mmu.setMstatus(n);
  // The front cache is keyed by the data mode (priv, V, SUM, MXR): recompute it, no flush.
  if (((old ^ n) & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR)) !== 0) h.updateModes();
  if (((old ^ n) & (MSTATUS_MIE | MSTATUS_SIE)) !== 0) h.interruptsChanged();
}

/** A plain 64-bit storage CSR with write masks. */
/** Writable menvcfg bits 63:32 for this hart's extensions. */
function menvcfgHiMask(h: Hart): number {
  return (h.enabled.has('sstc') ? 0x80000000 | 0 : 0) | (h.enabled.has('svpbmt') ? 1 << 30 : 0) | (h.enabled.has('svadu') ? 1 << 29 : 0);
}

export function plainCsr(addr: number, name: string, slot: number, maskLo = -1, maskHi = -1): CsrRow {
  const i = 2 * slot;
  return {
    addr, name,
    read(h) { R.hi = h.csr[i + 1]; return h.csr[i]; },
    write(h, lo, hi) { h.csr[i] = lo & maskLo; h.csr[i + 1] = hi & maskHi; },
  };
}

function constCsr(addr: number, name: string, lo: number, hi: number, writable = false): CsrRow {
  const row: CsrRow = { addr, name, read() { R.hi = hi; return lo; } };
  return writable ? { ...row, write() { /* WARL: writes ignored */ } } : row;
}

function tvec(addr: number, name: string, slot: number): CsrRow {
  const i = 2 * slot;
  return {
    addr, name,
    read(h) { R.hi = h.csr[i + 1]; return h.csr[i]; },
    // priv spec 3.1.7: MODE >= 2 is reserved; like QEMU we ignore such writes.
    write(h, lo, hi) { if ((lo & 3) < 2) { h.csr[i] = lo; h.csr[i + 1] = hi; } },
  };
}

function epc(addr: number, name: string, slot: number): CsrRow {
  const i = 2 * slot;
  return {
    addr, name,
    // priv spec 3.1.14: bit 0 is always zero; bit 1 reads zero when IALIGN=32 (no C).
    read(h) { R.hi = h.csr[i + 1]; return h.csr[i] & (h.enabled.has('c') ? ~1 : ~3); },
    write(h, lo, hi) { h.csr[i] = lo & ~1; h.csr[i + 1] = hi; },
  };
}

function counterValue(h: Hart, which: 'cycle' | 'instret'): number {
  return which === 'cycle' ? h.instret + h.cycleAdj : h.instret;
}

function counterRead(h: Hart, which: 'cycle' | 'instret'): number {
  const v = counterValue(h, which);
  R.hi = Math.floor(v / TWO32) | 0;
  return v % TWO32 | 0;
}

/** All core CSR rows for this hart's enabled extensions. */
export function coreCsrs(h: Hart): CsrRow[] {
  const rows: CsrRow[] = [];
  const S = CSR_SLOTS;
  const has = (e: string): boolean => h.enabled.has(e);
  const fsCheck = (hh: Hart): void => hh.requireFs();

  if (has('f')) {
    rows.push(
      { addr: 0x001, name: 'fflags', check: fsCheck,
        read(hh) { R.hi = 0; return hh.fflags; },
        write(hh, lo) { hh.fflags = lo & 31; hh.dirtyFs(); } },
      { addr: 0x002, name: 'frm', check: fsCheck,
        read(hh) { R.hi = 0; return hh.frm; },
        write(hh, lo) { hh.frm = lo & 7; hh.dirtyFs(); } },
      { addr: 0x003, name: 'fcsr', check: fsCheck,
        read(hh) { R.hi = 0; return (hh.frm << 5) | hh.fflags; },
        write(hh, lo) { hh.fflags = lo & 31; hh.frm = (lo >>> 5) & 7; hh.dirtyFs(); } },
    );
  }

  // ---- unprivileged counters (Zicntr, Zihpm) ----
  rows.push(
    { addr: 0xc00, name: 'cycle', check: (hh, _w, insn) => hh.hooks.counterAccess(hh, 0, insn), read: (hh) => counterRead(hh, 'cycle') },
    { addr: 0xc01, name: 'time', check: (hh, _w, insn) => hh.hooks.counterAccess(hh, 1, insn),
      read(hh) { hh.syncClock(); const t = hh.clock.now(); R.hi = Math.floor(t / TWO32) | 0; return t % TWO32 | 0; } },
    { addr: 0xc02, name: 'instret', check: (hh, _w, insn) => hh.hooks.counterAccess(hh, 2, insn), read: (hh) => counterRead(hh, 'instret') },
  );
  for (let n = 3; n < 32; n++) {
    rows.push({ addr: 0xc00 + n, name: `hpmcounter${n}`, check: (hh, _w, insn) => hh.hooks.counterAccess(hh, n, insn), read() { R.hi = 0; return 0; } });
    rows.push(constCsr(0xb00 + n, `mhpmcounter${n}`, 0, 0, true));
    // mhpmevent: WARL; like QEMU 7.2 we keep what is written (no event counts).
    rows.push({ addr: 0x320 + n, name: `mhpmevent${n}`,
      read(hh) { R.hi = hh.mhpmevent[2 * n + 1]; return hh.mhpmevent[2 * n]; },
      write(hh, lo, hi) { hh.mhpmevent[2 * n] = lo; hh.mhpmevent[2 * n + 1] = hi; } });
  }
  rows.push(
    { addr: 0xb00, name: 'mcycle', read: (hh) => counterRead(hh, 'cycle'),
      write(hh, lo, hi) { hh.cycleAdj = (hi >>> 0) * TWO32 + (lo >>> 0) - (hh.instret + 1); } },
    // The write takes effect after this instruction retires (unprivileged ISA, Zicntr), hence +1.
    { addr: 0xb02, name: 'minstret', read: (hh) => counterRead(hh, 'instret'),
      write(hh, lo, hi) { const c = hh.instret + hh.cycleAdj; hh.instretAdj += (hi >>> 0) * TWO32 + (lo >>> 0) - (hh.instret + 1); hh.cycleAdj = c - hh.instret; } },
    plainCsr(0x320, 'mcountinhibit', S.mcountinhibit, ~2, 0),
  );

  // ---- supervisor ----
  rows.push(
    { addr: 0x100, name: 'sstatus',
      read(hh) { R.hi = mstatusHiRead(hh) & 0x80000003; return hh.mstatus & SSTATUS_READ_MASK; },
      write(hh, lo) { writeMstatusLo(hh, lo, SSTATUS_WRITE_MASK); } },
    { addr: 0x104, name: 'sie',
      read(hh) { R.hi = 0; return hh.mie & hh.mideleg; },
      write(hh, lo) { const m = hh.mideleg & 0x222; hh.mie = (hh.mie & ~m) | (lo & m); hh.interruptsChanged(); } },
    tvec(0x105, 'stvec', S.stvec),
    plainCsr(0x106, 'scounteren', S.scounteren, -1, 0),
    plainCsr(0x10a, 'senvcfg', S.senvcfg, 1, 0),
    plainCsr(0x140, 'sscratch', S.sscratch),
    epc(0x141, 'sepc', S.sepc),
    plainCsr(0x142, 'scause', S.scause),
    plainCsr(0x143, 'stval', S.stval),
    { addr: 0x144, name: 'sip',
      read(hh) { hh.hooks.poll(hh); R.hi = 0; return hh.mip & hh.mideleg; },
      // priv spec 4.1.3: only SSIP is writable in sip (when delegated).
      write(hh, lo) { const m = hh.mideleg & 0x2; hh.mipSw = (hh.mipSw & ~m) | (lo & m); hh.interruptsChanged(); } },
    { addr: 0x180, name: 'satp',
      check(hh) { if (hh.priv === PRV_S && (hh.mstatus & MSTATUS_TVM) !== 0) hh.illegal(); },
      read(hh) { R.hi = hh.csr[2 * S.satp + 1]; return hh.csr[2 * S.satp]; },
      write(hh, lo, hi) {
        // priv spec 4.1.11: a write with an unsupported MODE has no effect at all.
        const mode = hi >>> 28;
        if (mode !== 0 && !hh.satpModes.includes(mode)) return;
        hh.csr[2 * S.satp] = lo;
        hh.csr[2 * S.satp + 1] = hi;
        hh.mmu.setSatp(lo, hi);
        hh.flushTlb();
      } },
  );
  if (has('sstc')) {
    // Sstc: stimecmp is accessible from S only when mcounteren.TM and menvcfg.STCE are set.
    rows.push({ addr: 0x14d, name: 'stimecmp',
      check(hh) {
        if (hh.priv !== PRV_M && (((hh.csr[2 * S.mcounteren] >>> 1) & 1) === 0 || (hh.csr[2 * S.menvcfg + 1] & 0x80000000) === 0)) hh.illegal();
      },
      read(hh) { R.hi = hh.csr[2 * S.stimecmp + 1]; return hh.csr[2 * S.stimecmp]; },
      write(hh, lo, hi) { hh.csr[2 * S.stimecmp] = lo; hh.csr[2 * S.stimecmp + 1] = hi; hh.hooks.poll(hh); } });
  }

  // ---- machine information ----
  rows.push(
    constCsr(0xf11, 'mvendorid', h.mvendorid | 0, 0),
    constCsr(0xf12, 'marchid', Number(BigInt.asIntN(32, h.marchid)), Number(BigInt.asIntN(32, h.marchid >> 32n))),
    constCsr(0xf13, 'mimpid', Number(BigInt.asIntN(32, h.mimpid)), Number(BigInt.asIntN(32, h.mimpid >> 32n))),
    constCsr(0xf14, 'mhartid', h.hartId | 0, 0),
    constCsr(0xf15, 'mconfigptr', 0, 0),
  );

  // ---- machine trap setup/handling ----
  rows.push(
    { addr: 0x300, name: 'mstatus',
      read(hh) { R.hi = mstatusHiRead(hh); return hh.mstatus; },
      write(hh, lo) { writeMstatusLo(hh, lo, MSTATUS_WRITE_MASK); } },
    // misa: WARL; we keep it fixed (writes ignored), MXL=2.
    constCsr(0x301, 'misa', h.misa, 0x80000000 | 0, true),
    { addr: 0x302, name: 'medeleg',
      read(hh) { R.hi = 0; return hh.medeleg; },
      // Delegable: 0-9, 11, 12, 13, 15 (bit 11 is writable as in QEMU 7.2; an M-mode ecall never
      // delegates anyway, priv spec 3.1.8). H widens this by wrapping (10, 20-23).
      write(hh, lo) { hh.medeleg = lo & 0xbbff; } },
    { addr: 0x303, name: 'mideleg',
      read(hh) { R.hi = 0; return hh.mideleg; },
      write(hh, lo) { hh.mideleg = lo & 0x222; hh.interruptsChanged(); } },
    { addr: 0x304, name: 'mie',
      read(hh) { R.hi = 0; return hh.mie; },
      write(hh, lo) { hh.mie = lo & 0xaaa; hh.interruptsChanged(); } },
    tvec(0x305, 'mtvec', S.mtvec),
    plainCsr(0x306, 'mcounteren', S.mcounteren, -1, 0),
    // menvcfg high word: STCE (63) with Sstc, PBMTE (62) with Svpbmt, ADUE (61) with Svadu;
    // each is read-only zero without its extension (priv spec "menvcfg").
    { ...plainCsr(0x30a, 'menvcfg', S.menvcfg, 1, menvcfgHiMask(h)),
      write(hh: Hart, lo: number, hi: number) {
        hh.csr[2 * S.menvcfg] = lo & 1;
        hh.csr[2 * S.menvcfg + 1] = hi & menvcfgHiMask(hh);
        hh.mmu.setMenvcfg(hh.csr[2 * S.menvcfg], hh.csr[2 * S.menvcfg + 1]);
        hh.hooks.poll(hh);
      } },
    plainCsr(0x340, 'mscratch', S.mscratch),
    epc(0x341, 'mepc', S.mepc),
    plainCsr(0x342, 'mcause', S.mcause),
    plainCsr(0x343, 'mtval', S.mtval),
    { addr: 0x344, name: 'mip',
      read(hh) { hh.hooks.poll(hh); R.hi = 0; return hh.mip; },
      write(hh, lo) {
        // priv spec 3.1.9: SSIP, STIP, SEIP are writable from M; with Sstc active STIP is the comparator's.
        const stce = (hh.csr[2 * S.menvcfg + 1] & 0x80000000) !== 0;
        const m = stce ? 0x202 : 0x222;
        hh.mipSw = (hh.mipSw & ~m) | (lo & m);
        hh.interruptsChanged();
      } },
  );

  // ---- PMP (priv spec 3.7): 16 entries (as QEMU 7.2); pmpcfg4..14 and pmpaddr16..63 read zero ----
  for (let n = 0; n < 16; n += 2) {
    rows.push({ addr: 0x3a0 + n, name: `pmpcfg${n}`,
      read(hh) { const v = hh.pmp.readCfg(n); R.hi = Number(BigInt.asIntN(32, v >> 32n)); return Number(BigInt.asIntN(32, v)); },
      write(hh, lo, hi) { hh.pmp.writeCfg(n, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)); hh.flushTlb(); hh.mmu.flushAll(); } });
  }
  for (let n = 0; n < 64; n++) {
    rows.push({ addr: 0x3b0 + n, name: `pmpaddr${n}`,
      read(hh) { const v = hh.pmp.readAddr(n); R.hi = Number(BigInt.asIntN(32, v >> 32n)); return Number(BigInt.asIntN(32, v)); },
      write(hh, lo, hi) { hh.pmp.writeAddr(n, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)); hh.flushTlb(); hh.mmu.flushAll(); } });
  }
  return rows;
}
