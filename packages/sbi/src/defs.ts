/**
 * SBI constants, spelled as the SBI specification (and the headers that
 * follow it) spell them. Source: RISC-V SBI specification 3.0,
 * "Binary Encoding" and each extension's chapter.
 */

// --- Standard SBI errors (SBI spec, "Binary Encoding", table "Standard SBI Errors")
export const SBI_SUCCESS = 0;
export const SBI_ERR_FAILED = -1;
export const SBI_ERR_NOT_SUPPORTED = -2;
export const SBI_ERR_INVALID_PARAM = -3;
export const SBI_ERR_DENIED = -4;
export const SBI_ERR_INVALID_ADDRESS = -5;
export const SBI_ERR_ALREADY_AVAILABLE = -6;
export const SBI_ERR_ALREADY_STARTED = -7;
export const SBI_ERR_ALREADY_STOPPED = -8;
export const SBI_ERR_NO_SHMEM = -9;
export const SBI_ERR_INVALID_STATE = -10;
export const SBI_ERR_BAD_RANGE = -11;
export const SBI_ERR_TIMEOUT = -12;
export const SBI_ERR_IO = -13;
export const SBI_ERR_DENIED_LOCKED = -14;

/** Names of the standard errors, for messages and tests. */
export const SBI_ERROR_NAMES: Readonly<Record<number, string>> = {
  [SBI_SUCCESS]: 'SBI_SUCCESS',
  [SBI_ERR_FAILED]: 'SBI_ERR_FAILED',
  [SBI_ERR_NOT_SUPPORTED]: 'SBI_ERR_NOT_SUPPORTED',
  [SBI_ERR_INVALID_PARAM]: 'SBI_ERR_INVALID_PARAM',
  [SBI_ERR_DENIED]: 'SBI_ERR_DENIED',
  [SBI_ERR_INVALID_ADDRESS]: 'SBI_ERR_INVALID_ADDRESS',
  [SBI_ERR_ALREADY_AVAILABLE]: 'SBI_ERR_ALREADY_AVAILABLE',
  [SBI_ERR_ALREADY_STARTED]: 'SBI_ERR_ALREADY_STARTED',
  [SBI_ERR_ALREADY_STOPPED]: 'SBI_ERR_ALREADY_STOPPED',
  [SBI_ERR_NO_SHMEM]: 'SBI_ERR_NO_SHMEM',
  [SBI_ERR_INVALID_STATE]: 'SBI_ERR_INVALID_STATE',
  [SBI_ERR_BAD_RANGE]: 'SBI_ERR_BAD_RANGE',
  [SBI_ERR_TIMEOUT]: 'SBI_ERR_TIMEOUT',
  [SBI_ERR_IO]: 'SBI_ERR_IO',
  [SBI_ERR_DENIED_LOCKED]: 'SBI_ERR_DENIED_LOCKED',
};

// --- Legacy extensions (SBI spec, "Legacy Extensions"): the EID is the function.
export const SBI_EXT_0_1_SET_TIMER = 0x0;
export const SBI_EXT_0_1_CONSOLE_PUTCHAR = 0x1;
export const SBI_EXT_0_1_CONSOLE_GETCHAR = 0x2;
export const SBI_EXT_0_1_CLEAR_IPI = 0x3;
export const SBI_EXT_0_1_SEND_IPI = 0x4;
export const SBI_EXT_0_1_REMOTE_FENCE_I = 0x5;
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA = 0x6;
export const SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID = 0x7;
export const SBI_EXT_0_1_SHUTDOWN = 0x8;

// --- Extension IDs
export const SBI_EXT_BASE = 0x10;
export const SBI_EXT_TIME = 0x54494d45; // "TIME"
export const SBI_EXT_IPI = 0x735049; // "sPI"
export const SBI_EXT_RFENCE = 0x52464e43; // "RFNC"
export const SBI_EXT_HSM = 0x48534d; // "HSM"
export const SBI_EXT_SRST = 0x53525354; // "SRST"
export const SBI_EXT_PMU = 0x504d55; // "PMU"
export const SBI_EXT_DBCN = 0x4442434e; // "DBCN"
export const SBI_EXT_SUSP = 0x53555350; // "SUSP"
export const SBI_EXT_CPPC = 0x43505043; // "CPPC"
export const SBI_EXT_NACL = 0x4e41434c; // "NACL"
export const SBI_EXT_STA = 0x535441; // "STA"
export const SBI_EXT_SSE = 0x535345; // "SSE"
export const SBI_EXT_FWFT = 0x46574654; // "FWFT"
export const SBI_EXT_DBTR = 0x44425452; // "DBTR"
export const SBI_EXT_MPXY = 0x4d505859; // "MPXY"

/** EID ranges set aside by the spec ("Experimental", "Vendor", "Firmware" chapters). */
export const SBI_EXT_EXPERIMENTAL_START = 0x08000000;
export const SBI_EXT_EXPERIMENTAL_END = 0x08ffffff;
export const SBI_EXT_VENDOR_START = 0x09000000;
export const SBI_EXT_VENDOR_END = 0x09ffffff;
export const SBI_EXT_FIRMWARE_START = 0x0a000000;
export const SBI_EXT_FIRMWARE_END = 0x0affffff;

// --- BASE functions
export const SBI_EXT_BASE_GET_SPEC_VERSION = 0;
export const SBI_EXT_BASE_GET_IMP_ID = 1;
export const SBI_EXT_BASE_GET_IMP_VERSION = 2;
export const SBI_EXT_BASE_PROBE_EXT = 3;
export const SBI_EXT_BASE_GET_MVENDORID = 4;
export const SBI_EXT_BASE_GET_MARCHID = 5;
export const SBI_EXT_BASE_GET_MIMPID = 6;

/** SBI implementation IDs (SBI spec, BASE, "SBI Implementation IDs"). */
export const SBI_IMPL_ID_BBL = 0;
export const SBI_IMPL_ID_OPENSBI = 1;
export const SBI_IMPL_ID_XVISOR = 2;
export const SBI_IMPL_ID_KVM = 3;
export const SBI_IMPL_ID_RUSTSBI = 4;
export const SBI_IMPL_ID_DIOSIX = 5;
export const SBI_IMPL_ID_COFFER = 6;
export const SBI_IMPL_ID_XEN = 7;
export const SBI_IMPL_ID_POLARFIRE_HSS = 8;
export const SBI_IMPL_ID_COREBOOT = 9;
export const SBI_IMPL_ID_OREBOOT = 10;
export const SBI_IMPL_ID_BHYVE = 11;

// --- TIME
export const SBI_EXT_TIME_SET_TIMER = 0;

// --- IPI
export const SBI_EXT_IPI_SEND_IPI = 0;

// --- RFENCE
export const SBI_EXT_RFENCE_REMOTE_FENCE_I = 0;
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA = 1;
export const SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID = 2;
export const SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID = 3;
export const SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA = 4;
export const SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA_ASID = 5;
export const SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA = 6;

// --- HSM
export const SBI_EXT_HSM_HART_START = 0;
export const SBI_EXT_HSM_HART_STOP = 1;
export const SBI_EXT_HSM_HART_GET_STATUS = 2;
export const SBI_EXT_HSM_HART_SUSPEND = 3;

/** HSM hart states (SBI spec, HSM, table "HSM Hart States"). */
export const SBI_HSM_STATE_STARTED = 0;
export const SBI_HSM_STATE_STOPPED = 1;
export const SBI_HSM_STATE_START_PENDING = 2;
export const SBI_HSM_STATE_STOP_PENDING = 3;
export const SBI_HSM_STATE_SUSPENDED = 4;
export const SBI_HSM_STATE_SUSPEND_PENDING = 5;
export const SBI_HSM_STATE_RESUME_PENDING = 6;

/** HSM suspend types (SBI spec, HSM, table "HSM Hart Suspend Types"). */
export const SBI_HSM_SUSPEND_RET_DEFAULT = 0x00000000;
export const SBI_HSM_SUSPEND_RET_PLATFORM = 0x10000000;
export const SBI_HSM_SUSPEND_RET_LAST = 0x7fffffff;
export const SBI_HSM_SUSPEND_NON_RET_DEFAULT = 0x80000000;
export const SBI_HSM_SUSPEND_NON_RET_PLATFORM = 0x90000000;
export const SBI_HSM_SUSPEND_NON_RET_LAST = 0xffffffff;

// --- SRST
export const SBI_EXT_SRST_RESET = 0;
export const SBI_SRST_RESET_TYPE_SHUTDOWN = 0;
export const SBI_SRST_RESET_TYPE_COLD_REBOOT = 1;
export const SBI_SRST_RESET_TYPE_WARM_REBOOT = 2;
export const SBI_SRST_RESET_TYPE_VENDOR_START = 0xf0000000;
export const SBI_SRST_RESET_REASON_NONE = 0;
export const SBI_SRST_RESET_REASON_SYSFAIL = 1;
export const SBI_SRST_RESET_REASON_SBI_START = 0xe0000000;
export const SBI_SRST_RESET_REASON_VENDOR_START = 0xf0000000;

// --- PMU (function IDs only: see README, PMU is not in the default set)
export const SBI_EXT_PMU_NUM_COUNTERS = 0;
export const SBI_EXT_PMU_COUNTER_GET_INFO = 1;
export const SBI_EXT_PMU_COUNTER_CFG_MATCH = 2;
export const SBI_EXT_PMU_COUNTER_START = 3;
export const SBI_EXT_PMU_COUNTER_STOP = 4;
export const SBI_EXT_PMU_COUNTER_FW_READ = 5;
export const SBI_EXT_PMU_COUNTER_FW_READ_HI = 6;
export const SBI_EXT_PMU_SNAPSHOT_SET_SHMEM = 7;
export const SBI_EXT_PMU_EVENT_GET_INFO = 8;

// --- DBCN
export const SBI_EXT_DBCN_CONSOLE_WRITE = 0;
export const SBI_EXT_DBCN_CONSOLE_READ = 1;
export const SBI_EXT_DBCN_CONSOLE_WRITE_BYTE = 2;

// --- SUSP
export const SBI_EXT_SUSP_SYSTEM_SUSPEND = 0;
export const SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM = 0;
export const SBI_SUSP_PLATFORM_SLEEP_START = 0x80000000;

// --- CPPC / NACL (function IDs; not implemented, see README)
export const SBI_EXT_CPPC_PROBE = 0;
export const SBI_EXT_CPPC_READ = 1;
export const SBI_EXT_CPPC_READ_HI = 2;
export const SBI_EXT_CPPC_WRITE = 3;
export const SBI_EXT_NACL_PROBE_FEATURE = 0;
export const SBI_EXT_NACL_SET_SHMEM = 1;
export const SBI_EXT_NACL_SYNC_CSR = 2;
export const SBI_EXT_NACL_SYNC_HFENCE = 3;
export const SBI_EXT_NACL_SYNC_SRET = 4;

// --- STA
export const SBI_EXT_STA_STEAL_TIME_SET_SHMEM = 0;
/** Offsets in the 64-byte steal-time record (SBI spec, STA, "STA Shared Memory Structure"). */
export const SBI_STA_SHMEM_SEQUENCE = 0;
export const SBI_STA_SHMEM_FLAGS = 4;
export const SBI_STA_SHMEM_STEAL = 8;
export const SBI_STA_SHMEM_PREEMPTED = 16;
export const SBI_STA_SHMEM_SIZE = 64;

// --- FWFT
export const SBI_EXT_FWFT_SET = 0;
export const SBI_EXT_FWFT_GET = 1;
export const SBI_FWFT_MISALIGNED_EXC_DELEG = 0;
export const SBI_FWFT_LANDING_PAD = 1;
export const SBI_FWFT_SHADOW_STACK = 2;
export const SBI_FWFT_DOUBLE_TRAP = 3;
export const SBI_FWFT_PTE_AD_HW_UPDATING = 4;
export const SBI_FWFT_POINTER_MASKING_PMLEN = 5;
export const SBI_FWFT_LOCAL_RESERVED_START = 0x6;
export const SBI_FWFT_LOCAL_PLATFORM_START = 0x40000000;
export const SBI_FWFT_GLOBAL_RESERVED_START = 0x80000000;
export const SBI_FWFT_GLOBAL_PLATFORM_START = 0xc0000000;
export const SBI_FWFT_SET_FLAG_LOCK = 1;

// --- SSE / DBTR / MPXY function counts (3.0), used by the version tables
export const SBI_EXT_SSE_FID_COUNT = 10; // read_attrs .. hart_mask
export const SBI_EXT_DBTR_FID_COUNT = 8; // num_triggers .. disable_triggers
export const SBI_EXT_MPXY_FID_COUNT = 8; // get_shmem_size .. get_notifications

/** PMU firmware event codes (SBI spec, PMU, "PMU Firmware Events"). */
export const SBI_PMU_FW_SET_TIMER = 5;
export const SBI_PMU_FW_IPI_SENT = 6;
export const SBI_PMU_FW_IPI_RECEIVED = 7;
export const SBI_PMU_FW_MISALIGNED_LOAD = 0;
export const SBI_PMU_FW_MISALIGNED_STORE = 1;
export const SBI_PMU_FW_ACCESS_LOAD = 2;
export const SBI_PMU_FW_ACCESS_STORE = 3;
export const SBI_PMU_FW_ILLEGAL_INSN = 4;
export const SBI_PMU_FW_FENCE_I_SENT = 8;
export const SBI_PMU_FW_FENCE_I_RECEIVED = 9;
export const SBI_PMU_FW_SFENCE_VMA_SENT = 10;
export const SBI_PMU_FW_SFENCE_VMA_RECEIVED = 11;
export const SBI_PMU_FW_SFENCE_VMA_ASID_SENT = 12;
export const SBI_PMU_FW_SFENCE_VMA_ASID_RECEIVED = 13;
export const SBI_PMU_FW_HFENCE_GVMA_SENT = 14;
export const SBI_PMU_FW_HFENCE_GVMA_RECEIVED = 15;
export const SBI_PMU_FW_HFENCE_GVMA_VMID_SENT = 16;
export const SBI_PMU_FW_HFENCE_GVMA_VMID_RECEIVED = 17;
export const SBI_PMU_FW_HFENCE_VVMA_SENT = 18;
export const SBI_PMU_FW_HFENCE_VVMA_RECEIVED = 19;
export const SBI_PMU_FW_HFENCE_VVMA_ASID_SENT = 20;
export const SBI_PMU_FW_HFENCE_VVMA_ASID_RECEIVED = 21;
export const SBI_PMU_FW_PLATFORM = 0xffff;
/** event_idx.type of firmware events (SBI spec, PMU, "Event: Firmware events"). */
export const SBI_PMU_EVENT_TYPE_FW = 0xf;
export const SBI_PMU_CFG_FLAG_SKIP_MATCH = 1 << 0;
export const SBI_PMU_CFG_FLAG_CLEAR_VALUE = 1 << 1;
export const SBI_PMU_CFG_FLAG_AUTO_START = 1 << 2;
export const SBI_PMU_START_SET_INIT_VALUE = 1 << 0;
export const SBI_PMU_START_FLAG_INIT_SNAPSHOT = 1 << 1;
export const SBI_PMU_STOP_FLAG_RESET = 1 << 0;
export const SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT = 1 << 1;
