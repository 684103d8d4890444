/**
 * Spec constants for address translation, spelled as the privileged spec spells them.
 * Priv spec: "Sv39: Page-Based 39-bit Virtual-Memory System" (PTE format), "Hypervisor
 * Extension: Two-Stage Address Translation", "Physical Memory Protection".
 */

// PTE bits (low word). Priv spec, Sv39 "Page Table Entry" figure.
export const PTE_V = 1 << 0;
export const PTE_R = 1 << 1;
export const PTE_W = 1 << 2;
export const PTE_X = 1 << 3;
export const PTE_U = 1 << 4;
export const PTE_G = 1 << 5;
export const PTE_A = 1 << 6;
export const PTE_D = 1 << 7;
/** PTE bits 63:54, counted in the high word (bits 31:22 of the high word). */
export const PTE_HI_N = 1 << 31; // bit 63, Svnapot
export const PTE_HI_PBMT_SHIFT = 29; // bits 62:61, Svpbmt
export const PTE_HI_PBMT_MASK = 3 << 29;
export const PTE_HI_RESERVED = 0x7f << 22; // bits 60:54, reserved for future standard use
export const PTE_HI_PPN_MASK = 0x3fffff; // bits 53:32 of the PTE = PPN bits 43:22

// satp / vsatp / hgatp MODE field values (RV64).
export const SATP_MODE_BARE = 0;
export const SATP_MODE_SV39 = 8;
export const SATP_MODE_SV48 = 9;
export const SATP_MODE_SV57 = 10;
export const HGATP_MODE_BARE = 0;
export const HGATP_MODE_SV39X4 = 8;
export const HGATP_MODE_SV48X4 = 9;
export const HGATP_MODE_SV57X4 = 10;

// Privilege levels.
export const PRV_U = 0;
export const PRV_S = 1;
export const PRV_M = 3;

// Exception causes. Priv spec, "Machine Cause Register" table; H extension for 20/21/23.
export const CAUSE_FETCH_ACCESS = 1;
export const CAUSE_LOAD_ACCESS = 5;
export const CAUSE_STORE_ACCESS = 7;
export const CAUSE_FETCH_PAGE_FAULT = 12;
export const CAUSE_LOAD_PAGE_FAULT = 13;
export const CAUSE_STORE_PAGE_FAULT = 15;
export const CAUSE_FETCH_GUEST_PAGE_FAULT = 20;
export const CAUSE_LOAD_GUEST_PAGE_FAULT = 21;
export const CAUSE_STORE_GUEST_PAGE_FAULT = 23;

/**
 * tinst pseudo-instructions for a guest-page fault on an implicit VS-stage PTE access.
 * H extension: "Transformed Instruction or Pseudoinstruction for mtinst or htinst".
 */
export const TINST_PSEUDO_PTE_READ_RV64 = 0x00003000;
export const TINST_PSEUDO_PTE_WRITE_RV64 = 0x00003020;
export const TINST_PSEUDO_PTE_READ_RV32 = 0x00002000;
export const TINST_PSEUDO_PTE_WRITE_RV32 = 0x00002020;

// mstatus / vsstatus bits used by translation (low word).
export const MSTATUS_SUM = 1 << 18;
export const MSTATUS_MXR = 1 << 19;
// menvcfg / henvcfg bits used by translation (high word, i.e. bit - 32).
export const ENVCFG_HI_ADUE = 1 << (61 - 32);
export const ENVCFG_HI_PBMTE = 1 << (62 - 32);

// PMP configuration byte. Priv spec, "Physical Memory Protection CSRs".
export const PMP_R = 0x01;
export const PMP_W = 0x02;
export const PMP_X = 0x04;
export const PMP_A_SHIFT = 3;
export const PMP_A_MASK = 0x18;
export const PMP_A_OFF = 0;
export const PMP_A_TOR = 1;
export const PMP_A_NA4 = 2;
export const PMP_A_NAPOT = 3;
export const PMP_L = 0x80;

/** 2^53: a physical address at or above this is not reachable (access fault, see docs/ARCHITECTURE.md). */
export const PA_LIMIT = 2 ** 53;
export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
