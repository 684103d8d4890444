/**
 * Per-vCPU exit counters, named as Linux KVM RISC-V names them (arch/riscv/kvm/vcpu.c,
 * kvm_vcpu_stats_desc: what `kvm_stat` and the binary stats fd show), plus the counters only
 * a single-threaded kvm-api has, marked below.
 */
export const KVM_VCPU_STATS = [
  /** Every trap from the guest into kvm-api (KVM: every guest exit). */
  'exits',
  /** ECALLs from VS: SBI calls, whether kvm-api answered them or the VMM did. */
  'ecall_exit_stat',
  /** WFIs with nothing pending: the vCPU went to sleep. */
  'wfi_exit_stat',
  /** WRS.NTO/STO (Zawrs): not offered, always 0. */
  'wrs_exit_stat',
  /** Guest-page faults outside the slots that came to the VMM as KVM_EXIT_MMIO. */
  'mmio_exit_user',
  /** MMIO emulated inside kvm-api (the in-kernel AIA's APLIC and IMSIC pages). */
  'mmio_exit_kernel',
  /** CSR accesses that came to the VMM as KVM_EXIT_RISCV_CSR (seed). */
  'csr_exit_user',
  /** CSR accesses emulated inside kvm-api. */
  'csr_exit_kernel',
  /** run() ended by kick() (KVM: a pending signal, KVM_EXIT_INTR). */
  'signal_exits',
  /** Illegal/virtual instructions given back to the guest as illegal-instruction. */
  'instr_illegal_exits',
  'load_misaligned_exits',
  'store_misaligned_exits',
  /** Loads and stores the guest gets back as access faults. */
  'load_access_exits',
  'store_access_exits',
] as const;

/** Counters kvm-api adds (no KVM counterpart). */
export const TSVISOR_VCPU_STATS = [
  /** SBI calls forwarded to the VMM (KVM_EXIT_RISCV_SBI); also counted in ecall_exit_stat. */
  'sbi_exit_user',
  /** run() returned because its instruction budget ran out (the VMM's event loop gets a turn). */
  'budget_exits',
] as const;

export type VcpuStatName = (typeof KVM_VCPU_STATS)[number] | (typeof TSVISOR_VCPU_STATS)[number];
export type VcpuStats = Record<VcpuStatName, number>;

export function emptyVcpuStats(): VcpuStats {
  const s = {} as VcpuStats;
  for (const n of [...KVM_VCPU_STATS, ...TSVISOR_VCPU_STATS]) s[n] = 0;
  return s;
}
