/**
 * The Hypervisor extension on an isa-core hart, parameterised by a spec module
 * (`hypervisor(H_1_0)`, `hypervisor(H_0_6_1)`). Everything version-specific is read from
 * the `HypervisorSpec` data; the hart core never tests for H.
 *
 * References are to the ISA manual, Privileged Architecture, "Hypervisor Extension".
 */
import { CSR_SLOTS, type CsrRow, type Extension, type Hart, type PrivHooks } from '@tsvisor/isa-core';
import { OP_PRIV_SHIFT, OP_VIRT, TRANSLATE_FAULT } from '@tsvisor/mmu-2stage';
import type { HypervisorSpec } from './spec.js';
import { HState, attachState, hstate, REG, type RegName } from './state.js';
import {
  HIP_BITS, HSTATUS_HI, HSTATUS_SPV, HSTATUS_SPVP, HSTATUS_GVA, HSTATUS_VTSR, HSTATUS_VTVM, HSTATUS_VTW,
  VS_BITS, effectiveHenvcfgHi, hCsrRows, hidelegValue, midelegReadOnlyOne, syncTranslator, updateGuestLines, virtualInstruction,
  vstimerPending, wrappedCoreRows,
} from './csrs.js';
import { hInstructions } from './instructions.js';
import { transformedInstruction } from './tinst.js';
import { S_TO_VS } from './defs.js';

const PRV_U = 0, PRV_S = 1, PRV_M = 3;
const MSTATUS_SIE = 1 << 1, MSTATUS_TW = 1 << 21, MSTATUS_MPRV = 1 << 17;
const MSTATUS_MPP_SHIFT = 11;
const MSTATUSH_GVA = 1 << 6, MSTATUSH_MPV = 1 << 7;
/** Interrupts that arrive in VS under the S-level number (H: VSEI 10 -> 9, VSTI 6 -> 5, VSSI 2 -> 1). */
const VS_TRANSLATED = VS_BITS;

/**
 * HS-level interrupt priority (H: "Hypervisor Interrupt Registers"): SEI, SSI, STI, SGEI,
 * VSEI, VSSI, VSTI, LCOFI, after the M-level ones.
 */
export const H_INTERRUPT_ORDER: readonly number[] = [11, 3, 7, 9, 1, 5, 12, 10, 2, 6, 13];

function pickH(bits: number): number {
  for (const b of H_INTERRUPT_ORDER) if (bits & (1 << b)) return b;
  for (let b = 31; b >= 0; b--) if (bits & (1 << b)) return b;
  return -1;
}

/** Options of `hypervisor()`. */
export interface HypervisorOptions {
  /** Guest external interrupt sources per hart (hgeip bits GEILEN:1), 0..63. Default 0. */
  geilen?: number;
}

/** The H extension object, with the platform-facing inputs H adds to a hart. */
export interface HypervisorExtension extends Extension {
  readonly spec: HypervisorSpec;
  /**
   * Drive guest external interrupt line `n` (1..GEILEN) of `hart`: hgeip bit n. An IMSIC
   * guest interrupt file calls this (AIA: "guest file i drives hgeip[i]").
   */
  setGuestExternalInterrupt(hart: Hart, n: number, level: boolean): void;
  /** The H state of a hart (for tests and debuggers): a CSR by name, as bigint. */
  readCsr(hart: Hart, name: RegName): bigint;
}

/** Is `addr` one of the supervisor CSRs that has a VS counterpart? */
function vsCounterpart(addr: number): number {
  return S_TO_VS.get(addr) ?? -1;
}

/** `hypervisor(spec)`: the H extension following `spec` (H 1.0, H 0.6.1, or another module). */
export function hypervisor(spec: HypervisorSpec, options: HypervisorOptions = {}): HypervisorExtension {
  const geilen = options.geilen ?? 0;
  if (!Number.isInteger(geilen) || geilen < 0 || geilen > 63) {
    throw new RangeError(`hypervisor: GEILEN must be an integer 0..63 (got ${String(geilen)})`);
  }
  const coarse = spec.virtualInstruction === 'coarse';

  /** GVA: does this trap's xtval hold a guest virtual address? */
  function gvaFor(h: Hart, st: HState, cause: number, interrupt: boolean, tl: number, th: number): boolean {
    if (interrupt) return false;
    // A guest VA is in xtval when V=1, during HLV/HLVX/HSV, or for a data access made with
    // two-stage translation through MPRV=1/MPV=1 from M-mode.
    const dataCause = cause >= 4 && cause <= 7 || cause === 13 || cause === 15 || cause === 21 || cause === 23;
    if (!(h.virt || st.hlvActive || (dataCause && (h.dmode & 4) !== 0))) return false;
    switch (cause) {
      case 1: case 5: case 7: case 12: case 13: case 15: case 20: case 21: case 23:
        return true;
      case 0: case 3: case 4: case 6:
        // 0.6.2+/1.0: breakpoint and misaligned traps too, when xtval is nonzero.
        return spec.gvaOnMisalignedAndBreakpoint && (tl | th) !== 0;
      default:
        return false;
    }
  }

  function privHooks(base: PrivHooks): Partial<PrivHooks> {
    return {
      enterTrap(h, cause, interrupt, tl, th) {
        const st = hstate(h);
        const virt = h.virt;
        let toVS = false;
        let toHS: boolean;
        if (interrupt) {
          toHS = ((h.mideleg >>> cause) & 1) === 1 && h.priv <= PRV_S;
          toVS = toHS && virt && ((hidelegValue(h, st) >>> cause) & 1) === 1;
        } else {
          toHS = h.priv <= PRV_S && ((h.medeleg >>> cause) & 1) === 1;
          toVS = toHS && virt && ((st.lo('hedeleg') >>> cause) & 1) === 1;
        }
        const gva = gvaFor(h, st, cause, interrupt, tl, th);
        // tinst: interrupts write 0; a pseudo-instruction from the walker wins; else the transformation.
        let tinst = 0;
        if (!interrupt) tinst = h.trapTinst !== 0 ? h.trapTinst : transformedInstruction(h, cause, tl);
        // htval/mtval2: the faulting GPA >> 2 for guest-page faults, zero for every other trap.
        const hasGpa = st.hasGpa && !interrupt && (cause === 20 || cause === 21 || cause === 23);
        const gpaLo = hasGpa ? ((st.gpaLo >>> 2) | (st.gpaHi << 30)) : 0;
        const gpaHi = hasGpa ? (st.gpaHi >>> 2) : 0;
        st.hasGpa = false;
        st.hlvActive = false;

        if (toVS) {
          // Trap into VS: only the VS CSRs change; V stays 1 (H: "Trap Entry").
          const code = interrupt && ((VS_TRANSLATED >>> cause) & 1) === 1 ? cause - 1 : cause;
          let vs = st.lo('vsstatus');
          vs = (vs & ~((1 << 5) | 2 | (1 << 8))) | ((vs & 2) !== 0 ? 1 << 5 : 0) | (h.priv === PRV_S ? 1 << 8 : 0);
          st.set('vsstatus', vs, st.hi('vsstatus'));
          st.set('vsepc', h.pc, h.pch);
          st.set('vscause', code, interrupt ? 0x80000000 | 0 : 0);
          st.set('vstval', tl, th);
          h.priv = PRV_S;
          let pl = st.lo('vstvec') & ~3, ph = st.hi('vstvec');
          if (interrupt && (st.lo('vstvec') & 3) === 1) {
            const n = (pl + 4 * code) | 0;
            if ((n >>> 0) < (pl >>> 0)) ph = (ph + 1) | 0;
            pl = n;
          }
          h.pc = h.npc = pl;
          h.pch = h.npch = ph;
          return;
        }
        if (toHS) {
          // Trap into HS: SPV <- V, SPVP <- nominal privilege when V was 1, GVA; htval, htinst.
          let hs = st.lo('hstatus') & ~(HSTATUS_SPV | HSTATUS_GVA);
          if (virt) hs = (hs & ~HSTATUS_SPVP) | HSTATUS_SPV | (h.priv === PRV_S ? HSTATUS_SPVP : 0);
          if (gva) hs |= HSTATUS_GVA;
          st.set('hstatus', hs, HSTATUS_HI);
          st.set('htval', gpaLo, gpaHi);
          st.set('htinst', tinst, 0);
        } else {
          // Trap into M: MPV, GVA; mtval2, mtinst.
          h.mstatusH = (h.mstatusH & ~(MSTATUSH_GVA | MSTATUSH_MPV)) | (virt ? MSTATUSH_MPV : 0) | (gva ? MSTATUSH_GVA : 0);
          st.set('mtval2', gpaLo, gpaHi);
          st.set('mtinst', tinst, 0);
        }
        h.virt = false;
        base.enterTrap(h, cause, interrupt, tl, th);
      },

      mret(h, insn) {
        const mpv = (h.mstatusH & MSTATUSH_MPV) !== 0;
        const mpp = (h.mstatus >>> MSTATUS_MPP_SHIFT) & 3;
        base.mret(h, insn); // guards (illegal outside M) and the M-level state
        // MRET sets V = MPV unless MPP = M (H: "Machine Status Registers").
        h.virt = mpv && mpp !== PRV_M;
        h.afterPrivChange();
      },

      sret(h, insn) {
        const st = hstate(h);
        if (h.virt) {
          // VU: SRET is a supervisor instruction -> virtual; VS with VTSR=1 -> virtual.
          if (h.priv === PRV_U || (st.lo('hstatus') & HSTATUS_VTSR) !== 0) virtualInstruction(h);
          // SRET in VS uses vsstatus/vsepc and stays in V=1.
          let vs = st.lo('vsstatus');
          const spp = (vs & (1 << 8)) !== 0 ? PRV_S : PRV_U;
          vs = (vs & ~(2 | (1 << 8))) | ((vs & (1 << 5)) !== 0 ? 2 : 0) | (1 << 5);
          st.set('vsstatus', vs, st.hi('vsstatus'));
          h.mstatus &= ~MSTATUS_MPRV;
          h.priv = spp;
          const mask = h.enabled.has('c') ? ~1 : ~3;
          h.npc = st.lo('vsepc') & mask;
          h.npch = st.hi('vsepc');
          h.afterPrivChange();
          return;
        }
        const spv = (st.lo('hstatus') & HSTATUS_SPV) !== 0;
        base.sret(h, insn); // U: illegal; HS with TSR: illegal
        // SRET with V=0 sets V = SPV (H: "Hypervisor Status Register").
        h.virt = spv;
        h.afterPrivChange();
      },

      wfi(h, insn) {
        if (!h.virt) { base.wfi(h, insn); return; }
        const tw = (h.mstatus & MSTATUS_TW) !== 0;
        if (h.priv === PRV_U) {
          // 1.0: VU WFI is virtual only when TW=0 (TW=1: illegal, not HS-qualified);
          // 0.6.1: every VU WFI is a virtual-instruction exception.
          if (tw && !coarse) h.illegal();
          virtualInstruction(h);
        }
        if (tw) h.illegal();
        if ((hstate(h).lo('hstatus') & HSTATUS_VTW) !== 0) virtualInstruction(h);
      },

      sfenceVma(h, insn) {
        if (!h.virt) { base.sfenceVma(h, insn); return; }
        const st = hstate(h);
        if (h.priv === PRV_U || (st.lo('hstatus') & HSTATUS_VTVM) !== 0) virtualInstruction(h);
        // In VS, SFENCE.VMA fences guest VAs/ASIDs of the current VMID (HFENCE.VVMA semantics).
        const rs1 = (insn >>> 15) & 31, rs2 = (insn >>> 20) & 31;
        st.translator.hfenceVvma({
          addr: rs1 !== 0 ? (BigInt(h.x[2 * rs1 + 1] >>> 0) << 32n) | BigInt(h.x[2 * rs1] >>> 0) : undefined,
          asid: rs2 !== 0 ? h.x[2 * rs2] & 0xffff : undefined,
        });
        h.flushTlb();
      },

      pendingInterrupt(h) {
        const pend = h.mip & h.mie;
        if (pend === 0) return -1;
        const m = pend & ~h.mideleg;
        if (m !== 0 && (h.priv < PRV_M || (h.mstatus & (1 << 3)) !== 0)) return pickH(m);
        const st = hstate(h);
        const hideleg = hidelegValue(h, st);
        const hsPend = pend & h.mideleg & ~hideleg;
        // HS-level interrupts are always enabled in VS/VU (less privileged than HS).
        if (hsPend !== 0 && (h.virt || h.priv === PRV_U || (h.priv === PRV_S && (h.mstatus & MSTATUS_SIE) !== 0))) {
          return pickH(hsPend);
        }
        if (h.virt) {
          const vsPend = pend & h.mideleg & hideleg;
          if (vsPend !== 0 && (h.priv === PRV_U || (st.lo('vsstatus') & 2) !== 0)) return pickH(vsPend);
        }
        return -1;
      },

      csrAccess(h, addr, write, insn) {
        const level = (addr >>> 8) & 3; // 0 U, 1 S, 2 H/VS, 3 M
        const readOnly = (addr >>> 10) === 3;
        if (!h.virt) {
          const row = h.csrRow(addr);
          // The H and VS CSRs (level 2) are HS-mode CSRs (H: "Hypervisor and Virtual Supervisor CSRs").
          const need = level === 2 ? PRV_S : level;
          if (!row || h.priv < need || (write && readOnly)) return h.illegal();
          return row;
        }
        // V=1.
        const row = h.csrRow(addr);
        if (!row || level === 3) return h.illegal();
        // Would HS-mode (with TVM=0) be allowed this access? (1.0 "HS-qualified")
        const hsAllowed = !(write && (readOnly || !row.write));
        if (level === 2) {
          // h* and vs* CSRs by their own numbers: virtual-instruction (0.6.1: always;
          // 1.0: only if HS could do the same access, else illegal).
          if (coarse || hsAllowed) virtualInstruction(h);
          h.illegal();
        }
        if (level === 1) {
          if (h.priv === PRV_U) {
            if (coarse || hsAllowed) virtualInstruction(h);
            h.illegal();
          }
          if (write && readOnly) h.illegal();
          const vsAddr = vsCounterpart(addr);
          if (vsAddr < 0) return row;
          // satp in VS with hstatus.VTVM=1 (mstatus.TVM does not reach VS).
          if (addr === 0x180 && (hstate(h).lo('hstatus') & HSTATUS_VTVM) !== 0) virtualInstruction(h);
          const vsRow = h.csrRow(vsAddr);
          if (!vsRow) return h.illegal();
          return vsRow;
        }
        // level 0: user CSRs (counters check themselves through counterAccess; FP through fsCheck).
        void insn;
        if (write && readOnly) h.illegal();
        return row;
      },

      counterAccess(h, bit, insn) {
        if (h.priv === PRV_M) return;
        if (((h.csr[2 * CSR_SLOTS.mcounteren] >>> bit) & 1) === 0) h.illegal();
        if (!h.virt) { base.counterAccess(h, bit, insn); return; }
        const hen = (hstate(h).lo('hcounteren') >>> bit) & 1;
        const sen = (h.csr[2 * CSR_SLOTS.scounteren] >>> bit) & 1;
        if (hen === 0) virtualInstruction(h);
        if (h.priv === PRV_U && sen === 0) {
          // 1.0: VU counters are also gated by scounteren, as a virtual-instruction exception;
          // 0.6.1 names only hcounteren, so scounteren blocks with an illegal instruction.
          if (coarse) h.illegal();
          virtualInstruction(h);
        }
      },

      fsCheck(h, insn) {
        base.fsCheck(h, insn);
        // With V=1 both sstatus.FS and vsstatus.FS are in effect; Off is always illegal (never virtual).
        if (h.virt && (hstate(h).lo('vsstatus') & 0x6000) === 0) h.illegal();
      },

      fsDirty(h) {
        base.fsDirty(h);
        if (h.virt) {
          const st = hstate(h);
          st.set('vsstatus', st.lo('vsstatus') | 0x6000, st.hi('vsstatus'));
        }
      },

      dataMode(h) {
        // MPRV=1 in M-mode: MPP, and with MPV=1 two-stage translation as VS/VU (H: "Machine Status Registers").
        if (h.priv === PRV_M && (h.mstatus & MSTATUS_MPRV) !== 0) {
          const mpp = (h.mstatus >>> MSTATUS_MPP_SHIFT) & 3;
          return mpp !== PRV_M && (h.mstatusH & MSTATUSH_MPV) !== 0 ? mpp | 4 : mpp;
        }
        return h.priv | (h.virt ? 4 : 0);
      },

      translate(h, al, ah, access, mode) {
        if ((mode & 4) === 0) return base.translate(h, al, ah, access, mode);
        const st = hstate(h);
        syncTranslator(h, st);
        // The op packs access, effective privilege and V (mmu-2stage access.ts), allocation-free.
        const pa = st.translator.translate(al, ah, access | ((mode & 3) << OP_PRIV_SHIFT) | OP_VIRT);
        if (pa !== TRANSLATE_FAULT) return pa;
        return raiseTranslationFault(h, st);
      },

      poll(h) {
        base.poll(h);
        const st = hstate(h);
        const t = vstimerPending(h, st) ? 1 << 6 : 0;
        if ((h.mipTimer & (1 << 6)) !== t) {
          h.mipTimer = (h.mipTimer & ~(1 << 6)) | t;
          h.interruptsChanged();
        }
      },
    };
  }

  const ext: HypervisorExtension = {
    name: 'h',
    misaLetter: 'H',
    spec,
    instructions: hInstructions(spec),
    attach(h) {
      attachState(h, new HState(h, spec, geilen));
    },
    csrs(h): readonly CsrRow[] {
      return [...wrappedCoreRows(h), ...hCsrRows(h, spec)];
    },
    privHooks(base) {
      return privHooks(base);
    },
    reset(h) {
      const st = hstate(h);
      st.r.fill(0);
      st.set('hstatus', 0, HSTATUS_HI);
      st.set('vsstatus', 0, 2);
      st.hasGpa = false;
      st.hlvActive = false;
      st.syncedMstatus = -1;
      st.syncedMenvcfgHi = -1;
      st.translator.setVsatp(0, 0);
      st.translator.setHgatp(0, 0);
      st.translator.setVsstatus(0);
      st.translator.flushAll();
      h.mideleg |= midelegReadOnlyOne(st);
      h.mipLines &= ~HIP_BITS;
    },
    nextTimerDeadline(h) {
      // Sstc for VS: VSTIP rises when time + htimedelta >= vstimecmp, i.e. at vstimecmp - htimedelta.
      const st = hstate(h);
      if ((effectiveHenvcfgHi(h, st) & 0x80000000) === 0) return Infinity;
      const d = BigInt.asUintN(64, st.get('vstimecmp') - st.get('htimedelta'));
      return d >= 1n << 53n ? Infinity : Number(d);
    },
    state: {
      save(h) {
        const st = hstate(h);
        const regs: Record<string, string> = {};
        for (const name of Object.keys(REG) as RegName[]) regs[name] = '0x' + st.get(name).toString(16);
        return { stateVersion: 1, spec: spec.version, geilen, regs };
      },
      restore(h, state) {
        const s = state as { stateVersion: number; spec: string; regs: Record<string, string> };
        if (s.stateVersion !== 1) throw new Error(`csr-h-ext state version ${String(s.stateVersion)} is not supported (expected 1)`);
        if (s.spec !== spec.version) throw new Error(`csr-h-ext: state saved with H ${s.spec} cannot be restored into H ${spec.version}`);
        const st = hstate(h);
        for (const name of Object.keys(REG) as RegName[]) {
          const v = BigInt(s.regs[name] ?? '0');
          st.set(name, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
        }
        st.translator.setVsatp(st.lo('vsatp'), st.hi('vsatp'));
        st.translator.setHgatp(st.lo('hgatp'), st.hi('hgatp'));
        st.translator.setVsstatus(st.lo('vsstatus'));
        st.syncedMstatus = -1;
        st.syncedMenvcfgHi = -1;
        h.mideleg |= midelegReadOnlyOne(st);
        updateGuestLines(h, st);
      },
    },
    setGuestExternalInterrupt(hart, n, level) {
      const st = hstate(hart);
      if (!Number.isInteger(n) || n < 1 || n > st.geilen) return;
      const i = n < 32 ? 2 * REG.hgeip : 2 * REG.hgeip + 1;
      const bit = 1 << (n & 31);
      st.r[i] = level ? st.r[i] | bit : st.r[i] & ~bit;
      updateGuestLines(hart, st);
    },
    readCsr(hart, name) {
      return hstate(hart).get(name);
    },
  };
  return ext;
}

/** Raise the fault the translator reported, with htval/mtval2 and htinst/mtinst detail. */
export function raiseTranslationFault(h: Hart, st: HState): never {
  const tr = st.translator;
  st.hasGpa = tr.faultHasGpa;
  st.gpaLo = tr.faultGpaLo;
  st.gpaHi = tr.faultGpaHi;
  h.trapTinst = tr.faultTinst;
  return h.raise(tr.faultCause, tr.faultTvalLo, tr.faultTvalHi);
}
