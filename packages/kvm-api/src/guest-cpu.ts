/**
 * The hart a vCPU runs on, seen from kvm-api's HS-mode role. The vCPU logic
 * (SBI, MMIO exits, timer, ONE_REG) talks only to this interface; each
 * implementation maps it onto an isa-core hart.
 *
 * `DirectGuestCpu` is the implementation for host harts WITHOUT the H extension:
 * the guest's supervisor runs in the hart's real S-mode, and kvm-api takes the
 * traps that would go to M-mode (ECALL from S, access faults) the way kvm.ko
 * takes the traps that reach HS-mode. There is no G-stage, so guest-physical
 * equals host-physical (memory slots must be identity-placed), and there is no
 * htimedelta, so the guest's `time` is the VM clock.
 */
import {
  CAUSE_FETCH_ACCESS, CAUSE_LOAD_ACCESS, CAUSE_STORE_ACCESS, CAUSE_SUPERVISOR_ECALL, Hart, IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER,
  MIP_SEIP, MIP_SSIP, MIP_STIP, PRV_S, PRV_U, TRAP,
} from '@tsvisor/isa-core';
import type { Clock, Extension, PhysicalMemory } from '@tsvisor/isa-core';

/** A trap the guest could not handle itself: it reached kvm-api. */
export interface GuestTrap {
  readonly cause: number;
  readonly tval: bigint;
  /** Guest-physical address of a data access fault (for MMIO). */
  readonly gpa?: number;
  /** The trapping instruction's bits (16-bit for compressed). */
  readonly insn: number;
  /** htinst when the host has H (0x3000/0x3020: the fault came from the guest's own page-table walk). */
  readonly tinst?: number;
}

/** Guest S-level CSRs as ONE_REG names them (struct kvm_riscv_csr). */
export const GUEST_CSR_NUMBERS = {
  sstatus: 0x100, sie: 0x104, stvec: 0x105, sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143,
  sip: 0x144, satp: 0x180, scounteren: 0x106, senvcfg: 0x10a,
} as const;
export type GuestCsrName = keyof typeof GUEST_CSR_NUMBERS;

export type GuestIrq = 'software' | 'timer' | 'external';

export interface GuestCpu {
  readonly hart: Hart;
  /** Whether this CPU gives guests a G-stage (memory slots may be placed anywhere). */
  readonly remaps: boolean;
  /** Whether the guest may use Sstc (its stimecmp is the hart's vstimecmp). */
  readonly guestSstc: boolean;
  /** Runs up to `n` instructions; returns the trap that reached kvm-api, if one did. */
  run(n: number): GuestTrap | undefined;
  /** The guest waits in WFI with nothing pending. */
  readonly waiting: boolean;
  getX(i: number): bigint;
  setX(i: number, v: bigint): void;
  getPc(): bigint;
  setPc(v: bigint): void;
  getCsr(name: GuestCsrName): bigint;
  setCsr(name: GuestCsrName, v: bigint): void;
  /** KVM_RISCV_MODE_S (1) or KVM_RISCV_MODE_U (0). */
  getMode(): number;
  setMode(mode: number): void;
  /** Raises or lowers one of the guest's supervisor interrupts. Software: the guest clears it through sip. */
  setInterrupt(irq: GuestIrq, level: boolean): void;
  /** Delivers an exception to the guest's own trap handler, as if the instruction at pc raised it. */
  redirectTrap(cause: number, tval: bigint): void;
  /** Guest reset for HSM start / non-retentive resume: S-mode, satp = 0, SIE = 0, pc, a0, a1. */
  resetTo(pc: bigint, a0: bigint, a1: bigint): void;
  /** Drops cached translations (remote SFENCE.VMA). */
  flushTlb(): void;
  readonly clock: Clock;
  /** The guest's `time` (the VM clock, plus htimedelta with H). */
  guestTime(): bigint;
  /** htimedelta; undefined when the host hart has no H (then TIMER.time is read-only). */
  timeDelta?: bigint;
}

const MSTATUS_SIE = 1n << 1n;

/** Causes kvm-api keeps for itself; every other exception goes straight to the guest's S-mode. */
const KEPT = (1 << CAUSE_SUPERVISOR_ECALL) | (1 << CAUSE_FETCH_ACCESS) | (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_STORE_ACCESS) | (1 << 11);

export interface DirectGuestCpuOptions {
  readonly hartId: number;
  readonly isa: string;
  readonly memory: PhysicalMemory;
  readonly clock: Clock;
  readonly mvendorid?: number;
  readonly marchid?: bigint;
  readonly mimpid?: bigint;
}

export class DirectGuestCpu implements GuestCpu {
  readonly hart: Hart;
  readonly remaps = false;
  /** stimecmp would be the host's own: the guest timer goes through SBI. */
  readonly guestSstc = false;
  readonly clock: Clock;
  private trapped: GuestTrap | undefined;

  // No Zkr either: a guest in the hart's real S-mode cannot have its seed accesses trapped
  // (only VS/VU accesses become virtual-instruction traps), so there is nothing to forward.
  constructor(options: DirectGuestCpuOptions) {
    this.clock = options.clock;
    const intercept: Extension = {
      name: 'xkvmhs',
      privHooks: (base) => ({
        enterTrap: (h, cause, interrupt, tl, th) => {
          // A trap the guest's S-mode does not receive would go to M-mode: that is kvm-api's.
          if (!interrupt && h.priv <= PRV_S && ((h.medeleg >>> cause) & 1) === 0) {
            this.trapped = { cause, tval: (BigInt(th >>> 0) << 32n) | BigInt(tl >>> 0), insn: h.raw };
            h.requestStop();
            return;
          }
          base.enterTrap(h, cause, interrupt, tl, th);
        },
      }),
    };
    this.hart = new Hart({
      hartId: options.hartId, isa: options.isa.split('_').filter((p) => p !== 'sstc' && p !== 'zkr').join('_'), memory: options.memory, clock: options.clock, extensions: [intercept],
      ...(options.mvendorid !== undefined ? { mvendorid: options.mvendorid } : {}),
      ...(options.marchid !== undefined ? { marchid: options.marchid } : {}),
      ...(options.mimpid !== undefined ? { mimpid: options.mimpid } : {}),
    });
    this.configureMachineLevel();
  }

  /** The M-level setup our "firmware" role owns: delegation, counters, PMP open, Sstc off. */
  private configureMachineLevel(): void {
    const h = this.hart;
    h.setCsr(0x302, BigInt(0xffff & ~KEPT)); // medeleg
    h.setCsr(0x303, BigInt(MIP_SSIP | MIP_STIP | MIP_SEIP)); // mideleg
    h.setCsr(0x306, 7n); // mcounteren: CY, TM, IR
    h.setCsr(0x30a, 0n); // menvcfg: STCE = 0, the guest timer goes through SBI
    h.setCsr(0x3b0, (1n << 54n) - 1n); // pmpaddr0: everything
    h.setCsr(0x3a0, 0x1fn); // pmpcfg0: NAPOT, RWX
    h.priv = PRV_S;
    h.afterPrivChange();
  }

  get waiting(): boolean {
    return this.hart.status === 'wfi';
  }

  guestTime(): bigint {
    return BigInt(this.clock.now());
  }

  run(n: number): GuestTrap | undefined {
    this.trapped = undefined;
    this.hart.run(n);
    const t = this.trapped as GuestTrap | undefined; // set by the enterTrap hook during run()
    if (!t) return undefined;
    if (t.cause === CAUSE_LOAD_ACCESS || t.cause === CAUSE_STORE_ACCESS) {
      // The fault's tval is the guest-virtual address; the guest-physical one comes from its own page tables.
      const gpa = this.guestPhysical(t.tval, t.cause === CAUSE_STORE_ACCESS);
      return gpa === undefined ? t : { ...t, gpa };
    }
    return t;
  }

  private guestPhysical(va: bigint, write: boolean): number | undefined {
    const h = this.hart;
    try {
      return h.hooks.translate(h, Number(va & 0xffffffffn) | 0, Number(va >> 32n) | 0, write ? 2 : 1, h.dmode);
    } catch (e) {
      if (e === TRAP) return undefined;
      throw e;
    }
  }

  getX(i: number): bigint {
    return this.hart.getX(i);
  }
  setX(i: number, v: bigint): void {
    if (i !== 0) this.hart.setX(i, BigInt.asUintN(64, v));
  }
  getPc(): bigint {
    return this.hart.getPc();
  }
  setPc(v: bigint): void {
    this.hart.setPc(BigInt.asUintN(64, v));
  }
  getCsr(name: GuestCsrName): bigint {
    return this.hart.getCsr(GUEST_CSR_NUMBERS[name]) ?? 0n;
  }
  setCsr(name: GuestCsrName, v: bigint): void {
    this.hart.setCsr(GUEST_CSR_NUMBERS[name], BigInt.asUintN(64, v));
    if (name === 'satp') this.hart.flushTlb();
    this.hart.interruptsChanged();
  }
  getMode(): number {
    return this.hart.priv === PRV_U ? 0 : 1;
  }
  setMode(mode: number): void {
    this.hart.priv = mode === 0 ? PRV_U : PRV_S;
    this.hart.afterPrivChange();
  }
  setInterrupt(irq: GuestIrq, level: boolean): void {
    const h = this.hart;
    if (irq === 'software') {
      // SSIP is a software-writable bit: the guest clears it through sip.
      h.mipSw = level ? h.mipSw | (1 << IRQ_S_SOFT) : h.mipSw & ~(1 << IRQ_S_SOFT);
      h.interruptsChanged();
    } else {
      h.setIrqLine(irq === 'timer' ? IRQ_S_TIMER : IRQ_S_EXT, level);
    }
  }
  redirectTrap(cause: number, tval: bigint): void {
    const h = this.hart;
    const saved = h.medeleg;
    h.medeleg = saved | (1 << cause);
    h.hooks.enterTrap(h, cause, false, Number(tval & 0xffffffffn) | 0, Number(tval >> 32n) | 0);
    h.medeleg = saved;
    h.afterPrivChange();
  }
  resetTo(pc: bigint, a0: bigint, a1: bigint): void {
    const h = this.hart;
    h.status = 'running';
    this.setCsr('satp', 0n);
    this.setCsr('sstatus', this.getCsr('sstatus') & ~MSTATUS_SIE);
    this.setMode(1);
    this.setPc(pc);
    this.setX(10, a0);
    this.setX(11, a1);
    h.flushTlb();
  }
  flushTlb(): void {
    this.hart.flushTlb();
  }
}
