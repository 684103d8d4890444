/**
 * Linux KVM constants used by the RISC-V ABI, spelled as include/uapi/linux/kvm.h
 * spells them. Checked against the installed uapi header by onereg.uapi.test.ts.
 */

export const KVM_API_VERSION = 12;

// Exit reasons (struct kvm_run.exit_reason)
export const KVM_EXIT_UNKNOWN = 0;
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_SHUTDOWN = 8;
export const KVM_EXIT_FAIL_ENTRY = 9;
export const KVM_EXIT_INTR = 10;
export const KVM_EXIT_INTERNAL_ERROR = 17;
export const KVM_EXIT_SYSTEM_EVENT = 24;
export const KVM_EXIT_RISCV_SBI = 35;
export const KVM_EXIT_RISCV_CSR = 36;

export const KVM_INTERNAL_ERROR_EMULATION = 1;

// KVM_EXIT_SYSTEM_EVENT types
export const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
export const KVM_SYSTEM_EVENT_RESET = 2;
export const KVM_SYSTEM_EVENT_CRASH = 3;
export const KVM_SYSTEM_EVENT_WAKEUP = 4;
export const KVM_SYSTEM_EVENT_SUSPEND = 5;

// MP states (KVM_GET_MP_STATE / KVM_SET_MP_STATE); RISC-V uses RUNNABLE and STOPPED.
export const KVM_MP_STATE_RUNNABLE = 0;
export const KVM_MP_STATE_STOPPED = 5;

// KVM_INTERRUPT values on RISC-V (arch/riscv/include/uapi/asm/kvm.h)
export const KVM_INTERRUPT_SET = 0xffffffff; // -1U
export const KVM_INTERRUPT_UNSET = 0xfffffffe; // -2U

// Memory region flags
export const KVM_MEM_LOG_DIRTY_PAGES = 1 << 0;
export const KVM_MEM_READONLY = 1 << 1;

// Capabilities (KVM_CHECK_EXTENSION)
export const KVM_CAP_IRQCHIP = 0;
export const KVM_CAP_USER_MEMORY = 3;
export const KVM_CAP_NR_VCPUS = 9;
export const KVM_CAP_NR_MEMSLOTS = 10;
export const KVM_CAP_MP_STATE = 14;
export const KVM_CAP_SYNC_MMU = 16;
export const KVM_CAP_MAX_VCPUS = 66;
export const KVM_CAP_ONE_REG = 70;
export const KVM_CAP_READONLY_MEM = 81;
export const KVM_CAP_DEVICE_CTRL = 89;
export const KVM_CAP_MAX_VCPU_ID = 128;
export const KVM_CAP_IMMEDIATE_EXIT = 136;

// Devices
export const KVM_DEV_TYPE_RISCV_AIA = 11;
