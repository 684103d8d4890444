/**
 * What `Vcpu.run()` returns: one variant per KVM_EXIT_* reason RISC-V uses
 * (include/uapi/linux/kvm.h, struct kvm_run). Like kvm_run, an exit object is
 * shared with the next run(): fill `data` of an MMIO read or `ret` of an SBI
 * exit before calling run() again.
 */
import type { KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_INTR, KVM_EXIT_MMIO, KVM_EXIT_RISCV_CSR, KVM_EXIT_RISCV_SBI, KVM_EXIT_SYSTEM_EVENT } from './defs';

/** KVM_EXIT_MMIO: a guest load or store to a guest-physical address no memory slot covers. */
export interface MmioExit {
  readonly reason: 'mmio';
  readonly exitReason: typeof KVM_EXIT_MMIO;
  readonly physAddr: bigint;
  readonly len: 1 | 2 | 4 | 8;
  readonly isWrite: boolean;
  /** Little-endian bytes: the stored value for a write; for a read, fill it before the next run(). */
  readonly data: Uint8Array;
}

/** KVM_EXIT_RISCV_SBI: an SBI call KVM leaves to the VMM (console, DBCN, SUSP, experimental/vendor). */
export interface SbiExit {
  readonly reason: 'riscv-sbi';
  readonly exitReason: typeof KVM_EXIT_RISCV_SBI;
  readonly extensionId: number;
  readonly functionId: number;
  /** a0..a5 as the guest passed them. */
  readonly args: readonly bigint[];
  /** a0, a1 for the guest; ret[0] is preset to SBI_ERR_NOT_SUPPORTED. Copied into a0/a1 on the next run(). */
  readonly ret: [bigint, bigint];
}

/** KVM_EXIT_SYSTEM_EVENT: shutdown, reset or suspend requested by the guest. */
export interface SystemEventExit {
  readonly reason: 'system-event';
  readonly exitReason: typeof KVM_EXIT_SYSTEM_EVENT;
  /** KVM_SYSTEM_EVENT_SHUTDOWN / RESET / SUSPEND. */
  readonly type: number;
  /** data[0] is the SBI reset reason. */
  readonly data: readonly bigint[];
}

/** KVM_EXIT_RISCV_CSR: a CSR access KVM does not emulate (Linux: only `seed`). */
export interface CsrExit {
  readonly reason: 'riscv-csr';
  readonly exitReason: typeof KVM_EXIT_RISCV_CSR;
  readonly csrNum: number;
  readonly newValue: bigint;
  readonly writeMask: bigint;
  /** The value the guest's CSR instruction reads; fill it before the next run(). */
  retValue: bigint;
}

/**
 * KVM_EXIT_INTR: run() returned without a guest request. `cause` says why:
 * - 'kick': `vcpu.kick()` was called (a signal, in Linux);
 * - 'budget': the instruction budget of this run() was used up (the VMM's event loop gets a turn);
 * - 'wfi': the guest waits for an interrupt (Linux blocks inside KVM_RUN; a single-threaded
 *   VMM must wait outside instead). `wakeAt` is the guest timer's deadline in clock ticks, if armed;
 * - 'stopped': the vCPU stopped itself (SBI HSM hart_stop); run() refuses until it is started again.
 */
export interface IntrExit {
  readonly reason: 'intr';
  readonly exitReason: typeof KVM_EXIT_INTR;
  readonly cause: 'kick' | 'budget' | 'wfi' | 'stopped';
  readonly wakeAt?: number;
}

/** KVM_EXIT_INTERNAL_ERROR: the guest did something KVM cannot emulate (e.g. an AMO or FP access to MMIO). */
export interface InternalErrorExit {
  readonly reason: 'internal-error';
  readonly exitReason: typeof KVM_EXIT_INTERNAL_ERROR;
  /** KVM_INTERNAL_ERROR_EMULATION. */
  readonly suberror: number;
  readonly message: string;
  /** Guest pc and instruction bits at the failure. */
  readonly pc: bigint;
  readonly insn: number;
}

export type VcpuExit = MmioExit | SbiExit | SystemEventExit | CsrExit | IntrExit | InternalErrorExit;
