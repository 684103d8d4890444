/**
 * Hypervisor-extension constants, spelled as the spec spells them
 * (ISA manual, Privileged Architecture: "Hypervisor Extension" and "CSR Listing").
 * CSR values are 64-bit `bigint`s here: CSR accesses are off the hot path.
 */

// ---- CSR numbers ("Hypervisor and Virtual Supervisor CSRs" table) ----
export const CSR_HSTATUS = 0x600;
export const CSR_HEDELEG = 0x602;
export const CSR_HIDELEG = 0x603;
export const CSR_HIE = 0x604;
export const CSR_HTIMEDELTA = 0x605;
export const CSR_HCOUNTEREN = 0x606;
export const CSR_HGEIE = 0x607;
export const CSR_HENVCFG = 0x60a;
export const CSR_HEDELEGH = 0x612;
export const CSR_HIDELEGH = 0x613;
export const CSR_HTIMEDELTAH = 0x615;
export const CSR_HENVCFGH = 0x61a;
export const CSR_HTVAL = 0x643;
export const CSR_HIP = 0x644;
export const CSR_HVIP = 0x645;
export const CSR_HTINST = 0x64a;
export const CSR_HGATP = 0x680;
export const CSR_HCONTEXT = 0x6a8;
export const CSR_HGEIP = 0xe12;

export const CSR_VSSTATUS = 0x200;
export const CSR_VSIE = 0x204;
export const CSR_VSTVEC = 0x205;
export const CSR_VSSCRATCH = 0x240;
export const CSR_VSEPC = 0x241;
export const CSR_VSCAUSE = 0x242;
export const CSR_VSTVAL = 0x243;
export const CSR_VSIP = 0x244;
export const CSR_VSTIMECMP = 0x24d;
export const CSR_VSTIMECMPH = 0x25d;
export const CSR_VSATP = 0x280;

export const CSR_MTINST = 0x34a;
export const CSR_MTVAL2 = 0x34b;

// Supervisor CSRs that have a VS counterpart, and other CSRs H looks at.
export const CSR_SSTATUS = 0x100;
export const CSR_SIE = 0x104;
export const CSR_STVEC = 0x105;
export const CSR_SCOUNTEREN = 0x106;
export const CSR_SENVCFG = 0x10a;
export const CSR_SSCRATCH = 0x140;
export const CSR_SEPC = 0x141;
export const CSR_SCAUSE = 0x142;
export const CSR_STVAL = 0x143;
export const CSR_SIP = 0x144;
export const CSR_STIMECMP = 0x14d;
export const CSR_STIMECMPH = 0x15d;
export const CSR_SATP = 0x180;
export const CSR_MSTATUS = 0x300;
export const CSR_MISA = 0x301;
export const CSR_MEDELEG = 0x302;
export const CSR_MIDELEG = 0x303;
export const CSR_MIE = 0x304;
export const CSR_MCOUNTEREN = 0x306;
export const CSR_MENVCFG = 0x30a;
export const CSR_MIP = 0x344;
export const CSR_CYCLE = 0xc00;
export const CSR_TIME = 0xc01;
export const CSR_INSTRET = 0xc02;
export const CSR_HPMCOUNTER31 = 0xc1f;
export const CSR_CYCLEH = 0xc80;
export const CSR_HPMCOUNTER31H = 0xc9f;

/** The supervisor CSR each VS CSR stands in for while V=1 ("VS CSRs"). */
export const S_TO_VS: ReadonlyMap<number, number> = new Map([
  [CSR_SSTATUS, CSR_VSSTATUS],
  [CSR_SIE, CSR_VSIE],
  [CSR_STVEC, CSR_VSTVEC],
  [CSR_SSCRATCH, CSR_VSSCRATCH],
  [CSR_SEPC, CSR_VSEPC],
  [CSR_SCAUSE, CSR_VSCAUSE],
  [CSR_STVAL, CSR_VSTVAL],
  [CSR_SIP, CSR_VSIP],
  [CSR_STIMECMP, CSR_VSTIMECMP],
  [CSR_STIMECMPH, CSR_VSTIMECMPH],
  [CSR_SATP, CSR_VSATP],
  // AIA (Ssaia, "Interrupts for Virtual Machines"): siselect, sireg, stopei, stopi stand for
  // vsiselect, vsireg, vstopei, vstopi; the rows come from the AIA extension when it is present.
  [0x150, 0x250],
  [0x151, 0x251],
  [0x15c, 0x25c],
  [0xdb0, 0xeb0],
]);

// ---- hstatus (RV64) ----
export const HSTATUS_VSBE = 1n << 5n;
export const HSTATUS_GVA = 1n << 6n;
export const HSTATUS_SPV = 1n << 7n;
export const HSTATUS_SPVP = 1n << 8n;
export const HSTATUS_HU = 1n << 9n;
export const HSTATUS_VGEIN_SHIFT = 12n;
export const HSTATUS_VGEIN = 0x3fn << 12n;
export const HSTATUS_VTVM = 1n << 20n;
export const HSTATUS_VTW = 1n << 21n;
export const HSTATUS_VTSR = 1n << 22n;
export const HSTATUS_VSXL_SHIFT = 32n;
export const HSTATUS_VSXL = 3n << 32n;
export const HSTATUS_HUPMM = 3n << 48n;
/** VSXL encoding for a 64-bit VS-mode, as misa.MXL. */
export const XL_64 = 2n;

// ---- mstatus additions (RV64) ----
export const MSTATUS_SIE = 1n << 1n;
export const MSTATUS_MIE = 1n << 3n;
export const MSTATUS_SPIE = 1n << 5n;
export const MSTATUS_UBE = 1n << 6n;
export const MSTATUS_MPIE = 1n << 7n;
export const MSTATUS_SPP = 1n << 8n;
export const MSTATUS_VS = 3n << 9n;
export const MSTATUS_MPP_SHIFT = 11n;
export const MSTATUS_MPP = 3n << 11n;
export const MSTATUS_FS = 3n << 13n;
export const MSTATUS_XS = 3n << 15n;
export const MSTATUS_MPRV = 1n << 17n;
export const MSTATUS_SUM = 1n << 18n;
export const MSTATUS_MXR = 1n << 19n;
export const MSTATUS_TVM = 1n << 20n;
export const MSTATUS_TW = 1n << 21n;
export const MSTATUS_TSR = 1n << 22n;
export const MSTATUS_UXL = 3n << 32n;
export const MSTATUS_GVA = 1n << 38n;
export const MSTATUS_MPV = 1n << 39n;
export const MSTATUS_SD = 1n << 63n;

// ---- vsstatus: the sstatus view ("Virtual Supervisor Status Register") ----
export const VSSTATUS_WRITABLE =
  MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_VS | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;

// ---- interrupt numbers and bits ----
export const IRQ_SSI = 1;
export const IRQ_VSSI = 2;
export const IRQ_MSI = 3;
export const IRQ_STI = 5;
export const IRQ_VSTI = 6;
export const IRQ_MTI = 7;
export const IRQ_SEI = 9;
export const IRQ_VSEI = 10;
export const IRQ_MEI = 11;
export const IRQ_SGEI = 12;
export const MIP_SSIP = 1n << 1n;
export const MIP_VSSIP = 1n << 2n;
export const MIP_STIP = 1n << 5n;
export const MIP_VSTIP = 1n << 6n;
export const MIP_SEIP = 1n << 9n;
export const MIP_VSEIP = 1n << 10n;
export const MIP_SGEIP = 1n << 12n;
/** hip/hie/hideleg/hvip standard bits 12, 10, 6, 2. */
export const VS_INTERRUPTS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP;
export const HS_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP;

/**
 * Order in which pending-and-enabled interrupts destined for HS-mode are taken
 * ("Hypervisor Interrupt Registers"): SEI, SSI, STI, SGEI, VSEI, VSSI, VSTI.
 * (The M-level interrupts MEI, MSI, MTI come first, as in the base privileged spec.)
 */
export const INTERRUPT_PRIORITY: readonly number[] = [
  11, 3, 7, IRQ_SEI, IRQ_SSI, IRQ_STI, IRQ_SGEI, IRQ_VSEI, IRQ_VSSI, IRQ_VSTI, 13,
];

// ---- exception causes: the same numbers the core uses (priv spec, mcause values) ----
export {
  CAUSE_MISALIGNED_FETCH,
  CAUSE_FETCH_ACCESS,
  CAUSE_ILLEGAL_INSTRUCTION,
  CAUSE_BREAKPOINT,
  CAUSE_MISALIGNED_LOAD,
  CAUSE_LOAD_ACCESS,
  CAUSE_MISALIGNED_STORE,
  CAUSE_STORE_ACCESS,
  CAUSE_USER_ECALL,
  CAUSE_SUPERVISOR_ECALL,
  CAUSE_VIRTUAL_SUPERVISOR_ECALL,
  CAUSE_MACHINE_ECALL,
  CAUSE_FETCH_PAGE_FAULT,
  CAUSE_LOAD_PAGE_FAULT,
  CAUSE_STORE_PAGE_FAULT,
  CAUSE_FETCH_GUEST_PAGE_FAULT,
  CAUSE_LOAD_GUEST_PAGE_FAULT,
  CAUSE_VIRTUAL_INSTRUCTION,
  CAUSE_STORE_GUEST_PAGE_FAULT,
} from '@tsvisor/isa-core';

/** hedeleg bits that must be writable ("Bits of hedeleg that must be writable"): 0-8, 12, 13, 15. */
export const HEDELEG_WRITABLE =
  (1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 3n) | (1n << 4n) | (1n << 5n) | (1n << 6n) |
  (1n << 7n) | (1n << 8n) | (1n << 10n) | (1n << 12n) | (1n << 13n) | (1n << 15n);

// ---- henvcfg ----
export const HENVCFG_FIOM = 1n << 0n;
export const HENVCFG_CBIE = 3n << 4n;
export const HENVCFG_CBCFE = 1n << 6n;
export const HENVCFG_CBZE = 1n << 7n;
export const HENVCFG_ADUE = 1n << 61n;
export const HENVCFG_PBMTE = 1n << 62n;
export const HENVCFG_STCE = 1n << 63n;
export const HENVCFG_FIELDS = {
  FIOM: HENVCFG_FIOM, CBIE: HENVCFG_CBIE, CBCFE: HENVCFG_CBCFE, CBZE: HENVCFG_CBZE,
  ADUE: HENVCFG_ADUE, PBMTE: HENVCFG_PBMTE, STCE: HENVCFG_STCE,
} as const;

// ---- hcounteren ----
export const HCOUNTEREN_CY = 1n << 0n;
export const HCOUNTEREN_TM = 1n << 1n;
export const HCOUNTEREN_IR = 1n << 2n;

// ---- hgatp (RV64) ----
export const HGATP_MODE_SHIFT = 60n;
export const HGATP_VMID_SHIFT = 44n;
export const HGATP_VMID = 0x3fffn << 44n;
export const HGATP_PPN = (1n << 44n) - 1n;
export const HGATP_MODE_BARE = 0;
export const HGATP_MODE_SV39X4 = 8;
export const HGATP_MODE_SV48X4 = 9;
export const HGATP_MODE_SV57X4 = 10;

// ---- satp / vsatp (RV64) ----
export const SATP_MODE_SHIFT = 60n;
export const SATP_ASID = 0xffffn << 44n;
export const SATP_PPN = (1n << 44n) - 1n;

// ---- tinst pseudo-instructions for implicit VS-stage PTE accesses ("Transformed Instruction") ----
export const TINST_PSEUDO_PTE_READ_32 = 0x00002000n;
export const TINST_PSEUDO_PTE_WRITE_32 = 0x00002020n;
export const TINST_PSEUDO_PTE_READ_64 = 0x00003000n;
export const TINST_PSEUDO_PTE_WRITE_64 = 0x00003020n;

// ---- instruction encodings (opcode SYSTEM) ----
export const MATCH_HLV_B = 0x60004073;
export const MATCH_HLV_BU = 0x60104073;
export const MATCH_HLV_H = 0x64004073;
export const MATCH_HLV_HU = 0x64104073;
export const MATCH_HLVX_HU = 0x64304073;
export const MATCH_HLV_W = 0x68004073;
export const MATCH_HLV_WU = 0x68104073;
export const MATCH_HLVX_WU = 0x68304073;
export const MATCH_HLV_D = 0x6c004073;
export const MASK_HLV = 0xfff0707f;
export const MATCH_HSV_B = 0x62004073;
export const MATCH_HSV_H = 0x66004073;
export const MATCH_HSV_W = 0x6a004073;
export const MATCH_HSV_D = 0x6e004073;
export const MASK_HSV = 0xfe007fff;
export const MATCH_HFENCE_VVMA = 0x22000073;
export const MATCH_HFENCE_GVMA = 0x62000073;
export const MASK_HFENCE = 0xfe007fff;

/** misa bit for H. */
export const MISA_H = 1n << 7n;
