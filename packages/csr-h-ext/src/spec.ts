/**
 * A Hypervisor-extension specification module: which document and version it follows,
 * and every behaviour that differs between versions, as data. The implementation in
 * `hypervisor.ts` reads these fields; it never tests a version string.
 *
 * Adding another draft means writing one more object of this type (see
 * `versions/h-0.6.1.ts` for one built by overriding the 1.0 module).
 */
export type SpecStatus = 'ratified' | 'frozen' | 'draft';

/**
 * When V=1 blocks an instruction, which exception results.
 * - `coarse` (0.6.1, "Virtual Instruction" list): every access to an implemented hypervisor or
 *   VS CSR from V=1 is a virtual-instruction exception whatever the access, every VU-mode WFI is,
 *   and VU counter accesses are checked against hcounteren only.
 * - `hs-qualified` (1.0, "Synchronous Exceptions"): only instructions that HS-mode could execute
 *   (with mstatus.TSR=TVM=0) give a virtual-instruction exception; e.g. a write to the read-only
 *   hgeip from VS-mode is an illegal-instruction exception, VU WFI is virtual only when TW=0,
 *   and VU counter accesses are also gated by scounteren.
 */
export type VirtualInstructionRule = 'coarse' | 'hs-qualified';

/**
 * Which hvip bits a write can change.
 * - `follows-hideleg`: 0.6.1 text: "The bit positions writable in hideleg shall also be writable
 *   in hvip" - read (as the KVM-era implementations did) as the bits currently set in hideleg.
 * - `vs-bits`: 1.0: "Bits VSEIP, VSTIP, and VSSIP of hvip are writable", independent of hideleg.
 */
export type HvipWritableRule = 'follows-hideleg' | 'vs-bits';

/** The data a `hypervisor(spec)` extension is built from. */
export interface HypervisorSpec {
  /** Version of this interface, so a consumer can tell module shapes apart. */
  readonly specificationVersion: 'h-spec-v1';
  /** The document this module follows. */
  readonly spec: string;
  /** The chapter's own version string, e.g. '1.0' or '0.6.1'. */
  readonly version: string;
  readonly status: SpecStatus;
  /** Where the text lives (tag or commit of the RISC-V ISA manual repository). */
  readonly source: string;

  /** (1) virtual-instruction trigger rule. */
  readonly virtualInstruction: VirtualInstructionRule;
  /** (2) hvip writable mask rule. */
  readonly hvipWritable: HvipWritableRule;
  /**
   * (3) hstatus.GVA / mstatus.GVA also set for breakpoint and address-misaligned traps that
   * write a guest virtual address to xtval (0.6.2 onwards); before, only for access, page and
   * guest-page faults.
   */
  readonly gvaOnMisalignedAndBreakpoint: boolean;
  /** (4) hedeleg bits that are read-only zero (bit 10, ecall from VS, joined in 1.0-rc). */
  readonly hedelegReadOnlyZero: bigint;
  /** (5a) hideleg bits that are writable (bits 15:0; 10, 6, 2 in both versions). */
  readonly hidelegWritable: bigint;
  /**
   * (5b) 1.0 ("Machine Interrupt Delegation Register"): a bit that is 0 in mideleg makes the
   * same bit of hideleg, hip and hie read-only zero. 0.6.1 has no such rule.
   */
  readonly midelegMasksHideleg: boolean;
  /** (6) henvcfg/henvcfgh exist (1.0); without them an access is an illegal instruction. */
  readonly henvcfg: boolean;
  /** Writable henvcfg bits when present (FIOM, PBMTE, STCE, ADUE as the hart supports them: STCE needs Sstc, ADUE Svadu). */
  readonly henvcfgFields: readonly ('FIOM' | 'PBMTE' | 'STCE' | 'ADUE' | 'CBIE' | 'CBCFE' | 'CBZE')[];
  /** (7) hgatp.MODE values accepted on RV64 (Sv57x4 = 10 is defined in 1.0, reserved before). */
  readonly hgatpModes: readonly number[];
  /**
   * (8) 1.0 ("hgatp", "vsatp", "Hypervisor Virtual-Machine Load and Store Instructions"): hgatp
   * and vsatp count as *active* for HLV/HLVX/HSV, and the G-stage walk begins only when the
   * effective privilege is VS or VU. 0.6.1 states neither. An interpreter without speculation
   * behaves the same either way; the flag documents the difference and gates no code path.
   */
  readonly hlvActiveRule: 'stated' | 'unstated';
  /** The tinst table knows FLH/FSH (added in 1.0 with Zfh). Our harts have no Zfh, so data only. */
  readonly tinstHalfFloat: boolean;
}
