/**
 * A VM: guest memory slots, vCPUs, and the services the in-kernel SBI needs
 * (KVM_CREATE_VM's object; Linux virt/kvm/kvm_main.c and arch/riscv/kvm/vm.c).
 */
import { HostClock } from '@tsvisor/isa-core';
import type { Clock } from '@tsvisor/isa-core';
import {
  SBI_ERR_DENIED, SBI_ERR_NOT_SUPPORTED, SBI_EXT_0_1_SET_TIMER, SBI_EXT_DBCN, SBI_EXT_EXPERIMENTAL_START, SBI_EXT_FWFT, SBI_EXT_HSM,
  SBI_EXT_IPI, SBI_EXT_PMU, SBI_EXT_RFENCE, SBI_EXT_SRST, SBI_EXT_STA, SBI_EXT_SUSP, SBI_EXT_TIME, SBI_EXT_VENDOR_START,
  SBI_HSM_SUSPEND_RET_DEFAULT, SBI_SRST_RESET_TYPE_SHUTDOWN, SBI_SUCCESS, SBI_V2_0, sbiVersion,
} from '@tsvisor/sbi';
import type { SbiExtensionName, SbiGuestMemory, SbiPlatform, SbiSpecVersion, SupervisorLoad } from '@tsvisor/sbi';
import {
  KVM_CAP_DEVICE_CTRL, KVM_CAP_IMMEDIATE_EXIT, KVM_CAP_IRQCHIP, KVM_CAP_MAX_VCPU_ID, KVM_CAP_MAX_VCPUS, KVM_CAP_MP_STATE,
  KVM_CAP_NR_MEMSLOTS, KVM_CAP_NR_VCPUS, KVM_CAP_ONE_REG, KVM_CAP_READONLY_MEM, KVM_CAP_SYNC_MMU, KVM_CAP_USER_MEMORY,
  KVM_DEV_TYPE_RISCV_AIA, KVM_EXIT_SYSTEM_EVENT, KVM_MEM_READONLY, KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN,
} from './defs';
import { KvmError } from './errors';
import { H_1_0 } from '@tsvisor/csr-h-ext';
import type { HypervisorSpec } from '@tsvisor/csr-h-ext';
import { DirectGuestCpu } from './guest-cpu';
import { GSTAGE_TABLE_BYTES, buildGStage } from './gstage';
import { VirtGuestCpu } from './virt-cpu';
import type { GuestCpu } from './guest-cpu';
import { GuestMemoryMap, KVM_USER_MEM_SLOTS } from './memory';
import type { MemorySlot, UserMemoryRegion } from './memory';
import { Vcpu } from './vcpu';
import { AiaDevice } from './aia';

export interface VmOptions {
  /** Host memory the VMM can allocate guest RAM from (vm.allocateUserMemory). Default 64 MiB. */
  readonly hostMemoryBytes?: number;
  /** Host-physical address of that memory. Default 0x8000_0000 (kvmtool's guest RAM base). */
  readonly hostMemoryBase?: number;
  /** The ISA of the host harts the vCPUs run on (ISA_EXT registers may only turn parts of it off). */
  readonly isa?: string;
  /** SBI version the guests see: '0.1' .. '3.0' or a version object. Default 2.0. */
  readonly sbiVersion?: string | SbiSpecVersion;
  /** The VM clock (guest `time`); default a 10 MHz host clock. */
  readonly clock?: Clock;
  /**
   * The H extension module the host harts implement (csr-h-ext: H_1_0, H_0_6_1). Default H_1_0:
   * guests run in VS/VU behind a G-stage. `null` runs them on harts without H (DirectGuestCpu:
   * real S-mode, identity-placed slots, no htimedelta, no READONLY slots).
   */
  readonly hostH?: HypervisorSpec | null;
}

/** @internal What a Vcpu needs from its VM. */
export interface VmInternals {
  readonly hostIsa: string;
  readonly memory: GuestMemoryMap;
  readonly sbiVersion: SbiSpecVersion;
  sbiVersionHas(module: SbiExtensionName): boolean;
  makeCpu(id: number, isa: string, ids: { mvendorid: bigint; marchid: bigint; mimpid: bigint }): GuestCpu;
  vcpuIds(): readonly number[];
  sbiPlatform(vcpu: Vcpu): SbiPlatform;
  /** The in-kernel AIA irqchip, once created. */
  aia(): AiaDevice | undefined;
}

/**
 * The host ISA: RV64GC, the bit-manipulation and hint extensions isa-core implements, Sstc
 * (guests get it with H 1.0) and Zkr (guests' seed reads come to the VMM as KVM_EXIT_RISCV_CSR).
 */
export const DEFAULT_HOST_ISA = 'rv64imafdc_zicsr_zifencei_zicntr_zihpm_zihintpause_zba_zbb_zbc_zbs_zicond_sstc_zkr';
export const KVM_MAX_VCPUS = 64;
/** The one VMID this VM's vCPUs use (each VM has its own harts, so VMIDs never collide). */
const VMID = 1;

const MODULE_EID: Readonly<Record<SbiExtensionName, number>> = {
  legacy: SBI_EXT_0_1_SET_TIMER, base: 0x10, time: SBI_EXT_TIME, ipi: SBI_EXT_IPI, rfence: SBI_EXT_RFENCE, hsm: SBI_EXT_HSM,
  srst: SBI_EXT_SRST, pmu: SBI_EXT_PMU, dbcn: SBI_EXT_DBCN, susp: SBI_EXT_SUSP, sta: SBI_EXT_STA, fwft: SBI_EXT_FWFT,
  experimental: SBI_EXT_EXPERIMENTAL_START, vendor: SBI_EXT_VENDOR_START,
};

export class Vm {
  readonly clock: Clock;
  readonly sbiVersion: SbiSpecVersion;
  private readonly hostIsa: string;
  private readonly memory: GuestMemoryMap;
  private readonly vcpus = new Map<number, Vcpu>();
  private readonly internals: VmInternals;
  /** The H module of the host harts, or null for harts without H. */
  readonly hostH: HypervisorSpec | null;
  private readonly gstageAt: number | undefined;
  private hgatp = 0n;
  private aiaDevice: AiaDevice | undefined;

  /** @internal Created by Kvm.createVm. */
  constructor(options: VmOptions = {}) {
    this.clock = options.clock ?? new HostClock();
    this.hostIsa = options.isa ?? DEFAULT_HOST_ISA;
    this.sbiVersion = typeof options.sbiVersion === 'string' ? sbiVersion(options.sbiVersion) : (options.sbiVersion ?? SBI_V2_0);
    const bytes = options.hostMemoryBytes ?? 64 * 2 ** 20;
    if (!Number.isSafeInteger(bytes) || bytes <= 0 || bytes % 65536 !== 0) {
      throw new KvmError('EINVAL', `hostMemoryBytes ${bytes}: must be a positive multiple of 64 KiB`);
    }
    this.memory = new GuestMemoryMap(bytes, options.hostMemoryBase ?? 0x8000_0000);
    this.hostH = options.hostH === undefined ? H_1_0 : options.hostH;
    if (this.hostH) {
      if (bytes <= GSTAGE_TABLE_BYTES) throw new KvmError('EINVAL', `hostMemoryBytes ${bytes}: must exceed the ${GSTAGE_TABLE_BYTES} bytes kept for G-stage tables`);
      this.gstageAt = this.memory.reserveTop(GSTAGE_TABLE_BYTES);
      this.hgatp = buildGStage(this.memory, this.gstageAt, VMID);
    }
    const vm = this;
    this.internals = {
      hostIsa: this.hostIsa,
      memory: this.memory,
      sbiVersion: this.sbiVersion,
      sbiVersionHas: (m) => {
        const eid = MODULE_EID[m];
        return this.sbiVersion.extensions.has(eid) || this.sbiVersion.ranges.some((r) => eid >= r.from && eid <= r.to);
      },
      makeCpu: (id, isa, ids) => {
        const common = {
          hartId: id, isa, memory: this.memory.host, clock: this.clock,
          mvendorid: Number(ids.mvendorid & 0xffffffffn), marchid: ids.marchid, mimpid: ids.mimpid,
        };
        return this.hostH
          ? new VirtGuestCpu({ ...common, spec: this.hostH, hgatp: this.hgatp, imsicFile: () => this.aiaDevice?.fileOf(id) })
          : new DirectGuestCpu(common);
      },
      vcpuIds: () => [...this.vcpus.keys()],
      sbiPlatform: (vcpu) => platformFor(vm, vcpu),
      aia: () => this.aiaDevice,
    };
  }

  /** The "mmap" of this VM's host memory: zeroed bytes to pass as a slot's userspace buffer. */
  allocateUserMemory(bytes: number): Uint8Array {
    return this.memory.allocate(bytes);
  }

  /** KVM_SET_USER_MEMORY_REGION: adds, keeps or (memorySize 0) deletes a slot. Overlaps are EEXIST. */
  setUserMemoryRegion(region: UserMemoryRegion): void {
    if (!this.hostH && ((region.flags ?? 0) & KVM_MEM_READONLY)) {
      throw new KvmError('EINVAL', `memory slot ${region.slot}: KVM_MEM_READONLY needs a G-stage (a host hart with the H extension)`);
    }
    const saved = this.memory.snapshot();
    this.memory.set(region, !this.hostH);
    if (this.gstageAt === undefined) return;
    try {
      this.hgatp = buildGStage(this.memory, this.gstageAt, VMID);
    } catch (e) {
      this.memory.restore(saved);
      this.hgatp = buildGStage(this.memory, this.gstageAt, VMID);
      throw e;
    }
    // HFENCE.GVMA for the VMID: every vCPU drops its cached guest translations.
    for (const v of this.vcpus.values()) (v.guest as VirtGuestCpu).setHgatp(this.hgatp);
  }

  /** The current memory slots, by guest-physical address. */
  memorySlots(): MemorySlot[] {
    return this.memory.list();
  }

  /** Guest memory as the SBI implementation and VMM helpers see it (guest-physical, never throws). */
  get guestMemory(): SbiGuestMemory {
    return guestMemoryAccessor(this.memory);
  }

  /**
   * The VMM wrote guest memory outside a vCPU (virtio DMA, loading an image after a run):
   * like a DMA write seen by the CPUs, the harts drop code and translations cached from it.
   */
  noteGuestWrite(gpa: number, len: number): void {
    if (Number.isSafeInteger(gpa) && Number.isSafeInteger(len) && len > 0) this.memory.noteWrite(gpa, len);
  }

  /** KVM_CREATE_VCPU: the vCPU id is its hart id. */
  createVcpu(id: number): Vcpu {
    if (!Number.isInteger(id) || id < 0 || id >= KVM_MAX_VCPUS) {
      throw new KvmError('EINVAL', `vCPU id ${id}: ids are 0..${KVM_MAX_VCPUS - 1}`);
    }
    if (this.vcpus.has(id)) throw new KvmError('EEXIST', `vCPU ${id} already exists`);
    const v = new Vcpu(id, this.internals);
    this.vcpus.set(id, v);
    return v;
  }

  vcpu(id: number): Vcpu | undefined {
    return this.vcpus.get(id);
  }

  /**
   * KVM_CREATE_DEVICE. KVM_DEV_TYPE_RISCV_AIA (aia.ts) needs host harts with H and the AIA
   * ('ssaia' in the VM's `isa`), as KVM needs a host with the AIA; one per VM (KVM_NR_IRQCHIPS = 1).
   */
  createDevice(type: number): AiaDevice {
    if (type !== KVM_DEV_TYPE_RISCV_AIA) throw new KvmError('ENODEV', `device type ${type} is not supported`);
    if (!this.hostH || !parseIsaNames(this.hostIsa).includes('ssaia')) {
      throw new KvmError('ENODEV', "KVM_DEV_TYPE_RISCV_AIA: the host harts have no AIA (create the VM with H and 'smaia_ssaia' in its isa), or emulate a PLIC in the VMM and use vcpu.interrupt(KVM_INTERRUPT_SET)");
    }
    if (this.aiaDevice) throw new KvmError('EEXIST', 'KVM_DEV_TYPE_RISCV_AIA: the VM already has its irqchip');
    const dev = new AiaDevice({
      vcpuIds: () => [...this.vcpus.keys()],
      setGuestFileInterrupt: (id, level) => this.vcpus.get(id)?.aiaInterrupt(level),
    });
    this.aiaDevice = dev;
    return dev;
  }

  /** KVM_IRQ_LINE: drives wired source `irq` of the in-kernel AIA's APLIC. */
  irqLine(irq: number, level: boolean): void {
    if (!this.aiaDevice?.ready) throw new KvmError('ENXIO', 'KVM_IRQ_LINE: no initialized in-kernel irqchip (create KVM_DEV_TYPE_RISCV_AIA and KVM_DEV_RISCV_AIA_CTRL_INIT it)');
    this.aiaDevice.irqLine(irq, level);
  }

  /** KVM_SIGNAL_MSI: an MSI to one of the in-kernel IMSICs (data = identity). */
  signalMsi(address: bigint, data: number): void {
    if (!this.aiaDevice?.ready || address < 0n || address >= 1n << 53n || !this.aiaDevice.signalMsi(Number(address), data >>> 0)) {
      throw new KvmError('EINVAL', `KVM_SIGNAL_MSI 0x${address.toString(16)}: no in-kernel IMSIC at that address`);
    }
  }

  /** KVM_CHECK_EXTENSION on the VM. */
  checkExtension(cap: number): number {
    if (cap === KVM_CAP_READONLY_MEM) return this.hostH ? 1 : 0;
    if (cap === KVM_CAP_IRQCHIP) return this.hostH && parseIsaNames(this.hostIsa).includes('ssaia') ? 1 : 0;
    return checkExtension(cap);
  }
}

/** KVM_CHECK_EXTENSION answers (0 = not available). */
export function checkExtension(cap: number): number {
  switch (cap) {
    case KVM_CAP_USER_MEMORY:
    case KVM_CAP_MP_STATE:
    case KVM_CAP_ONE_REG:
    case KVM_CAP_SYNC_MMU:
    case KVM_CAP_IMMEDIATE_EXIT:
      return 1;
    case KVM_CAP_NR_VCPUS:
    case KVM_CAP_MAX_VCPUS:
    case KVM_CAP_MAX_VCPU_ID:
      return KVM_MAX_VCPUS;
    case KVM_CAP_NR_MEMSLOTS:
      return KVM_USER_MEM_SLOTS;
    case KVM_CAP_IRQCHIP: // no in-kernel irqchip (AIA) yet
    case KVM_CAP_DEVICE_CTRL:
    case KVM_CAP_READONLY_MEM: // needs a G-stage to make stores fault: see Vm.checkExtension
    default:
      return 0;
  }
}

function guestMemoryAccessor(mem: GuestMemoryMap): SbiGuestMemory {
  const small = (pa: bigint, len: bigint) => pa >= 0n && len >= 0n && pa + len <= BigInt(Number.MAX_SAFE_INTEGER);
  return {
    read(pa, length) {
      if (!small(pa, BigInt(length))) return undefined;
      return mem.view(Number(pa), length, false)?.slice();
    },
    write(pa, data) {
      if (!small(pa, BigInt(data.length))) return false;
      const v = mem.view(Number(pa), data.length, true);
      if (!v) return false;
      v.set(data);
      mem.noteWrite(Number(pa), data.length);
      return true;
    },
    accessible(pa, length, write) {
      if (!small(pa, length)) return false;
      return mem.view(Number(pa), Number(length), write) !== undefined;
    },
  };
}

/** Reads a u64 the guest's S-mode would see at `va` (bare, or an Sv39/48/57 walk without A/D updates). */
function loadSupervisorUlong(mem: SbiGuestMemory, satp: bigint, va: bigint): SupervisorLoad {
  const fault: SupervisorLoad = { ok: false, cause: 13, tval: va };
  const read64 = (pa: bigint): bigint | undefined => {
    const b = mem.read(pa, 8);
    if (!b) return undefined;
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  };
  const mode = Number(satp >> 60n);
  if (mode === 0) {
    const v = read64(va);
    return v === undefined ? { ok: false, cause: 5, tval: va } : { ok: true, value: v };
  }
  const levels = mode === 8 ? 3 : mode === 9 ? 4 : mode === 10 ? 5 : 0;
  if (!levels || (va & 7n) !== 0n) return fault;
  let table = (satp & ((1n << 44n) - 1n)) << 12n;
  for (let level = levels - 1; level >= 0; level--) {
    const vpn = (va >> BigInt(12 + 9 * level)) & 0x1ffn;
    const pte = read64(table + vpn * 8n);
    if (pte === undefined || (pte & 1n) === 0n) return fault;
    const ppn = (pte >> 10n) & ((1n << 44n) - 1n);
    if ((pte & 0xan) !== 0n) { // R or X: a leaf
      if ((pte & 2n) === 0n) return fault;
      const pageMask = (1n << BigInt(12 + 9 * level)) - 1n;
      const v = read64(((ppn << 12n) & ~pageMask) | (va & pageMask));
      return v === undefined ? { ok: false, cause: 5, tval: va } : { ok: true, value: v };
    }
    table = ppn << 12n;
  }
  return fault;
}

/** The services KVM's in-kernel SBI uses, for one calling vCPU. */
function platformFor(vm: Vm, self: Vcpu): SbiPlatform {
  const memory = vm.guestMemory;
  // KVM itself does not check entry addresses; a slot is what a guest can execute from.
  const executable = (pa: bigint) => pa >= 0n && pa < BigInt(Number.MAX_SAFE_INTEGER) && vm.memorySlots().some((s) => Number(pa) >= s.gpa && Number(pa) + 4 <= s.gpa + s.size);
  const target = (id: number) => vm.vcpu(id)!;
  return {
    memory,
    hypervisor: true, // the HFENCE functions are accepted and do nothing: no nested virtualization (Linux vcpu_sbi_replace.c)
    setTimer: (_h, stime) => self.setTimer(stime),
    sendIpi: (_from, to) => {
      for (const id of to) target(id).injectSoftwareInterrupt();
    },
    clearIpi: () => {
      const pending = (self.guest.getCsr('sip') & 2n) !== 0n;
      self.guest.setInterrupt('software', false);
      return pending;
    },
    remoteFence: (req) => {
      if (req.kind.startsWith('sfence')) for (const id of req.hartIds) target(id).guest.flushTlb();
      return SBI_SUCCESS;
    },
    hartStatus: (id) => target(id).hsmStatus(),
    hartStart: (id, addr, opaque) => {
      target(id).start(addr, opaque);
      return SBI_SUCCESS;
    },
    hartStop: () => {
      self.stopSelf();
      return SBI_SUCCESS;
    },
    hartSuspend: (_h, type) => {
      if (type !== SBI_HSM_SUSPEND_RET_DEFAULT) return SBI_ERR_NOT_SUPPORTED; // KVM: default retentive only
      self.suspendRetentive();
      return SBI_SUCCESS;
    },
    isExecutable: executable,
    systemReset: (_h, type, reason) => {
      self.raiseSystemEvent({
        reason: 'system-event', exitReason: KVM_EXIT_SYSTEM_EVENT,
        type: type === SBI_SRST_RESET_TYPE_SHUTDOWN ? KVM_SYSTEM_EVENT_SHUTDOWN : KVM_SYSTEM_EVENT_RESET,
        data: [BigInt(reason)],
      });
      return SBI_SUCCESS;
    },
    systemSuspend: (_h, _type, addr, opaque) => {
      // KVM checks, then asks the VMM (KVM_EXIT_RISCV_SBI) and resumes the vCPU at resume_addr afterwards.
      self.requestResumeAfterSuspend(addr, opaque);
      return 'forward';
    },
    // Console calls are forwarded to the VMM by the KVM split; these are never reached.
    consoleWrite: () => SBI_ERR_DENIED,
    consoleRead: () => new Uint8Array(0),
    loadSupervisorUlong: (_h, va) => loadSupervisorUlong(memory, self.guest.getCsr('satp'), va),
  };
}

function parseIsaNames(isa: string): string[] {
  return isa.toLowerCase().split('_');
}
