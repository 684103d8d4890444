/**
 * `VirtGuestCpu`: the vCPU on a host hart WITH the H extension (csr-h-ext), the
 * way kvm.ko runs a guest: the guest is in VS/VU mode (V=1) behind a G-stage
 * (hgatp, Sv39x4) built from the memory slots; traps that reach HS-mode are
 * kvm-api's (ECALL from VS, guest-page faults -> MMIO, access faults, virtual
 * instructions); guest interrupts are injected through hvip; the guest's time
 * is the VM clock plus htimedelta.
 *
 * kvm-api does not run HS-mode code: when a trap enters HS, the hook records
 * scause/stval/htval/htinst and puts the hart straight back in V=1 at the
 * trapping instruction (what kvm.ko's SRET would do after handling it).
 */
import { CSR_MSECCFG, Hart, MSECCFG_SSEED, PRV_S, PRV_U, zkr } from '@tsvisor/isa-core';
import type { Clock, Extension, PhysicalMemory } from '@tsvisor/isa-core';
import { hypervisor } from '@tsvisor/csr-h-ext';
import { aia, type ImsicFile } from '@tsvisor/aplic-imsic';
import type { HypervisorSpec } from '@tsvisor/csr-h-ext';
import type { GuestCpu, GuestCsrName, GuestIrq, GuestTrap } from './guest-cpu';

/** The guest's S CSRs are the hart's VS CSRs (H: "Virtual Supervisor CSRs"); scounteren/senvcfg have none and are switched as is. */
const VS_NUMBERS: Readonly<Record<GuestCsrName, number>> = {
  sstatus: 0x200, sie: 0x204, stvec: 0x205, sscratch: 0x240, sepc: 0x241, scause: 0x242, stval: 0x243,
  sip: 0x244, satp: 0x280, scounteren: 0x106, senvcfg: 0x10a,
};

const CSR_HSTATUS = 0x600;
const CSR_HEDELEG = 0x602;
const CSR_HIDELEG = 0x603;
const CSR_HCOUNTEREN = 0x606;
const CSR_HTIMEDELTA = 0x605;
const CSR_HVIP = 0x645;
const CSR_HGATP = 0x680;
const CSR_HTVAL = 0x643;
const CSR_HTINST = 0x64a;
const CSR_HENVCFG = 0x60a;
const CSR_VSTIMECMP = 0x24d;

/** Exceptions the guest handles itself (Linux KVM_HEDELEG_DEFAULT, plus misaligned accesses). */
const HEDELEG = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 6) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15);
/** VSSIP, VSTIP, VSEIP (Linux KVM_HIDELEG_DEFAULT). */
const HIDELEG = (1 << 2) | (1 << 6) | (1 << 10);
const HVIP_BIT: Readonly<Record<GuestIrq, bigint>> = { software: 1n << 2n, timer: 1n << 6n, external: 1n << 10n };

export interface VirtGuestCpuOptions {
  readonly hartId: number;
  readonly isa: string;
  readonly memory: PhysicalMemory;
  readonly clock: Clock;
  readonly spec: HypervisorSpec;
  /** hgatp value for this VM (mode, VMID, root PPN); may change later through setHgatp. */
  readonly hgatp: bigint;
  readonly mvendorid?: number;
  readonly marchid?: bigint;
  readonly mimpid?: bigint;
  /**
   * With 'ssaia' in the ISA (a host with the AIA): the guest interrupt file the in-kernel AIA
   * assigned to this vCPU, if any. The hart gets one guest file (GEILEN 1) and hstatus.VGEIN = 1,
   * so the guest's siselect/sireg/stopei reach it, as under KVM's AIA "hwaccel" mode.
   */
  readonly imsicFile?: () => ImsicFile | undefined;
}

export class VirtGuestCpu implements GuestCpu {
  readonly hart: Hart;
  readonly remaps = true;
  readonly guestSstc: boolean;
  readonly clock: Clock;
  private trapped: GuestTrap | undefined;
  private readonly hext: ReturnType<typeof hypervisor>;

  constructor(options: VirtGuestCpuOptions) {
    this.clock = options.clock;
    const intercept: Extension = {
      name: 'xkvmhs',
      privHooks: (base) => ({
        enterTrap: (h, cause, interrupt, tl, th) => {
          const wasVirt = h.virt;
          const priv = h.priv;
          const pc = h.pc;
          const pch = h.pch;
          const insn = h.raw;
          base.enterTrap(h, cause, interrupt, tl, th);
          if (!wasVirt || h.virt) return; // not a trap out of the guest
          const tval = (BigInt(th >>> 0) << 32n) | BigInt(tl >>> 0);
          let gpa: number | undefined;
          if (!interrupt && (cause === 20 || cause === 21 || cause === 23)) {
            // H: htval holds the guest-physical address >> 2; its low bits are those of the guest VA.
            const htval = h.getCsr(CSR_HTVAL) ?? 0n;
            gpa = Number((htval << 2n) | (tval & 3n));
          }
          const tinst = Number((h.getCsr(CSR_HTINST) ?? 0n) & 0xffffffffn);
          this.trapped = { cause, tval, insn, ...(gpa !== undefined ? { gpa } : {}), tinst };
          // Back to the guest at the trapping instruction, as if HS had handled it and returned.
          h.virt = true;
          h.priv = priv;
          h.pc = h.npc = pc;
          h.pch = h.npch = pch;
          h.requestStop();
        },
      }),
    };
    const names = options.isa.toLowerCase().split('_');
    const hasAia = names.includes('ssaia');
    const hext = hypervisor(options.spec, { geilen: hasAia ? 1 : 0 });
    const hasZkr = names.includes('zkr');
    const lookup = options.imsicFile;
    // The guest file list is read at each CSR access, so a file assigned later (AIA CTRL_INIT) is found.
    const guestFiles = { get guests(): ImsicFile[] { const f = lookup?.(); return f ? [f] : []; } };
    const aiaExts = hasAia ? aia({ files: () => guestFiles }) : [];
    this.hext = hext;
    this.hart = new Hart({
      hartId: options.hartId, isa: ensureH(options.isa), memory: options.memory, clock: options.clock,
      extensions: [hext, ...aiaExts, ...(hasZkr ? [zkr()] : []), intercept],
      ...(options.mvendorid !== undefined ? { mvendorid: options.mvendorid } : {}),
      ...(options.marchid !== undefined ? { marchid: options.marchid } : {}),
      ...(options.mimpid !== undefined ? { mimpid: options.mimpid } : {}),
    });
    const h = this.hart;
    // M level: everything the guest or HS handles is delegated below M.
    // medeleg: everything but ECALL from M goes below M (the guest-page faults and virtual instruction to HS).
    h.setCsr(0x302, BigInt(0xffff & ~(1 << 11)) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 23n));
    h.setCsr(0x303, 0x222n); // mideleg: SSIP, STIP, SEIP (VS bits are delegated by H itself)
    h.setCsr(0x306, 7n); // mcounteren
    // Sstc for the guest (as KVM offers it): menvcfg.STCE and henvcfg.STCE, so the guest's
    // stimecmp is vstimecmp. H 0.6.1 has no henvcfg: then the guest timer goes through SBI only.
    const stce = 1n << 63n;
    h.setCsr(0x30a, h.enabled.has('sstc') ? stce : 0n); // menvcfg
    h.setCsr(0x3b0, (1n << 54n) - 1n); // pmpaddr0: everything
    h.setCsr(0x3a0, 0x1fn); // pmpcfg0: NAPOT RWX
    // Zkr: mseccfg.SSEED, as firmware sets it for a hypervisor host: then a guest's seed access
    // (VS/VU, read-write) is a virtual-instruction trap kvm-api can hand to the VMM (scalar
    // crypto spec, "Access Control to seed"); without it the guest would get illegal instruction.
    if (hasZkr) h.setCsr(CSR_MSECCFG, BigInt(MSECCFG_SSEED));
    // With V=1 both vsstatus.FS and the HS-level FS gate FP instructions (priv spec, H chapter,
    // "vsstatus"): the host keeps its own FS on (Dirty), as Linux does around a guest run, so
    // only the guest's vsstatus.FS decides.
    h.setCsr(0x300, (h.getCsr(0x300) ?? 0n) | 0x6000n);
    // HS level, as kvm.ko sets it for a vCPU (arch/riscv/kvm/vcpu.c).
    h.setCsr(CSR_HEDELEG, BigInt(HEDELEG));
    h.setCsr(CSR_HIDELEG, BigInt(HIDELEG));
    h.setCsr(CSR_HCOUNTEREN, 7n);
    h.setCsr(CSR_HENVCFG, h.enabled.has('sstc') ? stce : 0n);
    this.guestSstc = ((h.getCsr(CSR_HENVCFG) ?? 0n) & stce) !== 0n;
    this.disarmSstc();
    // VSXL = 64, SPV; with the AIA, VGEIN = 1: guest interrupt file 1 is the guest's S file.
    h.setCsr(CSR_HSTATUS, (2n << 32n) | (1n << 7n) | (hasAia ? 1n << 12n : 0n));
    h.setCsr(CSR_HGATP, options.hgatp);
    h.priv = PRV_S;
    h.virt = true;
    h.afterPrivChange();
  }

  get waiting(): boolean {
    return this.hart.status === 'wfi';
  }

  run(n: number): GuestTrap | undefined {
    this.trapped = undefined;
    this.hart.run(n);
    return this.trapped as GuestTrap | undefined; // set by the enterTrap hook during run()
  }

  setHgatp(v: bigint): void {
    this.hart.setCsr(CSR_HGATP, v);
    this.hart.flushTlb();
  }

  get timeDelta(): bigint {
    return this.hart.getCsr(CSR_HTIMEDELTA) ?? 0n;
  }
  set timeDelta(v: bigint) {
    this.hart.setCsr(CSR_HTIMEDELTA, BigInt.asUintN(64, v));
  }
  guestTime(): bigint {
    return BigInt.asUintN(64, BigInt(this.clock.now()) + this.timeDelta);
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
    return this.hart.getCsr(VS_NUMBERS[name]) ?? 0n;
  }
  setCsr(name: GuestCsrName, v: bigint): void {
    this.hart.setCsr(VS_NUMBERS[name], BigInt.asUintN(64, v));
    if (name === 'satp') this.hart.flushTlb();
    this.hart.interruptsChanged();
  }
  getMode(): number {
    return this.hart.priv === PRV_U ? 0 : 1;
  }
  setMode(mode: number): void {
    this.hart.priv = mode === 0 ? PRV_U : PRV_S;
    this.hart.virt = true;
    this.hart.afterPrivChange();
  }
  setInterrupt(irq: GuestIrq, level: boolean): void {
    const h = this.hart;
    const hvip = h.getCsr(CSR_HVIP) ?? 0n;
    const bit = HVIP_BIT[irq];
    h.setCsr(CSR_HVIP, level ? hvip | bit : hvip & ~bit);
    h.interruptsChanged();
  }
  /** The guest interrupt file's signal: hgeip[1], which (VGEIN = 1) is the guest's VSEIP. */
  setGuestFileInterrupt(level: boolean): void {
    this.hext.setGuestExternalInterrupt(this.hart, 1, level);
  }
  redirectTrap(cause: number, tval: bigint): void {
    // Linux kvm_riscv_vcpu_trap_redirect: the exception is delivered to VS as if the guest raised it.
    const h = this.hart;
    const saved = h.getCsr(CSR_HEDELEG) ?? 0n;
    h.setCsr(CSR_HEDELEG, saved | (1n << BigInt(cause)));
    h.hooks.enterTrap(h, cause, false, Number(tval & 0xffffffffn) | 0, Number(tval >> 32n) | 0);
    h.setCsr(CSR_HEDELEG, saved);
    h.afterPrivChange();
  }
  /** vstimecmp = -1, as kvm_riscv_vcpu_timer_reset leaves it: no timer until the guest sets one. */
  private disarmSstc(): void {
    if (this.guestSstc) this.hart.setCsr(CSR_VSTIMECMP, (1n << 64n) - 1n);
  }

  resetTo(pc: bigint, a0: bigint, a1: bigint): void {
    this.disarmSstc();
    this.hart.status = 'running';
    this.setCsr('satp', 0n);
    this.setCsr('sstatus', this.getCsr('sstatus') & ~2n);
    this.setMode(1);
    this.setPc(pc);
    this.setX(10, a0);
    this.setX(11, a1);
    this.hart.flushTlb();
  }
  flushTlb(): void {
    this.hart.flushTlb();
  }
}

function ensureH(isa: string): string {
  const [first, ...rest] = isa.toLowerCase().split('_');
  const head = first!.includes('h') ? first! : `${first}h`;
  return [head, ...rest].join('_');
}
