/**
 * The in-kernel AIA irqchip, KVM_DEV_TYPE_RISCV_AIA (Linux arch/riscv/kvm/aia_device.c,
 * aia_aplic.c, aia_imsic.c; uapi asm/kvm.h KVM_DEV_RISCV_AIA_*): a guest APLIC in MSI mode and
 * one IMSIC interrupt file per vCPU. The VMM configures it through device attributes (groups
 * CONFIG, ADDR, CTRL, APLIC, IMSIC), as kvmtool's riscv/aia.c and QEMU's kvm_riscv_aia_create do,
 * then raises wired interrupts with `vm.irqLine(irq, level)` (KVM_IRQ_LINE).
 *
 * Each vCPU's file is a guest interrupt file of its host hart (hstatus.VGEIN = 1), so the guest's
 * siselect/sireg/stopei reach it without exits, as in KVM's "hwaccel" mode; the guest's MMIO to
 * its IMSIC pages and to the APLIC is handled here, in kernel, never as KVM_EXIT_MMIO.
 */
import { AplicDomain, ImsicFile, IMSIC_FILE_SIZE } from '@tsvisor/aplic-imsic';
import { KvmError } from './errors';

export const KVM_DEV_RISCV_AIA_GRP_CONFIG = 0;
export const KVM_DEV_RISCV_AIA_CONFIG_MODE = 0;
export const KVM_DEV_RISCV_AIA_CONFIG_IDS = 1;
export const KVM_DEV_RISCV_AIA_CONFIG_SRCS = 2;
export const KVM_DEV_RISCV_AIA_CONFIG_GROUP_BITS = 3;
export const KVM_DEV_RISCV_AIA_CONFIG_GROUP_SHIFT = 4;
export const KVM_DEV_RISCV_AIA_CONFIG_HART_BITS = 5;
export const KVM_DEV_RISCV_AIA_CONFIG_GUEST_BITS = 6;
export const KVM_DEV_RISCV_AIA_MODE_EMUL = 0;
export const KVM_DEV_RISCV_AIA_MODE_HWACCEL = 1;
export const KVM_DEV_RISCV_AIA_MODE_AUTO = 2;
export const KVM_DEV_RISCV_AIA_IDS_MIN = 63;
export const KVM_DEV_RISCV_AIA_IDS_MAX = 2048;
export const KVM_DEV_RISCV_AIA_SRCS_MAX = 1024;
export const KVM_DEV_RISCV_AIA_GROUP_BITS_MAX = 8;
export const KVM_DEV_RISCV_AIA_GROUP_SHIFT_MIN = 24;
export const KVM_DEV_RISCV_AIA_GROUP_SHIFT_MAX = 56;
export const KVM_DEV_RISCV_AIA_HART_BITS_MAX = 16;
export const KVM_DEV_RISCV_AIA_GUEST_BITS_MAX = 8;
export const KVM_DEV_RISCV_AIA_GRP_ADDR = 1;
export const KVM_DEV_RISCV_AIA_ADDR_APLIC = 0;
/** ADDR attribute of vCPU `vcpu`'s IMSIC (KVM_DEV_RISCV_AIA_ADDR_IMSIC(vcpu)). */
export const KVM_DEV_RISCV_AIA_ADDR_IMSIC = (vcpu: number): number => 1 + vcpu;
export const KVM_DEV_RISCV_AIA_GRP_CTRL = 2;
export const KVM_DEV_RISCV_AIA_CTRL_INIT = 0;
export const KVM_DEV_RISCV_AIA_GRP_APLIC = 3;
export const KVM_DEV_RISCV_AIA_GRP_IMSIC = 4;
/** IMSIC attribute: vCPU and *iselect number (KVM_DEV_RISCV_AIA_IMSIC_MKATTR). */
export const KVM_DEV_RISCV_AIA_IMSIC_MKATTR = (vcpu: number, isel: number): number => (vcpu << 12) | (isel & 0xfff);
/** The APLIC's MMIO size (KVM_DEV_RISCV_APLIC_SIZE) and alignment (KVM_DEV_RISCV_APLIC_ALIGN). */
export const KVM_DEV_RISCV_APLIC_SIZE = 0x4000;
export const KVM_DEV_RISCV_APLIC_ALIGN = 0x1000;
export const KVM_DEV_RISCV_IMSIC_SIZE = 0x1000;
export const KVM_DEV_RISCV_IMSIC_ALIGN = 0x1000;

/** What the device needs from its VM. */
export interface AiaHost {
  /** Ids of the VM's vCPUs now. */
  vcpuIds(): readonly number[];
  /** Drives vCPU `id`'s guest-file interrupt (hgeip[1] of its hart). */
  setGuestFileInterrupt(id: number, level: boolean): void;
}

/** A 64-bit attribute value as a VMM passes it (the kernel reads a u32 or an unsigned long). */
type AttrValue = bigint;

/** KVM_CREATE_DEVICE(KVM_DEV_TYPE_RISCV_AIA)'s device: set/get/has attributes. */
export class AiaDevice {
  private mode = KVM_DEV_RISCV_AIA_MODE_AUTO;
  private ids = 255;
  private srcs = 0;
  private groupBits = 0;
  private groupShift = KVM_DEV_RISCV_AIA_GROUP_SHIFT_MIN;
  private hartBits = 0;
  private guestBits = 0;
  private aplicAddr: number | undefined;
  private readonly imsicAddr = new Map<number, number>();
  private initialized = false;
  private aplic: AplicDomain | undefined;
  private readonly files = new Map<number, ImsicFile>();
  /** vCPU id by IMSIC hart index (computed at init from the addresses). */
  private readonly byHartIndex = new Map<number, number>();

  /** @internal Created by Vm.createDevice. */
  constructor(private readonly host: AiaHost) {}

  /** True after CTRL_INIT. */
  get ready(): boolean {
    return this.initialized;
  }

  /** KVM_HAS_DEVICE_ATTR. */
  hasAttr(group: number, attr: number): boolean {
    switch (group) {
      case KVM_DEV_RISCV_AIA_GRP_CONFIG: return attr >= KVM_DEV_RISCV_AIA_CONFIG_MODE && attr <= KVM_DEV_RISCV_AIA_CONFIG_GUEST_BITS;
      case KVM_DEV_RISCV_AIA_GRP_ADDR: return attr === KVM_DEV_RISCV_AIA_ADDR_APLIC || this.host.vcpuIds().includes(attr - 1);
      case KVM_DEV_RISCV_AIA_GRP_CTRL: return attr === KVM_DEV_RISCV_AIA_CTRL_INIT;
      case KVM_DEV_RISCV_AIA_GRP_APLIC: return this.aplic !== undefined && attr >= 0 && attr < KVM_DEV_RISCV_APLIC_SIZE && (attr & 3) === 0;
      case KVM_DEV_RISCV_AIA_GRP_IMSIC: return this.files.has(attr >>> 12) && ImsicFile.regExists(attr & 0xfff);
      default: return false;
    }
  }

  /** KVM_SET_DEVICE_ATTR. */
  setAttr(group: number, attr: number, value: AttrValue = 0n): void {
    switch (group) {
      case KVM_DEV_RISCV_AIA_GRP_CONFIG: return this.setConfig(attr, value);
      case KVM_DEV_RISCV_AIA_GRP_ADDR: return this.setAddr(attr, value);
      case KVM_DEV_RISCV_AIA_GRP_CTRL:
        if (attr !== KVM_DEV_RISCV_AIA_CTRL_INIT) throw new KvmError('ENXIO', `AIA CTRL attribute ${attr}: only KVM_DEV_RISCV_AIA_CTRL_INIT (0)`);
        return this.init();
      case KVM_DEV_RISCV_AIA_GRP_APLIC: {
        const a = this.aplicAttr(attr);
        a.write(attr, 4, Number(value & 0xffffffffn));
        return;
      }
      case KVM_DEV_RISCV_AIA_GRP_IMSIC: {
        const [f, isel] = this.imsicAttr(attr);
        f.writeReg(isel, Number(value & 0xffffffffn) | 0, Number((value >> 32n) & 0xffffffffn) | 0);
        return;
      }
      default:
        throw new KvmError('ENXIO', `AIA attribute group ${group} does not exist`);
    }
  }

  /** KVM_GET_DEVICE_ATTR. */
  getAttr(group: number, attr: number): AttrValue {
    switch (group) {
      case KVM_DEV_RISCV_AIA_GRP_CONFIG:
        switch (attr) {
          case KVM_DEV_RISCV_AIA_CONFIG_MODE: return BigInt(this.mode);
          case KVM_DEV_RISCV_AIA_CONFIG_IDS: return BigInt(this.ids);
          case KVM_DEV_RISCV_AIA_CONFIG_SRCS: return BigInt(this.srcs);
          case KVM_DEV_RISCV_AIA_CONFIG_GROUP_BITS: return BigInt(this.groupBits);
          case KVM_DEV_RISCV_AIA_CONFIG_GROUP_SHIFT: return BigInt(this.groupShift);
          case KVM_DEV_RISCV_AIA_CONFIG_HART_BITS: return BigInt(this.hartBits);
          case KVM_DEV_RISCV_AIA_CONFIG_GUEST_BITS: return BigInt(this.guestBits);
          default: throw new KvmError('ENXIO', `AIA CONFIG attribute ${attr} does not exist`);
        }
      case KVM_DEV_RISCV_AIA_GRP_ADDR: {
        const a = attr === KVM_DEV_RISCV_AIA_ADDR_APLIC ? this.aplicAddr : this.imsicAddrOf(attr);
        return a === undefined ? -1n & 0xffffffffffffffffn : BigInt(a); // KVM_RISCV_AIA_UNDEF_ADDR
      }
      case KVM_DEV_RISCV_AIA_GRP_CTRL:
        throw new KvmError('ENXIO', 'AIA CTRL attributes are write-only');
      case KVM_DEV_RISCV_AIA_GRP_APLIC:
        return BigInt(this.aplicAttr(attr).read(attr, 4) >>> 0);
      case KVM_DEV_RISCV_AIA_GRP_IMSIC: {
        const [f, isel] = this.imsicAttr(attr);
        const lo = f.readReg(isel);
        return (BigInt(f.hi >>> 0) << 32n) | BigInt(lo >>> 0);
      }
      default:
        throw new KvmError('ENXIO', `AIA attribute group ${group} does not exist`);
    }
  }

  private setConfig(attr: number, value: AttrValue): void {
    if (this.initialized) throw new KvmError('EBUSY', 'AIA CONFIG: the irqchip is already initialized (KVM_DEV_RISCV_AIA_CTRL_INIT)');
    const v = Number(value & 0xffffffffn);
    const range = (name: string, lo: number, hi: number) => {
      if (v < lo || v > hi) throw new KvmError('EINVAL', `AIA CONFIG ${name} ${v}: must be ${lo}..${hi}`);
    };
    switch (attr) {
      case KVM_DEV_RISCV_AIA_CONFIG_MODE:
        range('MODE', KVM_DEV_RISCV_AIA_MODE_EMUL, KVM_DEV_RISCV_AIA_MODE_AUTO);
        this.mode = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_IDS:
        // aia_device.c: at least 63, below 2048, and one less than a multiple of 64.
        if (v < KVM_DEV_RISCV_AIA_IDS_MIN || v >= KVM_DEV_RISCV_AIA_IDS_MAX || (v & KVM_DEV_RISCV_AIA_IDS_MIN) !== KVM_DEV_RISCV_AIA_IDS_MIN) {
          throw new KvmError('EINVAL', `AIA CONFIG IDS ${v}: must be 63..2047 and one less than a multiple of 64`);
        }
        this.ids = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_SRCS:
        range('SRCS', 0, KVM_DEV_RISCV_AIA_SRCS_MAX - 1);
        this.srcs = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_GROUP_BITS:
        range('GROUP_BITS', 0, KVM_DEV_RISCV_AIA_GROUP_BITS_MAX);
        this.groupBits = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_GROUP_SHIFT:
        range('GROUP_SHIFT', KVM_DEV_RISCV_AIA_GROUP_SHIFT_MIN, KVM_DEV_RISCV_AIA_GROUP_SHIFT_MAX);
        this.groupShift = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_HART_BITS:
        range('HART_BITS', 0, KVM_DEV_RISCV_AIA_HART_BITS_MAX);
        this.hartBits = v;
        return;
      case KVM_DEV_RISCV_AIA_CONFIG_GUEST_BITS:
        range('GUEST_BITS', 0, KVM_DEV_RISCV_AIA_GUEST_BITS_MAX);
        this.guestBits = v;
        return;
      default:
        throw new KvmError('ENXIO', `AIA CONFIG attribute ${attr} does not exist`);
    }
  }

  private imsicAddrOf(attr: number): number | undefined {
    const vcpu = attr - 1;
    if (!this.host.vcpuIds().includes(vcpu)) throw new KvmError('ENXIO', `AIA ADDR ${attr}: no vCPU ${vcpu}`);
    return this.imsicAddr.get(vcpu);
  }

  private setAddr(attr: number, value: AttrValue): void {
    if (this.initialized) throw new KvmError('EBUSY', 'AIA ADDR: the irqchip is already initialized');
    if (value < 0n || value >= 1n << 53n) throw new KvmError('EINVAL', `AIA ADDR 0x${value.toString(16)}: outside the guest-physical space`);
    const a = Number(value);
    if (attr === KVM_DEV_RISCV_AIA_ADDR_APLIC) {
      if (a % KVM_DEV_RISCV_APLIC_ALIGN) throw new KvmError('EINVAL', `AIA APLIC address 0x${a.toString(16)}: must be 4 KiB aligned`);
      this.aplicAddr = a;
      return;
    }
    this.imsicAddrOf(attr);
    if (a % KVM_DEV_RISCV_IMSIC_ALIGN) throw new KvmError('EINVAL', `AIA IMSIC address 0x${a.toString(16)}: must be 4 KiB aligned`);
    this.imsicAddr.set(attr - 1, a);
  }

  /** aia.c aia_imsic_hart_index: group and hart fields of an IMSIC address. */
  private hartIndexOf(addr: number): number {
    const group = this.groupBits ? Math.floor(addr / 2 ** this.groupShift) & ((1 << this.groupBits) - 1) : 0;
    const hart = Math.floor(addr / 2 ** (this.guestBits + 12)) & ((1 << this.hartBits) - 1);
    return (group << this.hartBits) | hart;
  }

  /** KVM_DEV_RISCV_AIA_CTRL_INIT: checks the configuration, creates the APLIC and the vCPUs' files. */
  private init(): void {
    if (this.initialized) throw new KvmError('EBUSY', 'AIA CTRL_INIT: already initialized');
    const ids = this.host.vcpuIds();
    if (ids.length === 0) throw new KvmError('EINVAL', 'AIA CTRL_INIT: create the vCPUs first');
    if (this.srcs > 0 && this.aplicAddr === undefined) throw new KvmError('EINVAL', 'AIA CTRL_INIT: SRCS > 0 needs the APLIC address (ADDR_APLIC)');
    for (const id of ids) {
      const a = this.imsicAddr.get(id);
      if (a === undefined) throw new KvmError('EINVAL', `AIA CTRL_INIT: no IMSIC address for vCPU ${id} (ADDR_IMSIC(${id}))`);
      const h = this.hartIndexOf(a);
      if (this.byHartIndex.has(h)) throw new KvmError('EINVAL', `AIA CTRL_INIT: vCPUs ${this.byHartIndex.get(h)} and ${id} have the same IMSIC hart index ${h}`);
      this.byHartIndex.set(h, id);
    }
    for (const id of ids) {
      this.files.set(id, new ImsicFile({ ids: this.ids, irq: { set: (v) => this.host.setGuestFileInterrupt(id, v) } }));
    }
    if (this.srcs > 0) {
      this.aplic = new AplicDomain({
        level: 'supervisor', harts: Math.max(1, ...this.byHartIndex.keys()) + 1, sources: this.srcs, delivery: 'msi',
        msiIds: this.ids,
        // The kernel's APLIC sends MSIs by hart index to the vCPU with that IMSIC (aia_aplic.c,
        // kvm_riscv_aia_inject_msi_by_id): the addresses are hardwired, none configured by the guest.
        msiAddress: (hart) => {
          const id = this.byHartIndex.get(hart);
          return id === undefined ? NaN : this.imsicAddr.get(id)!;
        },
        msi: { write: (addr, data) => this.mmioWrite(addr, 4, data) },
      });
    }
    this.initialized = true;
  }

  private aplicAttr(attr: number): AplicDomain {
    if (!this.aplic) throw new KvmError('ENODEV', 'AIA APLIC attributes: no APLIC (initialize with SRCS > 0 first)');
    if (attr < 0 || attr >= KVM_DEV_RISCV_APLIC_SIZE || attr & 3) throw new KvmError('ENXIO', `AIA APLIC register 0x${attr.toString(16)}: not a 32-bit register offset below 0x4000`);
    return this.aplic;
  }

  private imsicAttr(attr: number): [ImsicFile, number] {
    if (!this.initialized) throw new KvmError('ENODEV', 'AIA IMSIC attributes: the irqchip is not initialized');
    const f = this.files.get(attr >>> 12);
    const isel = attr & 0xfff;
    if (!f) throw new KvmError('ENODEV', `AIA IMSIC attribute: no vCPU ${attr >>> 12}`);
    if (!ImsicFile.regExists(isel)) throw new KvmError('ENXIO', `AIA IMSIC attribute: no register at iselect 0x${isel.toString(16)}`);
    return [f, isel];
  }

  // ---- what the vCPUs and the VM use ----

  /** @internal The guest interrupt file of vCPU `id`, once initialized. */
  fileOf(id: number): ImsicFile | undefined {
    return this.files.get(id);
  }

  /** @internal vCPU `id` has a new hart: drive its guest-file line with the file's current level. */
  resync(id: number): void {
    this.files.get(id)?.connect({ set: (v) => this.host.setGuestFileInterrupt(id, v) });
  }

  /** KVM_IRQ_LINE: wired source `irq` (1..SRCS) of the guest APLIC. */
  irqLine(irq: number, level: boolean): void {
    if (!this.aplic) throw new KvmError('ENXIO', 'KVM_IRQ_LINE: the AIA has no APLIC (initialize it with SRCS > 0)');
    if (!Number.isInteger(irq) || irq < 1 || irq > this.srcs) throw new KvmError('EINVAL', `KVM_IRQ_LINE ${irq}: sources are 1..${this.srcs}`);
    this.aplic.setWire(irq, level);
  }

  /** KVM_SIGNAL_MSI: an MSI write of `data` at guest-physical `addr` (an IMSIC page). */
  signalMsi(addr: number, data: number): boolean {
    return this.mmioWrite(addr, 4, data);
  }

  /** @internal Is [gpa, gpa+len) the APLIC or an IMSIC page? Then the kernel emulates the access. */
  claims(gpa: number, len: number): boolean {
    return this.initialized && (this.aplicOffset(gpa, len) !== undefined || this.imsicPage(gpa, len) !== undefined);
  }

  /** @internal A guest load from the APLIC or an IMSIC page. */
  mmioRead(gpa: number, len: 1 | 2 | 4): number {
    const o = this.aplicOffset(gpa, len);
    if (o !== undefined) return this.aplic!.read(o, len);
    return 0; // IMSIC pages read as zero
  }

  /** @internal A guest store to the APLIC or an IMSIC page; false when nothing is there. */
  mmioWrite(gpa: number, len: 1 | 2 | 4, value: number): boolean {
    const o = this.aplicOffset(gpa, len);
    if (o !== undefined) {
      this.aplic!.write(o, len, value);
      return true;
    }
    const p = this.imsicPage(gpa, len);
    if (p === undefined) return false;
    p[0].write(p[1], len, value);
    return true;
  }

  private aplicOffset(gpa: number, len: number): number | undefined {
    const a = this.aplicAddr;
    if (!this.aplic || a === undefined || gpa < a || gpa + len > a + KVM_DEV_RISCV_APLIC_SIZE) return undefined;
    return gpa - a;
  }

  private imsicPage(gpa: number, len: number): [ImsicFile, number] | undefined {
    for (const [id, a] of this.imsicAddr) {
      if (gpa >= a && gpa + len <= a + IMSIC_FILE_SIZE) {
        const f = this.files.get(id);
        return f ? [f, gpa - a] : undefined;
      }
    }
    return undefined;
  }
}
