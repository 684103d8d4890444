/**
 * A vCPU: KVM_RUN, ONE_REG, KVM_INTERRUPT, MP state and kicking, over a
 * GuestCpu. This is the HS-mode role of kvm.ko (Linux arch/riscv/kvm/vcpu*.c):
 * it takes the guest's SBI calls and MMIO faults, keeps the guest timer, and
 * hands the VMM typed exits.
 */
import {
  SBI_ERR_NOT_SUPPORTED, SBI_HSM_STATE_STARTED, SBI_HSM_STATE_STOPPED, SBI_HSM_STATE_SUSPENDED, SBI_SUCCESS,
  createSbi, kvmSbiRoute, legacyExtension, pmu, time, ipi, rfence, hsm, srst, dbcn, susp, sta, fwft, experimental, vendor,
  KVM_SBI_SPLIT,
} from '@tsvisor/sbi';
import type { Sbi, SbiExtensionName, SbiOutcome, StaExtension } from '@tsvisor/sbi';
import {
  parseIsa, CAUSE_FETCH_ACCESS, CAUSE_FETCH_GUEST_PAGE_FAULT, CAUSE_ILLEGAL_INSTRUCTION, CAUSE_LOAD_ACCESS, CAUSE_LOAD_GUEST_PAGE_FAULT,
  CAUSE_STORE_ACCESS, CAUSE_STORE_GUEST_PAGE_FAULT, CAUSE_MISALIGNED_LOAD, CAUSE_MISALIGNED_STORE, CAUSE_SUPERVISOR_ECALL, CAUSE_VIRTUAL_INSTRUCTION, CAUSE_VIRTUAL_SUPERVISOR_ECALL,
} from '@tsvisor/isa-core';
import {
  KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_INTR, KVM_EXIT_MMIO, KVM_EXIT_RISCV_CSR, KVM_EXIT_RISCV_SBI, KVM_INTERNAL_ERROR_EMULATION, KVM_INTERRUPT_SET,
  KVM_INTERRUPT_UNSET, KVM_MEM_READONLY, KVM_MP_STATE_RUNNABLE, KVM_MP_STATE_STOPPED,
} from './defs';
import { KvmError } from './errors';
import type { CsrExit, IntrExit, MmioExit, SbiExit, SystemEventExit, VcpuExit } from './exits';
import type { GuestCpu, GuestCsrName, GuestTrap } from './guest-cpu';
import { decodeMmioAccess, extendLoad, storeBytes } from './mmio-insn';
import type { MmioAccess } from './mmio-insn';
import {
  KVM_REG_RISCV, KVM_REG_ARCH_MASK, KVM_RISCV_CONFIG_REGS, KVM_RISCV_CORE_REGS, KVM_RISCV_CSR_REGS, KVM_RISCV_AIA_CSR_REGS, KVM_RISCV_ISA_EXT_IDS,
  KVM_RISCV_SBI_EXT_IDS, KVM_RISCV_TIMER_REGS, KVM_REG, decodeRegId, formatRegId,
} from './onereg';
import type { KvmIsaExt, KvmSbiExt } from './onereg';
import { emptyVcpuStats } from './stats';
import type { VcpuStats } from './stats';
import type { VmInternals } from './vm';

/** KVM's SBI_EXT ids -> our SBI modules (BASE is always on; MPXY is not implemented; PMU has firmware counters only). */
const SBI_EXT_MODULE: Readonly<Record<KvmSbiExt, SbiExtensionName | undefined>> = {
  V01: 'legacy', TIME: 'time', IPI: 'ipi', RFENCE: 'rfence', SRST: 'srst', HSM: 'hsm', PMU: 'pmu',
  EXPERIMENTAL: 'experimental', VENDOR: 'vendor', DBCN: 'dbcn', STA: 'sta', SUSP: 'susp', FWFT: 'fwft', MPXY: undefined,
};

/** Instructions between timer checks inside one run(). */
const SLICE = 10_000;
const U64 = (1n << 64n) - 1n;

/** The CSRs whose guest accesses KVM hands to the VMM (Linux vcpu_insn.c, csr_funcs): seed, when the vCPU has Zkr. */
const CSR_SEED = 0x015;
const U64_MASK = (1n << 64n) - 1n;

interface PendingCsr {
  readonly exit: CsrExit;
  readonly rd: number;
}

interface PendingMmio {
  readonly exit: MmioExit;
  readonly access: MmioAccess;
}

export class Vcpu {
  readonly id: number;
  /** Instructions one run() may execute before returning KVM_EXIT_INTR (cause 'budget'). */
  runBudget = 2_000_000;
  private cpu: GuestCpu;
  private readonly vm: VmInternals;
  private ran = false;
  private mpState: number = KVM_MP_STATE_RUNNABLE;
  private suspended = false;
  private pendingMmio: PendingMmio | undefined;
  private pendingSbi: SbiExit | undefined;
  private pendingCsr: PendingCsr | undefined;
  private wfiCounted = false;
  private systemEvent: SystemEventExit | undefined;
  private resumeAfterSuspend: { pc: bigint; opaque: bigint } | undefined;
  private kickRequested = false;
  private timerCompare: bigint | undefined;
  private readonly hostIsaExts: ReadonlySet<KvmIsaExt>;
  private isaExts: Set<KvmIsaExt>;
  private readonly sbiEnabled = new Map<KvmSbiExt, boolean>();
  private ids: { mvendorid: bigint; marchid: bigint; mimpid: bigint };
  private sbi: Sbi | undefined;
  private staShmem: { lo: bigint; hi: bigint } = { lo: U64, hi: U64 };
  /** The RV32-only AIA CSR words of struct kvm_riscv_aia_csr (stored, unused on RV64). */
  private readonly aiaHigh: bigint[] = [];
  /** Exit counters under KVM's names (kvm_stat), plus kvm-api's own (stats.ts). */
  readonly stats: VcpuStats = emptyVcpuStats();

  /** @internal Created by Vm.createVcpu. */
  constructor(id: number, vm: VmInternals) {
    this.id = id;
    this.vm = vm;
    this.ids = { mvendorid: 0n, marchid: 0n, mimpid: 0n };
    this.cpu = vm.makeCpu(id, vm.hostIsa, this.ids);
    this.hostIsaExts = new Set(this.extsOf(this.cpu));
    this.isaExts = new Set(this.hostIsaExts);
    for (const e of KVM_RISCV_SBI_EXT_IDS) {
      const mod = SBI_EXT_MODULE[e];
      if (!mod || !vm.sbiVersionHas(mod)) continue;
      const row = KVM_SBI_SPLIT.find((r) => r.extension === mod);
      this.sbiEnabled.set(e, row ? row.defaultEnabled : true);
    }
  }

  private extsOf(cpu: GuestCpu): KvmIsaExt[] {
    // H is the host's, not the guest's: KVM RISC-V has no nested virtualization.
    return KVM_RISCV_ISA_EXT_IDS.filter((e) => e !== 'H' && (e !== 'SSTC' || cpu.guestSstc) && cpu.hart.enabled.has(e.toLowerCase()));
  }

  // ------------------------------------------------------------------ KVM_RUN

  /** KVM_RUN: runs the guest until something needs the VMM. Throws KvmError when the vCPU is stopped. */
  run(): VcpuExit {
    if (this.mpState === KVM_MP_STATE_STOPPED) {
      throw new KvmError('EBUSY', `vCPU ${this.id} is stopped (MP_STATE_STOPPED): start it with SBI HSM hart_start or setMpState(KVM_MP_STATE_RUNNABLE) first`);
    }
    if (!this.ran) this.firstRun();
    this.completePending();
    return this.loop();
  }

  /** Instructions the guest retired on this vCPU so far (its minstret; not a KVM interface). */
  get instructionsRetired(): number {
    return this.cpu.hart.instret;
  }

  private firstRun(): void {
    this.ran = true;
    const wanted = [...this.isaExts].sort().join();
    if (wanted !== [...this.hostIsaExts].sort().join() || this.ids.mvendorid || this.ids.marchid || this.ids.mimpid) this.rebuildCpu();
    this.sbi = this.buildSbi();
    if (this.staShmem.lo !== U64 || this.staShmem.hi !== U64) {
      (this.sbi.extensions.find((e) => e.name === 'sta') as StaExtension | undefined)?.setShmem(this.id, (this.staShmem.hi << 64n) | this.staShmem.lo);
    }
  }

  /** Builds the hart again with the ISA the VMM chose through CONFIG/ISA_EXT (before the first run). */
  private rebuildCpu(): void {
    const letters = 'imafdc'.split('').filter((l) => this.isaExts.has(l.toUpperCase() as KvmIsaExt));
    // Multi-letter names that imply a letter the VMM turned off go too (Zcd implies D, Zcf implies F).
    const implied: Readonly<Record<string, string>> = { zcd: 'D', zcf: 'F' };
    const multi = [...this.isaExts].filter((e) => e.length > 1).map((e) => e.toLowerCase())
      .filter((m) => !implied[m] || this.isaExts.has(implied[m] as KvmIsaExt));
    const known = parseIsa(this.vm.hostIsa, ['zkr', 'smaia', 'ssaia']);
    const isa = `rv64${letters.join('')}${multi.filter((m) => known.has(m)).map((m) => `_${m}`).join('')}`;
    const old = this.cpu;
    const cpu = this.vm.makeCpu(this.id, isa, this.ids);
    for (let i = 1; i < 32; i++) cpu.setX(i, old.getX(i));
    for (const n of KVM_RISCV_CSR_REGS) cpu.setCsr(n, old.getCsr(n));
    cpu.setMode(old.getMode());
    cpu.setPc(old.getPc());
    if (cpu.hart.enabled.has('f')) for (let i = 0; i < 32; i++) cpu.hart.setF(i, old.hart.getF(i));
    if (old.timeDelta !== undefined) cpu.timeDelta = old.timeDelta;
    this.cpu = cpu;
    this.vm.aia()?.resync(this.id);
  }

  private buildSbi(): Sbi {
    const vm = this.vm;
    const platform = vm.sbiPlatform(this);
    const sbi = createSbi({
      version: vm.sbiVersion,
      hartIds: () => vm.vcpuIds(),
      impl: { id: 3 /* KVM */, version: 0n, mvendorid: this.ids.mvendorid, marchid: this.ids.marchid, mimpid: this.ids.mimpid },
      route: kvmSbiRoute,
      extensions: [
        legacyExtension(platform), time(platform), ipi(platform), rfence(platform), hsm(platform), srst(platform),
        pmu(platform.memory), dbcn(platform, platform.memory), susp(platform), sta(platform.memory), fwft({}), experimental(), vendor(),
      ],
    });
    for (const e of KVM_RISCV_SBI_EXT_IDS) {
      const mod = SBI_EXT_MODULE[e];
      if (mod) sbi.setEnabled(mod, this.sbiEnabled.get(e) ?? false);
    }
    return sbi;
  }

  /** Applies what the VMM put into the previous exit (MMIO read data, SBI return values). */
  private completePending(): void {
    const cpu = this.cpu;
    const mmio = this.pendingMmio;
    if (mmio) {
      this.pendingMmio = undefined;
      if (!mmio.access.isWrite) cpu.setX(mmio.access.reg, extendLoad(mmio.exit.data, mmio.access.len, mmio.access.signed));
      cpu.setPc(cpu.getPc() + BigInt(mmio.access.insnLen));
    }
    const csr = this.pendingCsr;
    if (csr) {
      // Linux kvm_riscv_vcpu_csr_return: rd gets ret_value, then the guest steps over the instruction.
      this.pendingCsr = undefined;
      cpu.setX(csr.rd, csr.exit.retValue);
      cpu.setPc(cpu.getPc() + 4n);
    }
    const sbiExit = this.pendingSbi;
    if (sbiExit) {
      this.pendingSbi = undefined;
      // KVM copies ret[] into a0/a1 and steps over the ECALL (vcpu_sbi.c, kvm_riscv_vcpu_sbi_return).
      cpu.setX(10, sbiExit.ret[0]);
      cpu.setX(11, sbiExit.ret[1]);
      cpu.setPc(cpu.getPc() + 4n);
      const resume = this.resumeAfterSuspend;
      this.resumeAfterSuspend = undefined;
      if (resume && BigInt.asIntN(64, sbiExit.ret[0]) === BigInt(SBI_SUCCESS)) cpu.resetTo(resume.pc, BigInt(this.id), resume.opaque);
    }
  }

  private loop(): VcpuExit {
    const cpu = this.cpu;
    let budget = this.runBudget;
    for (;;) {
      if (this.kickRequested) {
        this.kickRequested = false;
        this.stats.signal_exits++;
        return this.intr('kick');
      }
      this.pollTimer();
      if (cpu.waiting) {
        cpu.run(0); // lets the hart notice an interrupt that arrived while it waited
        if (cpu.waiting) {
          // One WFI that puts the vCPU to sleep counts once, however many run()s it sleeps through.
          if (!this.wfiCounted) {
            this.wfiCounted = true;
            this.stats.wfi_exit_stat++;
            this.stats.exits++;
          }
          // The deadline in VM clock ticks (the guest's time runs htimedelta ahead of it).
          const host = this.timerCompare === undefined ? undefined : BigInt.asUintN(64, this.timerCompare - (cpu.timeDelta ?? 0n));
          // With Sstc the guest's own vstimecmp may come first (the hart knows that deadline).
          const sstc = cpu.hart.nextTimerDeadline();
          const sbi = host !== undefined && host <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(host) : Infinity;
          const next = Math.min(sbi, sstc);
          const wakeAt = next <= Number.MAX_SAFE_INTEGER ? next : undefined;
          return wakeAt === undefined ? this.intr('wfi') : { reason: 'intr', exitReason: KVM_EXIT_INTR, cause: 'wfi', wakeAt };
        }
      }
      this.suspended = false; // an HSM retentive suspend ends when the hart wakes
      this.wfiCounted = false;
      if (budget <= 0) {
        this.stats.budget_exits++;
        return this.intr('budget');
      }
      // Budget counts interpreter steps, trapping ones included: a guest stuck in a trap loop still yields.
      const before = cpu.hart.steps;
      const trap = cpu.run(Math.min(SLICE, budget));
      budget -= Math.max(1, cpu.hart.steps - before);
      if (trap) {
        const exit = this.handleTrap(trap);
        if (exit) return exit;
      }
    }
  }

  private intr(cause: IntrExit['cause']): IntrExit {
    return { reason: 'intr', exitReason: KVM_EXIT_INTR, cause };
  }

  private pollTimer(): void {
    if (this.timerCompare !== undefined && this.cpu.guestTime() >= this.timerCompare) this.cpu.setInterrupt('timer', true);
  }

  private handleTrap(trap: GuestTrap): VcpuExit | undefined {
    const cpu = this.cpu;
    const c = trap.cause;
    const stats = this.stats;
    stats.exits++;
    if (c === CAUSE_SUPERVISOR_ECALL || c === CAUSE_VIRTUAL_SUPERVISOR_ECALL) {
      stats.ecall_exit_stat++;
      return this.handleSbi();
    }
    if (c === CAUSE_VIRTUAL_INSTRUCTION) {
      const exit = this.csrExit(trap.insn >>> 0);
      if (exit) return exit;
    }
    const isLoad = c === CAUSE_LOAD_ACCESS || c === CAUSE_LOAD_GUEST_PAGE_FAULT;
    const isStore = c === CAUSE_STORE_ACCESS || c === CAUSE_STORE_GUEST_PAGE_FAULT;
    // htinst 0x3000/0x3020: the fault hit the guest's own page-table walk, not an instruction's access.
    const implicit = trap.tinst === 0x3000 || trap.tinst === 0x3020;
    if ((isLoad || isStore) && trap.gpa !== undefined && !implicit) {
      const slot = this.vm.memory.find(trap.gpa);
      // Outside every slot, or a store to a READONLY slot: KVM emulates it as MMIO (Linux vcpu_exit.c, gstage_page_fault).
      if (!slot || (isStore && (slot.flags & KVM_MEM_READONLY) !== 0)) {
        // The in-kernel AIA's APLIC and IMSIC pages are emulated here, as KVM's in-kernel MMIO bus does.
        if (!slot && this.kernelMmio(trap, isStore)) {
          stats.mmio_exit_kernel++;
          return undefined;
        }
        stats.mmio_exit_user++;
        return this.mmioExit(trap, isStore);
      }
    }
    // Anything else is the guest's own: it gets the architectural exception (guest-page faults
    // become the access faults a machine without a hypervisor would raise; a virtual-instruction
    // trap becomes illegal-instruction, as kvm_riscv_vcpu_virtual_insn redirects it).
    const redirected: Readonly<Record<number, number>> = {
      [CAUSE_FETCH_GUEST_PAGE_FAULT]: CAUSE_FETCH_ACCESS, [CAUSE_LOAD_GUEST_PAGE_FAULT]: CAUSE_LOAD_ACCESS,
      [CAUSE_STORE_GUEST_PAGE_FAULT]: CAUSE_STORE_ACCESS, [CAUSE_VIRTUAL_INSTRUCTION]: CAUSE_ILLEGAL_INSTRUCTION,
    };
    const cause = redirected[c] ?? c;
    if (cause === CAUSE_ILLEGAL_INSTRUCTION) stats.instr_illegal_exits++;
    else if (cause === CAUSE_LOAD_ACCESS) stats.load_access_exits++;
    else if (cause === CAUSE_STORE_ACCESS) stats.store_access_exits++;
    else if (cause === CAUSE_MISALIGNED_LOAD) stats.load_misaligned_exits++;
    else if (cause === CAUSE_MISALIGNED_STORE) stats.store_misaligned_exits++;
    cpu.redirectTrap(cause, cause === CAUSE_ILLEGAL_INSTRUCTION && c === CAUSE_VIRTUAL_INSTRUCTION ? BigInt(trap.insn >>> 0) : trap.tval);
    return undefined;
  }

  /**
   * A virtual-instruction trap on a CSR instruction: KVM emulates the CSRs in its csr_funcs table
   * and hands `seed` (Zkr) to the VMM as KVM_EXIT_RISCV_CSR with the instruction's new value and
   * write mask (Linux vcpu_insn.c, csr_insn). Anything else is the guest's illegal instruction.
   */
  private csrExit(insn: number): VcpuExit | undefined {
    if ((insn & 0x7f) !== 0x73) return undefined;
    const funct3 = (insn >>> 12) & 7;
    const csrNum = insn >>> 20;
    if (funct3 === 0 || funct3 === 4 || csrNum !== CSR_SEED || !this.isaExts.has('ZKR')) return undefined;
    const rs1 = (insn >>> 15) & 31;
    const src = funct3 >= 5 ? BigInt(rs1) : this.cpu.getX(rs1);
    // CSRRW(I): new = src, mask = all ones; CSRRS(I): new = all ones, mask = src; CSRRC(I): new = 0, mask = src.
    const op = funct3 & 3;
    const newValue = op === 1 ? src : op === 2 ? U64_MASK : 0n;
    const writeMask = op === 1 ? U64_MASK : src;
    const exit: CsrExit = { reason: 'riscv-csr', exitReason: KVM_EXIT_RISCV_CSR, csrNum, newValue, writeMask, retValue: 0n };
    this.pendingCsr = { exit, rd: (insn >>> 7) & 31 };
    this.stats.csr_exit_user++;
    return exit;
  }

  /** An access to the in-kernel AIA's MMIO, completed without an exit; false when it is not the AIA's. */
  private kernelMmio(trap: GuestTrap, isStore: boolean): boolean {
    const aia = this.vm.aia();
    const access = decodeMmioAccess(trap.insn);
    const gpa = trap.gpa!;
    if (!aia || !access || access.isWrite !== isStore || !aia.claims(gpa, access.len)) return false;
    const cpu = this.cpu;
    // 8-byte accesses are two 4-byte ones, low half first (ARCHITECTURE.md, MmioDevice).
    const parts = access.len === 8 ? [[gpa, 4, 0n], [gpa + 4, 4, 32n]] as const : [[gpa, access.len, 0n]] as const;
    if (access.isWrite) {
      const v = cpu.getX(access.reg);
      for (const [a, len, shift] of parts) aia.mmioWrite(a, len as 1 | 2 | 4, Number((v >> shift) & 0xffffffffn));
    } else {
      let v = 0n;
      for (const [a, len, shift] of parts) v |= BigInt(aia.mmioRead(a, len as 1 | 2 | 4) >>> 0) << shift;
      cpu.setX(access.reg, extendLoad(storeBytes(v, access.len), access.len, access.signed));
    }
    cpu.setPc(cpu.getPc() + BigInt(access.insnLen));
    return true;
  }

  /** @internal The in-kernel AIA's guest file for this vCPU raised or lowered its interrupt. */
  aiaInterrupt(level: boolean): void {
    (this.cpu as { setGuestFileInterrupt?(level: boolean): void }).setGuestFileInterrupt?.(level);
  }

  private mmioExit(trap: GuestTrap, isStore: boolean): VcpuExit {
    const cpu = this.cpu;
    const gpa = trap.gpa!;
    const access = decodeMmioAccess(trap.insn);
    if (!access || access.isWrite !== isStore) {
      return {
        reason: 'internal-error', exitReason: KVM_EXIT_INTERNAL_ERROR, suberror: KVM_INTERNAL_ERROR_EMULATION,
        message: `cannot emulate instruction 0x${(trap.insn >>> 0).toString(16)} accessing MMIO at 0x${gpa.toString(16)} (only integer loads and stores are)`,
        pc: cpu.getPc(), insn: trap.insn >>> 0,
      };
    }
    const exit: MmioExit = {
      reason: 'mmio', exitReason: KVM_EXIT_MMIO, physAddr: BigInt(gpa), len: access.len, isWrite: access.isWrite,
      data: access.isWrite ? storeBytes(cpu.getX(access.reg), access.len) : new Uint8Array(8),
    };
    this.pendingMmio = { exit, access };
    return exit;
  }

  private handleSbi(): VcpuExit | undefined {
    const cpu = this.cpu;
    const args = [10, 11, 12, 13, 14, 15].map((r) => cpu.getX(r));
    const eid = cpu.getX(17);
    const fid = cpu.getX(16);
    this.systemEvent = undefined;
    const out: SbiOutcome = this.sbi!.call(this.id, { eid, fid, args });
    if (this.systemEvent) return this.systemEvent;
    switch (out.kind) {
      case 'return':
        cpu.setX(10, BigInt.asUintN(64, BigInt(out.error)));
        cpu.setX(11, out.value);
        cpu.setPc(cpu.getPc() + 4n);
        return undefined;
      case 'legacy':
        cpu.setX(10, out.value);
        cpu.setPc(cpu.getPc() + 4n);
        return undefined;
      case 'trap':
        cpu.redirectTrap(out.cause, out.tval);
        return undefined;
      case 'none':
        return this.mpState === KVM_MP_STATE_STOPPED ? this.intr('stopped') : undefined;
      case 'forward': {
        const exit: SbiExit = {
          reason: 'riscv-sbi', exitReason: KVM_EXIT_RISCV_SBI,
          extensionId: Number(BigInt.asIntN(32, eid)), functionId: Number(BigInt.asIntN(32, fid)), args,
          ret: [BigInt.asUintN(64, BigInt(SBI_ERR_NOT_SUPPORTED)), 0n],
        };
        this.pendingSbi = exit;
        this.stats.sbi_exit_user++;
        return exit;
      }
    }
  }

  // ------------------------------------------------------------------ kernel-side services (SBI platform)

  /** @internal */ get guest(): GuestCpu {
    return this.cpu;
  }
  /** @internal The guest timer (SBI set_timer): the interrupt is pending while time >= compare. */
  setTimer(stime: bigint): void {
    this.timerCompare = stime;
    this.cpu.setInterrupt('timer', this.cpu.guestTime() >= stime);
  }
  /** @internal */ hsmStatus(): number {
    if (this.mpState === KVM_MP_STATE_STOPPED) return SBI_HSM_STATE_STOPPED;
    return this.suspended ? SBI_HSM_STATE_SUSPENDED : SBI_HSM_STATE_STARTED;
  }
  /** @internal HSM hart_start: reset into S-mode at pc with a0 = hartid, a1 = opaque. */
  start(pc: bigint, opaque: bigint): void {
    this.cpu.resetTo(pc, BigInt(this.id), opaque);
    this.timerCompare = undefined;
    this.cpu.setInterrupt('timer', false);
    this.mpState = KVM_MP_STATE_RUNNABLE;
  }
  /** @internal */ stopSelf(): void {
    this.mpState = KVM_MP_STATE_STOPPED;
  }
  /** @internal Default retentive suspend is a WFI (Linux vcpu_sbi_hsm.c). */
  suspendRetentive(): void {
    this.suspended = true;
    this.cpu.hart.status = 'wfi';
  }
  /** @internal */ raiseSystemEvent(exit: SystemEventExit): void {
    this.systemEvent = exit;
  }
  /** @internal */ requestResumeAfterSuspend(pc: bigint, opaque: bigint): void {
    this.resumeAfterSuspend = { pc, opaque };
  }

  // ------------------------------------------------------------------ interrupts, MP state, kick

  /** KVM_INTERRUPT: raises (KVM_INTERRUPT_SET) or lowers (KVM_INTERRUPT_UNSET) the guest's external interrupt. */
  interrupt(irq: number): void {
    if (irq !== KVM_INTERRUPT_SET && irq !== KVM_INTERRUPT_UNSET) {
      throw new KvmError('EINVAL', `KVM_INTERRUPT ${irq}: RISC-V takes only KVM_INTERRUPT_SET (0x${KVM_INTERRUPT_SET.toString(16)}) or KVM_INTERRUPT_UNSET (0x${KVM_INTERRUPT_UNSET.toString(16)})`);
    }
    this.cpu.setInterrupt('external', irq === KVM_INTERRUPT_SET);
  }

  /** Injects a supervisor software interrupt (what an SBI IPI does). */
  injectSoftwareInterrupt(): void {
    this.cpu.setInterrupt('software', true);
  }

  getMpState(): { mpState: number } {
    return { mpState: this.mpState };
  }

  setMpState(state: { mpState: number }): void {
    if (state.mpState !== KVM_MP_STATE_RUNNABLE && state.mpState !== KVM_MP_STATE_STOPPED) {
      throw new KvmError('EINVAL', `MP state ${state.mpState}: RISC-V has KVM_MP_STATE_RUNNABLE (0) and KVM_MP_STATE_STOPPED (5)`);
    }
    this.mpState = state.mpState;
  }

  /** Makes the current or next run() return KVM_EXIT_INTR (cause 'kick') at the next instruction boundary. */
  kick(): void {
    this.kickRequested = true;
    this.cpu.hart.requestStop();
  }

  // ------------------------------------------------------------------ ONE_REG

  /** KVM_GET_ONE_REG. */
  getOneReg(id: bigint): bigint {
    return this.oneReg(id, undefined);
  }

  /** KVM_SET_ONE_REG. Nothing changes when it throws. */
  setOneReg(id: bigint, value: bigint): void {
    this.oneReg(id, BigInt.asUintN(64, value));
  }

  /** KVM_GET_REG_LIST: every id getOneReg accepts on this vCPU. */
  getRegList(): bigint[] {
    const ids: bigint[] = [];
    const hasF = this.cpu.hart.enabled.has('f');
    const hasD = this.cpu.hart.enabled.has('d');
    for (const n of ['isa', 'mvendorid', 'marchid', 'mimpid', 'satp_mode'] as const) ids.push(KVM_REG.config(n));
    for (let i = 0; i <= 32; i++) ids.push(KVM_REG.core(KVM_RISCV_CORE_REGS[i]!));
    for (const n of KVM_RISCV_CSR_REGS) ids.push(KVM_REG.csr(n));
    if (this.isaExts.has('SSAIA')) for (const n of KVM_RISCV_AIA_CSR_REGS) ids.push(KVM_REG.aiaCsr(n));
    for (const n of KVM_RISCV_TIMER_REGS) ids.push(KVM_REG.timer(n));
    if (hasF) for (let i = 0; i <= 32; i++) ids.push(KVM_REG.fpF(i));
    if (hasD) for (let i = 0; i <= 32; i++) ids.push(KVM_REG.fpD(i));
    for (const e of KVM_RISCV_ISA_EXT_IDS) if (this.hostIsaExts.has(e)) ids.push(KVM_REG.isaExt(e));
    for (const e of KVM_RISCV_SBI_EXT_IDS) if (this.sbiEnabled.has(e)) ids.push(KVM_REG.sbiExt(e));
    if (this.sbiEnabled.has('STA')) ids.push(KVM_REG.sbiSta('shmem_lo'), KVM_REG.sbiSta('shmem_hi'));
    return ids;
  }

  private unknown(id: bigint, why = 'not a register of this vCPU'): never {
    throw new KvmError('ENOENT', `ONE_REG id ${formatRegId(id)}: ${why}`);
  }

  private beforeFirstRun(id: bigint, what: string): void {
    if (this.ran) throw new KvmError('EBUSY', `ONE_REG id ${formatRegId(id)} (${what}) can only be set before the vCPU's first run`);
  }

  private oneReg(id: bigint, value: bigint | undefined): bigint {
    const p = decodeRegId(id);
    if ((id & KVM_REG_ARCH_MASK) !== KVM_REG_RISCV) this.unknown(id, 'not a RISC-V register id');
    const wantSize = (bytes: 4 | 8) => {
      if (p.size !== bytes) throw new KvmError('EINVAL', `ONE_REG id ${formatRegId(id)}: this register is ${bytes * 8}-bit (size field says ${p.size * 8})`);
    };
    const cpu = this.cpu;
    switch (p.type) {
      case 1: { // CONFIG
        wantSize(8);
        if (p.subtype !== 0) this.unknown(id);
        const name = KVM_RISCV_CONFIG_REGS[p.index];
        if (name === 'isa') {
          const bits = this.isaBits();
          if (value === undefined) return bits;
          if (value === bits) return 0n;
          this.beforeFirstRun(id, 'CONFIG.isa');
          const hostBits = this.isaBits(this.hostIsaExts);
          if ((value & ~hostBits) !== 0n || (value & (1n << 8n)) === 0n) {
            throw new KvmError('EINVAL', `CONFIG.isa 0x${value.toString(16)}: only letters of the host's 0x${hostBits.toString(16)} can be kept, and I is required`);
          }
          for (const l of 'MAFDC') {
            const on = (value >> BigInt(l.charCodeAt(0) - 65)) & 1n;
            if (on) this.isaExts.add(l as KvmIsaExt);
            else this.isaExts.delete(l as KvmIsaExt);
          }
          return 0n;
        }
        if (name === 'mvendorid' || name === 'marchid' || name === 'mimpid') {
          if (value === undefined) return this.ids[name];
          if (value !== this.ids[name]) {
            this.beforeFirstRun(id, `CONFIG.${name}`);
            this.ids = { ...this.ids, [name]: value };
          }
          return 0n;
        }
        if (name === 'satp_mode') {
          const mode = BigInt(Math.max(...cpu.hart.satpModes));
          if (value !== undefined && value !== mode) throw new KvmError('EINVAL', `CONFIG.satp_mode is ${mode} on this host and cannot be changed`);
          return mode;
        }
        return this.unknown(id, `CONFIG register ${name ?? p.index} is not implemented (no Zicbom/Zicboz/Zicbop)`);
      }
      case 2: { // CORE
        wantSize(8);
        if (p.subtype !== 0 || p.index > 32) this.unknown(id);
        if (p.index === 0) {
          if (value === undefined) return cpu.getPc();
          cpu.setPc(value);
        } else if (p.index === 32) {
          if (value === undefined) return BigInt(cpu.getMode());
          if (value > 1n) throw new KvmError('EINVAL', `CORE.mode ${value}: 1 (S) or 0 (U)`);
          cpu.setMode(Number(value));
        } else {
          if (value === undefined) return cpu.getX(p.index);
          cpu.setX(p.index, value);
        }
        return 0n;
      }
      case 3: { // CSR
        wantSize(8);
        if (p.subtype === 1) return this.aiaCsr(id, p.index, value);
        const name = p.subtype === 0 ? (KVM_RISCV_CSR_REGS[p.index] as GuestCsrName | undefined) : undefined;
        if (!name) return this.unknown(id, p.subtype === 0 ? 'no such CSR' : 'the Smstateen CSR subtype is not implemented');
        if (value === undefined) return cpu.getCsr(name);
        cpu.setCsr(name, value);
        return 0n;
      }
      case 4: { // TIMER
        wantSize(8);
        const name = KVM_RISCV_TIMER_REGS[p.index];
        if (p.subtype !== 0 || !name) return this.unknown(id);
        const freq = BigInt(cpu.clock.frequency);
        switch (name) {
          case 'frequency':
            if (value !== undefined && value !== freq) throw new KvmError('EINVAL', `TIMER.frequency is ${freq} Hz and read-only`);
            return freq;
          case 'time':
            if (value === undefined) return cpu.guestTime();
            if (cpu.timeDelta === undefined) throw new KvmError('EINVAL', 'TIMER.time cannot be set on this host: it needs htimedelta (a host hart with the H extension)');
            // KVM keeps the guest's time as an offset from the host's (htimedelta).
            cpu.timeDelta = BigInt.asUintN(64, value - BigInt(cpu.clock.now()));
            return 0n;
          case 'compare':
            if (value === undefined) return this.timerCompare ?? U64;
            this.setTimer(value);
            return 0n;
          case 'state':
            if (value === undefined) return this.timerCompare === undefined ? 0n : 1n;
            if (value > 1n) throw new KvmError('EINVAL', `TIMER.state ${value}: KVM_RISCV_TIMER_STATE_OFF (0) or _ON (1)`);
            if (value === 0n) {
              this.timerCompare = undefined;
              cpu.setInterrupt('timer', false);
            } else if (this.timerCompare === undefined) this.setTimer(U64);
            return 0n;
        }
        return 0n;
      }
      case 5:
      case 6: { // FP_F / FP_D
        const d = p.type === 6;
        if (!cpu.hart.enabled.has(d ? 'd' : 'f')) return this.unknown(id, `the vCPU has no ${d ? 'D' : 'F'} extension`);
        if (p.subtype !== 0 || p.index > 32) this.unknown(id);
        wantSize(p.index === 32 || !d ? 4 : 8);
        if (p.index === 32) {
          if (value === undefined) return cpu.hart.getCsr(0x003) ?? 0n;
          cpu.hart.setCsr(0x003, value & 0xffn);
          return 0n;
        }
        if (value === undefined) return d ? cpu.hart.getF(p.index) : cpu.hart.getF(p.index) & 0xffffffffn;
        // An F value is NaN-boxed into the 64-bit register (unpriv spec, "NaN Boxing of Narrower Values").
        cpu.hart.setF(p.index, d ? value : (U64 << 32n) & U64 | (value & 0xffffffffn));
        return 0n;
      }
      case 7:
        wantSize(8);
        return this.extReg(id, p.subtype, p.index, value, 'ISA_EXT');
      case 8:
        wantSize(8);
        return this.extReg(id, p.subtype, p.index, value, 'SBI_EXT');
      case 10: { // SBI_STATE
        wantSize(8);
        if (p.subtype !== 0 || p.index > 1 || !this.sbiEnabled.has('STA')) return this.unknown(id);
        const key = p.index === 0 ? 'lo' : 'hi';
        if (value === undefined) return this.staShmem[key];
        this.staShmem = { ...this.staShmem, [key]: value };
        const staExt = this.sbi?.extensions.find((e) => e.name === 'sta') as StaExtension | undefined;
        if (staExt) {
          const { lo, hi } = this.staShmem;
          staExt.setShmem(this.id, lo === U64 && hi === U64 ? undefined : (hi << 64n) | lo);
        }
        return 0n;
      }
      default:
        return this.unknown(id);
    }
  }

  private isaBits(exts: ReadonlySet<KvmIsaExt> = this.isaExts): bigint {
    let v = 0n;
    for (const l of 'IMAFDC') if (exts.has(l as KvmIsaExt)) v |= 1n << BigInt(l.charCodeAt(0) - 65);
    return v;
  }

  /** ISA_EXT and SBI_EXT: SINGLE (value 0/1 per id) and MULTI_EN/MULTI_DIS (64 ids per register). */
  /**
   * CSR subtype AIA (struct kvm_riscv_aia_csr; Linux kvm_riscv_vcpu_aia_get/set_csr), with SSAIA only:
   * siselect is the hart's vsiselect, iprio1/2 its hviprio1/2; sieh, siph, iprio1h, iprio2h are the
   * RV32 high halves, kept but unused on RV64 (as KVM keeps them).
   */
  private aiaCsr(id: bigint, index: number, value: bigint | undefined): bigint {
    if (!this.isaExts.has('SSAIA') || index >= KVM_RISCV_AIA_CSR_REGS.length) return this.unknown(id, 'no such AIA CSR (the vCPU needs Ssaia)');
    const hartCsr = [0x250, 0x646, 0x647][index];
    if (hartCsr === undefined) {
      if (value === undefined) return this.aiaHigh[index] ?? 0n;
      this.aiaHigh[index] = BigInt.asUintN(64, value);
      return 0n;
    }
    if (value === undefined) return this.cpu.hart.getCsr(hartCsr) ?? 0n;
    this.cpu.hart.setCsr(hartCsr, BigInt.asUintN(64, value));
    return 0n;
  }

  private extReg(id: bigint, subtype: number, index: number, value: bigint | undefined, kind: 'ISA_EXT' | 'SBI_EXT'): bigint {
    const names: readonly string[] = kind === 'ISA_EXT' ? KVM_RISCV_ISA_EXT_IDS : KVM_RISCV_SBI_EXT_IDS;
    const supported = (n: string) => (kind === 'ISA_EXT' ? this.hostIsaExts.has(n as KvmIsaExt) : this.sbiEnabled.has(n as KvmSbiExt));
    const enabled = (n: string) => (kind === 'ISA_EXT' ? this.isaExts.has(n as KvmIsaExt) : this.sbiEnabled.get(n as KvmSbiExt) === true);
    const apply = (n: string, on: boolean) => {
      if (kind === 'ISA_EXT') {
        if (on) this.isaExts.add(n as KvmIsaExt);
        else this.isaExts.delete(n as KvmIsaExt);
      } else this.sbiEnabled.set(n as KvmSbiExt, on);
    };
    if (subtype === 0) {
      const n = names[index];
      if (n === undefined || !supported(n)) return this.unknown(id, `${kind} ${n ?? index} is not available on this host`);
      if (value === undefined) return enabled(n) ? 1n : 0n;
      if (value > 1n) throw new KvmError('EINVAL', `${kind} ${n}: the value must be 0 or 1 (got ${value})`);
      if ((value === 1n) === enabled(n)) return 0n;
      this.beforeFirstRun(id, `${kind} ${n}`);
      if (kind === 'ISA_EXT' && n === 'I') throw new KvmError('EINVAL', 'ISA_EXT I cannot be disabled');
      apply(n, value === 1n);
      return 0n;
    }
    if (subtype !== 1 && subtype !== 2) return this.unknown(id);
    const en = subtype === 1;
    const firstId = index * 64;
    if (firstId >= names.length) return this.unknown(id);
    if (value === undefined) {
      let bits = 0n;
      for (let b = 0; b < 64 && firstId + b < names.length; b++) {
        const n = names[firstId + b]!;
        if (supported(n) && enabled(n) === en) bits |= 1n << BigInt(b);
      }
      return bits;
    }
    const changes: string[] = [];
    for (let b = 0; b < 64 && firstId + b < names.length; b++) {
      const n = names[firstId + b]!;
      if (((value >> BigInt(b)) & 1n) && supported(n) && enabled(n) !== en) changes.push(n);
    }
    if (changes.length) {
      this.beforeFirstRun(id, `${kind} ${changes.join(', ')}`);
      if (kind === 'ISA_EXT' && !en && changes.includes('I')) throw new KvmError('EINVAL', 'ISA_EXT I cannot be disabled');
      for (const n of changes) apply(n, en);
    }
    return 0n;
  }
}

