/**
 * ONE_REG register ids, exactly as Linux's RISC-V KVM uapi defines them
 * (include/uapi/linux/kvm.h: KVM_REG_*; arch/riscv/include/uapi/asm/kvm.h:
 * KVM_REG_RISCV_*, the register structs and the ISA/SBI extension enums).
 * The tables are data in struct-field / enum order: a register's index is its
 * position. onereg.uapi.test.ts checks them against the installed uapi header.
 */

export const KVM_REG_ARCH_MASK = 0xff00000000000000n;
export const KVM_REG_RISCV = 0x8000000000000000n;
export const KVM_REG_SIZE_SHIFT = 52n;
export const KVM_REG_SIZE_MASK = 0x00f0000000000000n;
export const KVM_REG_SIZE_U32 = 0x0020000000000000n;
export const KVM_REG_SIZE_U64 = 0x0030000000000000n;
/** RV64: unsigned long is 64 bits. */
export const KVM_REG_SIZE_ULONG = KVM_REG_SIZE_U64;

export const KVM_REG_RISCV_TYPE_MASK = 0x00000000ff000000n;
export const KVM_REG_RISCV_TYPE_SHIFT = 24n;
export const KVM_REG_RISCV_SUBTYPE_MASK = 0x0000000000ff0000n;
export const KVM_REG_RISCV_SUBTYPE_SHIFT = 16n;

export const KVM_REG_RISCV_CONFIG = 0x01n << 24n;
export const KVM_REG_RISCV_CORE = 0x02n << 24n;
export const KVM_REG_RISCV_CSR = 0x03n << 24n;
export const KVM_REG_RISCV_TIMER = 0x04n << 24n;
export const KVM_REG_RISCV_FP_F = 0x05n << 24n;
export const KVM_REG_RISCV_FP_D = 0x06n << 24n;
export const KVM_REG_RISCV_ISA_EXT = 0x07n << 24n;
export const KVM_REG_RISCV_SBI_EXT = 0x08n << 24n;
export const KVM_REG_RISCV_VECTOR = 0x09n << 24n;
export const KVM_REG_RISCV_SBI_STATE = 0x0an << 24n;

export const KVM_REG_RISCV_CSR_GENERAL = 0x0n << 16n;
export const KVM_REG_RISCV_CSR_AIA = 0x1n << 16n;
export const KVM_REG_RISCV_CSR_SMSTATEEN = 0x2n << 16n;
export const KVM_REG_RISCV_ISA_SINGLE = 0x0n << 16n;
export const KVM_REG_RISCV_ISA_MULTI_EN = 0x1n << 16n;
export const KVM_REG_RISCV_ISA_MULTI_DIS = 0x2n << 16n;
export const KVM_REG_RISCV_SBI_SINGLE = 0x0n << 16n;
export const KVM_REG_RISCV_SBI_MULTI_EN = 0x1n << 16n;
export const KVM_REG_RISCV_SBI_MULTI_DIS = 0x2n << 16n;
export const KVM_REG_RISCV_SBI_STA = 0x0n << 16n;
export const KVM_REG_RISCV_SBI_FWFT = 0x1n << 16n;

/** struct kvm_riscv_config, field order. */
export const KVM_RISCV_CONFIG_REGS = [
  'isa', 'zicbom_block_size', 'mvendorid', 'marchid', 'mimpid', 'zicboz_block_size', 'satp_mode', 'zicbop_block_size',
] as const;

/** struct kvm_riscv_core: user_regs_struct (pc, then x1..x31 by ABI name) and mode. */
export const KVM_RISCV_CORE_REGS = [
  'regs.pc', 'regs.ra', 'regs.sp', 'regs.gp', 'regs.tp', 'regs.t0', 'regs.t1', 'regs.t2', 'regs.s0', 'regs.s1',
  'regs.a0', 'regs.a1', 'regs.a2', 'regs.a3', 'regs.a4', 'regs.a5', 'regs.a6', 'regs.a7',
  'regs.s2', 'regs.s3', 'regs.s4', 'regs.s5', 'regs.s6', 'regs.s7', 'regs.s8', 'regs.s9', 'regs.s10', 'regs.s11',
  'regs.t3', 'regs.t4', 'regs.t5', 'regs.t6', 'mode',
] as const;
export const KVM_RISCV_MODE_S = 1;
export const KVM_RISCV_MODE_U = 0;

/** struct kvm_riscv_csr (subtype GENERAL). */
export const KVM_RISCV_CSR_REGS = [
  'sstatus', 'sie', 'stvec', 'sscratch', 'sepc', 'scause', 'stval', 'sip', 'satp', 'scounteren', 'senvcfg',
] as const;
/** struct kvm_riscv_aia_csr (subtype AIA). */
export const KVM_RISCV_AIA_CSR_REGS = ['siselect', 'iprio1', 'iprio2', 'sieh', 'siph', 'iprio1h', 'iprio2h'] as const;
/** struct kvm_riscv_smstateen_csr (subtype SMSTATEEN). */
export const KVM_RISCV_SMSTATEEN_CSR_REGS = ['sstateen0'] as const;

/** struct kvm_riscv_timer (all __u64). */
export const KVM_RISCV_TIMER_REGS = ['frequency', 'time', 'compare', 'state'] as const;
export const KVM_RISCV_TIMER_STATE_OFF = 0;
export const KVM_RISCV_TIMER_STATE_ON = 1;

/** enum KVM_RISCV_ISA_EXT_ID, in order from 0. */
export const KVM_RISCV_ISA_EXT_IDS = [
  'A', 'C', 'D', 'F', 'H', 'I', 'M', 'SVPBMT', 'SSTC', 'SVINVAL',
  'ZIHINTPAUSE', 'ZICBOM', 'ZICBOZ', 'ZBB', 'SSAIA', 'V', 'SVNAPOT', 'ZBA', 'ZBS', 'ZICNTR',
  'ZICSR', 'ZIFENCEI', 'ZIHPM', 'SMSTATEEN', 'ZICOND', 'ZBC', 'ZBKB', 'ZBKC', 'ZBKX', 'ZKND',
  'ZKNE', 'ZKNH', 'ZKR', 'ZKSED', 'ZKSH', 'ZKT', 'ZVBB', 'ZVBC', 'ZVKB', 'ZVKG',
  'ZVKNED', 'ZVKNHA', 'ZVKNHB', 'ZVKSED', 'ZVKSH', 'ZVKT', 'ZFH', 'ZFHMIN', 'ZIHINTNTL', 'ZVFH',
  'ZVFHMIN', 'ZFA', 'ZTSO', 'ZACAS', 'SSCOFPMF', 'ZIMOP', 'ZCA', 'ZCB', 'ZCD', 'ZCF',
  'ZCMOP', 'ZAWRS', 'SMNPM', 'SSNPM', 'SVADE', 'SVADU', 'SVVPTC', 'ZABHA', 'ZICCRSE', 'ZAAMO',
  'ZALRSC', 'ZICBOP', 'ZFBFMIN', 'ZVFBFMIN', 'ZVFBFWMA', 'ZCLSD', 'ZILSD', 'ZALASR', 'ZICFILP', 'ZICFISS',
] as const;
export type KvmIsaExt = (typeof KVM_RISCV_ISA_EXT_IDS)[number];

/** enum KVM_RISCV_SBI_EXT_ID, in order from 0 (BASE has no id: it is always on). */
export const KVM_RISCV_SBI_EXT_IDS = [
  'V01', 'TIME', 'IPI', 'RFENCE', 'SRST', 'HSM', 'PMU', 'EXPERIMENTAL', 'VENDOR', 'DBCN', 'STA', 'SUSP', 'FWFT', 'MPXY',
] as const;
export type KvmSbiExt = (typeof KVM_RISCV_SBI_EXT_IDS)[number];

/** struct kvm_riscv_sbi_sta. */
export const KVM_RISCV_SBI_STA_REGS = ['shmem_lo', 'shmem_hi'] as const;
/** struct kvm_riscv_sbi_fwft: features x {enable, flags, value}. */
export const KVM_RISCV_SBI_FWFT_FEATURES = ['misaligned_deleg', 'pointer_masking', 'pte_ad_hw_updating', 'landing_pad', 'shadow_stack'] as const;
export const KVM_RISCV_SBI_FWFT_FIELDS = ['enable', 'flags', 'value'] as const;

/** A ONE_REG id from its parts: KVM_REG_RISCV | size | type | subtype | index. */
export function kvmRegId(type: bigint, subtype: bigint, index: number, size: bigint = KVM_REG_SIZE_ULONG): bigint {
  return KVM_REG_RISCV | size | type | subtype | BigInt(index);
}

function indexOf<T extends string>(table: readonly T[], name: T, what: string): number {
  const i = table.indexOf(name);
  if (i < 0) throw new RangeError(`unknown ${what} register '${name}'`);
  return i;
}

/** Named constructors for every id family (the names are those of the uapi structs and enums). */
export const KVM_REG = {
  config: (name: (typeof KVM_RISCV_CONFIG_REGS)[number]) => kvmRegId(KVM_REG_RISCV_CONFIG, 0n, indexOf(KVM_RISCV_CONFIG_REGS, name, 'CONFIG')),
  core: (name: (typeof KVM_RISCV_CORE_REGS)[number]) => kvmRegId(KVM_REG_RISCV_CORE, 0n, indexOf(KVM_RISCV_CORE_REGS, name, 'CORE')),
  csr: (name: (typeof KVM_RISCV_CSR_REGS)[number]) => kvmRegId(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_GENERAL, indexOf(KVM_RISCV_CSR_REGS, name, 'CSR')),
  aiaCsr: (name: (typeof KVM_RISCV_AIA_CSR_REGS)[number]) => kvmRegId(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_AIA, indexOf(KVM_RISCV_AIA_CSR_REGS, name, 'AIA CSR')),
  smstateenCsr: (name: (typeof KVM_RISCV_SMSTATEEN_CSR_REGS)[number]) =>
    kvmRegId(KVM_REG_RISCV_CSR, KVM_REG_RISCV_CSR_SMSTATEEN, indexOf(KVM_RISCV_SMSTATEEN_CSR_REGS, name, 'SMSTATEEN CSR')),
  timer: (name: (typeof KVM_RISCV_TIMER_REGS)[number]) => kvmRegId(KVM_REG_RISCV_TIMER, 0n, indexOf(KVM_RISCV_TIMER_REGS, name, 'TIMER'), KVM_REG_SIZE_U64),
  /** f0..f31 (index 0-31) and fcsr (index 32), all u32. */
  fpF: (index: number) => kvmRegId(KVM_REG_RISCV_FP_F, 0n, index, KVM_REG_SIZE_U32),
  /** f0..f31 as u64 (index 0-31); fcsr is index 32 and u32. */
  fpD: (index: number) => kvmRegId(KVM_REG_RISCV_FP_D, 0n, index, index === 32 ? KVM_REG_SIZE_U32 : KVM_REG_SIZE_U64),
  isaExt: (ext: KvmIsaExt) => kvmRegId(KVM_REG_RISCV_ISA_EXT, KVM_REG_RISCV_ISA_SINGLE, indexOf(KVM_RISCV_ISA_EXT_IDS, ext, 'ISA_EXT')),
  isaExtMulti: (enable: boolean, reg: number) =>
    kvmRegId(KVM_REG_RISCV_ISA_EXT, enable ? KVM_REG_RISCV_ISA_MULTI_EN : KVM_REG_RISCV_ISA_MULTI_DIS, reg),
  sbiExt: (ext: KvmSbiExt) => kvmRegId(KVM_REG_RISCV_SBI_EXT, KVM_REG_RISCV_SBI_SINGLE, indexOf(KVM_RISCV_SBI_EXT_IDS, ext, 'SBI_EXT')),
  sbiExtMulti: (enable: boolean, reg: number) =>
    kvmRegId(KVM_REG_RISCV_SBI_EXT, enable ? KVM_REG_RISCV_SBI_MULTI_EN : KVM_REG_RISCV_SBI_MULTI_DIS, reg),
  sbiSta: (name: (typeof KVM_RISCV_SBI_STA_REGS)[number]) =>
    kvmRegId(KVM_REG_RISCV_SBI_STATE, KVM_REG_RISCV_SBI_STA, indexOf(KVM_RISCV_SBI_STA_REGS, name, 'SBI STA')),
} as const;

/** The parts of an id, for error messages and dispatch. */
export interface KvmRegParts {
  readonly arch: bigint;
  readonly size: number; // bytes
  readonly type: number;
  readonly subtype: number;
  readonly index: number;
}

export function decodeRegId(id: bigint): KvmRegParts {
  return {
    arch: id & KVM_REG_ARCH_MASK,
    size: 1 << Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT),
    type: Number((id & KVM_REG_RISCV_TYPE_MASK) >> KVM_REG_RISCV_TYPE_SHIFT),
    subtype: Number((id & KVM_REG_RISCV_SUBTYPE_MASK) >> KVM_REG_RISCV_SUBTYPE_SHIFT),
    index: Number(id & 0xffffn),
  };
}

export function formatRegId(id: bigint): string {
  return `0x${BigInt.asUintN(64, id).toString(16).padStart(16, '0')}`;
}
