/**
 * The contracts between the SBI dispatcher, its extension modules and the
 * platform that hosts them (built-in firmware, kvm-api's in-kernel part, a
 * VMM handling forwarded calls, or a test double).
 */
import type { SbiSpecVersion } from './spec';

/** The registers of one ECALL: a7 (EID), a6 (FID) and a0-a5, as 64-bit register values. */
export interface SbiCall {
  readonly eid: bigint;
  readonly fid: bigint;
  readonly args: readonly bigint[];
}

/**
 * What the caller of `Sbi.call` must do to the hart that made the ECALL.
 * - `return`: a0 = error (sign-extended), a1 = value, then sepc/pc past the ECALL.
 * - `legacy`: a0 = value only; a1 is preserved (SBI spec, "Legacy Extensions").
 * - `none`: the platform already took the hart over (hart_stop, system reset,
 *   non-retentive suspend): leave its registers and pc alone.
 * - `trap`: an access on the supervisor's behalf faulted; deliver this trap to
 *   the supervisor with sepc at the ECALL (SBI spec, "Legacy Extensions").
 * - `forward`: the routing policy hands this call to another layer (KVM's
 *   KVM_EXIT_RISCV_SBI); nothing was done here.
 */
export type SbiOutcome =
  | { readonly kind: 'return'; readonly error: number; readonly value: bigint }
  | { readonly kind: 'legacy'; readonly value: bigint }
  | { readonly kind: 'none' }
  | { readonly kind: 'trap'; readonly cause: number; readonly tval: bigint }
  | { readonly kind: 'forward' };

/**
 * Guest memory as the SBI implementation sees it: (guest-)physical addresses.
 * Implementations never throw: an address that is not accessible memory is
 * reported by `undefined` / `false`.
 */
export interface SbiGuestMemory {
  /** Reads `length` bytes at `pa`; undefined if any byte is not accessible memory. */
  read(pa: bigint, length: number): Uint8Array | undefined;
  /** Writes `data` at `pa`; false (and nothing written) if any byte is not writable memory. */
  write(pa: bigint, data: Uint8Array): boolean;
  /**
   * Whether every byte of [pa, pa + length) is memory the supervisor may read
   * (or write, when `write`), without touching it: big ranges are checked whole
   * before any part is used (SBI spec, "Shared memory physical address range parameter").
   */
  accessible(pa: bigint, length: bigint, write: boolean): boolean;
}

/** Names of the extension modules. KVM's SBI_EXT register ids map onto these. */
export type SbiExtensionName =
  | 'legacy' | 'base' | 'time' | 'ipi' | 'rfence' | 'hsm' | 'srst' | 'pmu' | 'dbcn'
  | 'susp' | 'sta' | 'fwft' | 'experimental' | 'vendor';

/** What a handler may ask of the dispatcher while it handles one call. */
export interface SbiCallContext {
  /** The hart that made the ECALL. */
  readonly hartId: number;
  readonly version: SbiSpecVersion;
  /** Every hart the supervisor may name, ascending. */
  readonly hartIds: readonly number[];
  isHart(id: bigint): boolean;
  /** BASE.probe_extension's answer for an EID under the current version and enables. */
  probe(eid: number): bigint;
  /** Reports a firmware event (SBI_PMU_FW_*) that happened on `hartId`, for the PMU's firmware counters. */
  firmwareEvent(code: number, hartId: number): void;
  readonly impl: SbiImplementation;
}

/** The identity BASE reports (SBI spec, BASE FIDs 1, 2, 4-6). */
export interface SbiImplementation {
  readonly id: number;
  readonly version: bigint;
  readonly mvendorid: bigint;
  readonly marchid: bigint;
  readonly mimpid: bigint;
}

/** One extension module. */
export interface SbiExtension {
  readonly name: SbiExtensionName;
  /** Whether this module answers the EID (a single EID, the legacy EIDs, or a range). */
  owns(eid: number): boolean;
  /** probe_extension's value while enabled (the spec's default is 1). */
  probe?(ctx: SbiCallContext, eid: number): bigint;
  /** Handles one call. `fid` is already checked against the spec version. Never throws for guest input. */
  handle(ctx: SbiCallContext, eid: number, fid: number, args: readonly bigint[]): SbiOutcome;
  /** Observes firmware events reported by other modules (the PMU counts them). */
  onFirmwareEvent?(code: number, hartId: number): void;
  /** Per-hart state reset (hart start / system reset), when the module keeps any. */
  resetHart?(hartId: number): void;
  getState?(): unknown;
  setState?(state: unknown): void;
}

/** Where a call goes: handled by these modules, or forwarded (see kvm-split.ts). */
export type SbiRoute = 'handle' | 'forward';
export type SbiRouter = (eid: number, fid: number, args: readonly bigint[]) => SbiRoute;
