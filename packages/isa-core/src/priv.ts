/**
 * The base privileged architecture for M, S and U (priv spec 1.12/1.13): trap entry,
 * xRET, interrupt selection, CSR access rules, WFI/SFENCE guards, FS, MPRV, Bare/Sv
 * translation. Extensions wrap these (extension.ts); nothing here knows about H.
 */
import type { PrivHooks } from './extension.js';
import type { Hart } from './hart.js';
import {
  ACCESS_FETCH, ACCESS_LOAD, CAUSE_FETCH_PAGE_FAULT, CAUSE_LOAD_PAGE_FAULT,
  CAUSE_STORE_PAGE_FAULT, CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS,
  MSTATUS_MIE, MSTATUS_MPIE, MSTATUS_MPP, MSTATUS_MPP_SHIFT, MSTATUS_MPRV, MSTATUS_SIE,
  MSTATUS_SPIE, MSTATUS_SPP, MSTATUS_TSR, MSTATUS_TVM, MSTATUS_TW, PRV_M, PRV_S, PRV_U,
  type AccessKind,
} from './defs.js';
import { CSR_SLOTS } from './csr.js';
import { OP_PRIV_SHIFT, TRANSLATE_FAULT } from '@tsvisor/mmu-2stage';

/** Interrupt priority (priv spec 3.1.9): MEI, MSI, MTI, SEI, SSI, STI, then LCOFI. */
export const INTERRUPT_ORDER = [11, 3, 7, 9, 1, 5, 13] as const;

/** Highest-priority interrupt number set in `bits` (INTERRUPT_ORDER first, then any other, high to low), or -1. */
export function pickInterrupt(bits: number): number {
  if (bits === 0) return -1;
  for (const b of INTERRUPT_ORDER) if (bits & (1 << b)) return b;
  for (let b = 31; b >= 0; b--) if (bits & (1 << b)) return b;
  return -1;
}

const SLOT = CSR_SLOTS;

/** Write xtvec-derived target into pc/npc. Vectored mode applies to interrupts only. */
function vector(h: Hart, tvecSlot: number, cause: number, interrupt: boolean): void {
  let lo = h.csr[2 * tvecSlot] & ~3;
  let hi = h.csr[2 * tvecSlot + 1];
  if (interrupt && (h.csr[2 * tvecSlot] & 3) === 1) {
    const n = (lo + 4 * cause) | 0;
    if ((n >>> 0) < (lo >>> 0)) hi = (hi + 1) | 0;
    lo = n;
  }
  h.pc = h.npc = lo;
  h.pch = h.npch = hi;
}

/** The M/S/U implementation of every hook. */
export function basePrivHooks(): PrivHooks {
  return {
    enterTrap(h, cause, interrupt, tl, th) {
      const deleg = interrupt ? h.mideleg : h.medeleg;
      const toS = h.priv <= PRV_S && cause < 32 && ((deleg >>> cause) & 1) === 1;
      let ms = h.mstatus;
      if (toS) {
        // priv spec 4.1.1: SPIE <- SIE, SIE <- 0, SPP <- (priv == S)
        ms = (ms & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP)) |
          (ms & MSTATUS_SIE ? MSTATUS_SPIE : 0) | (h.priv === PRV_S ? MSTATUS_SPP : 0);
        h.mstatus = ms;
        h.csr[2 * SLOT.sepc] = h.pc;
        h.csr[2 * SLOT.sepc + 1] = h.pch;
        h.csr[2 * SLOT.scause] = cause;
        h.csr[2 * SLOT.scause + 1] = interrupt ? 0x80000000 | 0 : 0;
        h.csr[2 * SLOT.stval] = tl;
        h.csr[2 * SLOT.stval + 1] = th;
        h.priv = PRV_S;
        vector(h, SLOT.stvec, cause, interrupt);
      } else {
        // priv spec 3.1.6.1: MPIE <- MIE, MIE <- 0, MPP <- priv
        ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP)) |
          (ms & MSTATUS_MIE ? MSTATUS_MPIE : 0) | (h.priv << MSTATUS_MPP_SHIFT);
        h.mstatus = ms;
        h.csr[2 * SLOT.mepc] = h.pc;
        h.csr[2 * SLOT.mepc + 1] = h.pch;
        h.csr[2 * SLOT.mcause] = cause;
        h.csr[2 * SLOT.mcause + 1] = interrupt ? 0x80000000 | 0 : 0;
        h.csr[2 * SLOT.mtval] = tl;
        h.csr[2 * SLOT.mtval + 1] = th;
        h.priv = PRV_M;
        vector(h, SLOT.mtvec, cause, interrupt);
      }
    },

    mret(h) {
      if (h.priv !== PRV_M) h.illegal();
      // priv spec 3.3.2: MIE <- MPIE, MPIE <- 1, priv <- MPP, MPP <- U; MPRV <- 0 if MPP != M.
      let ms = h.mstatus;
      const mpp = (ms & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
      ms = (ms & ~(MSTATUS_MIE | MSTATUS_MPP)) | (ms & MSTATUS_MPIE ? MSTATUS_MIE : 0) | MSTATUS_MPIE;
      if (mpp !== PRV_M) ms &= ~MSTATUS_MPRV;
      h.mstatus = ms;
      h.priv = mpp;
      jumpToEpc(h, SLOT.mepc);
    },

    sret(h) {
      if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TSR) !== 0)) h.illegal();
      // priv spec 4.1.1 / 3.3.2: SIE <- SPIE, SPIE <- 1, priv <- SPP, SPP <- U, MPRV <- 0.
      let ms = h.mstatus;
      const spp = ms & MSTATUS_SPP ? PRV_S : PRV_U;
      ms = (ms & ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV)) | (ms & MSTATUS_SPIE ? MSTATUS_SIE : 0) | MSTATUS_SPIE;
      h.mstatus = ms;
      h.priv = spp;
      jumpToEpc(h, SLOT.sepc);
    },

    wfi(h) {
      // priv spec 3.3.3: TW=1 traps WFI below M; U-mode WFI is illegal when S exists (QEMU: immediately).
      if (h.priv === PRV_U || (h.priv < PRV_M && (h.mstatus & MSTATUS_TW) !== 0)) h.illegal();
    },

    sfenceVma(h, insn) {
      if (h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_TVM) !== 0)) h.illegal();
      // rs1 != x0: one address; rs2 != x0: one ASID (priv spec 4.2.1).
      const rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
      h.mmu.sfenceVma({
        addr: rs1 !== 0 ? h.getX(rs1) : undefined,
        asid: rs2 !== 0 ? h.x[2 * rs2] & 0xffff : undefined,
      });
      h.flushTlb();
    },

    pendingInterrupt(h) {
      const pend = h.mip & h.mie;
      if (pend === 0) return -1;
      const m = pend & ~h.mideleg;
      if (m !== 0 && (h.priv < PRV_M || (h.mstatus & MSTATUS_MIE) !== 0)) return pickInterrupt(m);
      const s = pend & h.mideleg;
      if (s !== 0 && (h.priv < PRV_S || (h.priv === PRV_S && (h.mstatus & MSTATUS_SIE) !== 0))) return pickInterrupt(s);
      return -1;
    },

    wakeMask(h) {
      // priv spec 3.3.3: WFI resumes when any interrupt is pending and enabled in mie, ignoring global enables and delegation.
      return h.mip & h.mie;
    },

    csrAccess(h, addr, write) {
      const row = h.csrRow(addr);
      // priv spec 2.1: bits 9:8 give the lowest privilege; bits 11:10 == 3 means read-only.
      if (!row || h.priv < ((addr >>> 8) & 3) || (write && (addr >>> 10) === 3)) return h.illegal();
      return row;
    },

    counterAccess(h, bit) {
      // priv spec 3.1.11/4.1.5: mcounteren gates S and U; scounteren additionally gates U.
      if (h.priv === PRV_M) return;
      if (((h.csr[2 * SLOT.mcounteren] >>> bit) & 1) === 0) h.illegal();
      if (h.priv === PRV_U && ((h.csr[2 * SLOT.scounteren] >>> bit) & 1) === 0) h.illegal();
    },

    fsCheck(h) {
      if ((h.mstatus & 0x6000) === 0) h.illegal();
    },

    fsDirty(h) {
      h.mstatus |= 0x6000;
    },

    dataMode(h) {
      // priv spec 3.1.6.3: MPRV=1 in M-mode makes loads/stores use MPP.
      if (h.priv === PRV_M && (h.mstatus & MSTATUS_MPRV) !== 0) return (h.mstatus & MSTATUS_MPP) >>> MSTATUS_MPP_SHIFT;
      return h.priv;
    },

    translate(h, al, ah, access, mode) {
      // M-mode and satp=Bare: physical = virtual (an address at or above 2^53 is an access fault).
      if ((mode & 3) === PRV_M || (h.csr[2 * SLOT.satp + 1] >>> 28) === 0) return h.bareAddress(al, ah, access);
      const mmu = h.mmu;
      const pa = mmu.translate(al, ah, access | ((mode & 3) << OP_PRIV_SHIFT));
      if (pa !== TRANSLATE_FAULT) return pa;
      return h.raise(mmu.faultCause, mmu.faultTvalLo, mmu.faultTvalHi);
    },

    poll(h) {
      // Sstc (priv spec "Sstc"): STIP follows time >= stimecmp while menvcfg.STCE = 1.
      h.syncClock();
      const deadline = h.nextTimerDeadline();
      let t = 0;
      if (deadline !== Infinity && h.clock.now() >= deadline) t = 1 << 5;
      if ((h.mipTimer & (1 << 5)) !== t) {
        h.mipTimer = (h.mipTimer & ~(1 << 5)) | t;
        h.interruptsChanged();
      }
    },
  };
}

/** xRET target: xepc with bit 0 clear (bit 1 too without C), then re-evaluate modes. */
function jumpToEpc(h: Hart, slot: number): void {
  const mask = h.enabled.has('c') ? ~1 : ~3;
  h.npc = h.csr[2 * slot] & mask;
  h.npch = h.csr[2 * slot + 1];
  h.afterPrivChange();
}

/** Page-fault and access-fault causes by access kind. */
export function pageFaultCause(access: AccessKind): number {
  return access === ACCESS_FETCH ? CAUSE_FETCH_PAGE_FAULT : access === ACCESS_LOAD ? CAUSE_LOAD_PAGE_FAULT : CAUSE_STORE_PAGE_FAULT;
}
export function accessFaultCause(access: AccessKind): number {
  return access === ACCESS_FETCH ? CAUSE_FETCH_ACCESS : access === ACCESS_LOAD ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;
}
