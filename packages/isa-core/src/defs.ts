/**
 * Spec constants, spelled as the specs spell them (priv spec 1.12/1.13, unprivileged ISA 20191213+).
 */

/** Privilege levels (priv spec 1.1). */
export const PRV_U = 0;
export const PRV_S = 1;
export const PRV_M = 3;

/** Exception causes (priv spec 3.1.15, Table "Machine cause register values"). */
export const CAUSE_MISALIGNED_FETCH = 0;
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_ILLEGAL_INSTRUCTION = 2;
export const CAUSE_BREAKPOINT = 3;
export const CAUSE_MISALIGNED_LOAD = 4;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_MISALIGNED_STORE = 6;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_USER_ECALL = 8;
export const CAUSE_SUPERVISOR_ECALL = 9;
export const CAUSE_VIRTUAL_SUPERVISOR_ECALL = 10;
export const CAUSE_MACHINE_ECALL = 11;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;
export const CAUSE_FETCH_GUEST_PAGE_FAULT = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT = 21;
export const CAUSE_VIRTUAL_INSTRUCTION = 22;
export const CAUSE_STORE_GUEST_PAGE_FAULT = 23;

/** Interrupt numbers = mip/mie bit positions. */
export const IRQ_S_SOFT = 1;
export const IRQ_VS_SOFT = 2;
export const IRQ_M_SOFT = 3;
export const IRQ_S_TIMER = 5;
export const IRQ_VS_TIMER = 6;
export const IRQ_M_TIMER = 7;
export const IRQ_S_EXT = 9;
export const IRQ_VS_EXT = 10;
export const IRQ_M_EXT = 11;
export const IRQ_S_GEXT = 12;
export const IRQ_LCOF = 13;

export const MIP_SSIP = 1 << IRQ_S_SOFT;
export const MIP_MSIP = 1 << IRQ_M_SOFT;
export const MIP_STIP = 1 << IRQ_S_TIMER;
export const MIP_MTIP = 1 << IRQ_M_TIMER;
export const MIP_SEIP = 1 << IRQ_S_EXT;
export const MIP_MEIP = 1 << IRQ_M_EXT;
/** Supervisor-level interrupt bits (SSI, STI, SEI). */
export const S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;
export const M_INTERRUPTS = MIP_MSIP | MIP_MTIP | MIP_MEIP;

/** mstatus fields, low word (priv spec 3.1.6). */
export const MSTATUS_SIE = 1 << 1;
export const MSTATUS_MIE = 1 << 3;
export const MSTATUS_SPIE = 1 << 5;
export const MSTATUS_UBE = 1 << 6;
export const MSTATUS_MPIE = 1 << 7;
export const MSTATUS_SPP = 1 << 8;
export const MSTATUS_VS = 3 << 9;
export const MSTATUS_MPP = 3 << 11;
export const MSTATUS_MPP_SHIFT = 11;
export const MSTATUS_FS = 3 << 13;
export const MSTATUS_FS_SHIFT = 13;
export const MSTATUS_XS = 3 << 15;
export const MSTATUS_MPRV = 1 << 17;
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
export const MSTATUS_TVM = 1 << 20;
export const MSTATUS_TW = 1 << 21;
export const MSTATUS_TSR = 1 << 22;
/** mstatus high word (bits 63:32 shifted down by 32). */
export const MSTATUSH_UXL = 3 << 0;
export const MSTATUSH_SXL = 3 << 2;
export const MSTATUSH_SBE = 1 << 4;
export const MSTATUSH_MBE = 1 << 5;
export const MSTATUSH_GVA = 1 << 6;
export const MSTATUSH_MPV = 1 << 7;
export const MSTATUSH_SD = 1 << 31;

/** sstatus view of mstatus (priv spec 4.1.1), low word. */
export const SSTATUS_MASK_LO =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR;

/** satp (priv spec 4.1.11), RV64: MODE 63:60, ASID 59:44, PPN 43:0. */
export const SATP_MODE_BARE = 0;
export const SATP_MODE_SV39 = 8;
export const SATP_MODE_SV48 = 9;
export const SATP_MODE_SV57 = 10;

/** Memory access kinds (translation, PMP, faults). */
export const ACCESS_FETCH = 0;
export const ACCESS_LOAD = 1;
export const ACCESS_STORE = 2;
export type AccessKind = typeof ACCESS_FETCH | typeof ACCESS_LOAD | typeof ACCESS_STORE;

/** CSR numbers used by the core (priv spec 2.2, "CSR Listing"). */
export const CSR = {
  fflags: 0x001, frm: 0x002, fcsr: 0x003,
  cycle: 0xc00, time: 0xc01, instret: 0xc02,
  sstatus: 0x100, sie: 0x104, stvec: 0x105, scounteren: 0x106, senvcfg: 0x10a,
  sscratch: 0x140, sepc: 0x141, scause: 0x142, stval: 0x143, sip: 0x144,
  stimecmp: 0x14d, satp: 0x180,
  mvendorid: 0xf11, marchid: 0xf12, mimpid: 0xf13, mhartid: 0xf14, mconfigptr: 0xf15,
  mstatus: 0x300, misa: 0x301, medeleg: 0x302, mideleg: 0x303, mie: 0x304, mtvec: 0x305,
  mcounteren: 0x306, menvcfg: 0x30a, mcountinhibit: 0x320,
  mscratch: 0x340, mepc: 0x341, mcause: 0x342, mtval: 0x343, mip: 0x344,
  pmpcfg0: 0x3a0, pmpaddr0: 0x3b0,
  mcycle: 0xb00, minstret: 0xb02,
  mhpmcounter3: 0xb03, mhpmevent3: 0x323, hpmcounter3: 0xc03,
} as const;
