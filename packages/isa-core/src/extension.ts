/**
 * The extension interface: how packages add instructions, CSRs and privileged-architecture
 * behaviour to a hart without the core testing for them (`packages/csr-h-ext` implements
 * H 1.0 and H 0.6.1 as two `Extension` objects).
 *
 * Composition, not flags: the hart builds one `PrivHooks` object at construction, starting
 * from the core's M/S/U implementation (priv spec 1.12/1.13) and letting each extension, in
 * order, wrap it: `privHooks(base, hart)` returns the hooks it replaces; a replacement calls
 * `base.x(...)` for the cases it does not change (e.g. H calls the base trap entry when V=0
 * and the trap is not delegated to VS).
 */
import type { Hart } from './hart.js';
import type { InsnRow } from './insn-table.js';
import type { AccessKind } from './defs.js';

/**
 * A CSR (priv spec 2.2). Reads return the low half and leave the high half in `R.hi`
 * (int64.ts). `write` receives the full new value (after CSRRS/CSRRC merging) and applies
 * its own WARL masks; absent `write` = read-only (a write attempt is illegal-instruction).
 * Privilege and read-only checks from the address bits (11:8) are done by `PrivHooks.csrAccess`;
 * `check` adds any extra predicate (counter enables, TVM, FS) and raises itself.
 */
export interface CsrRow {
  readonly addr: number;
  readonly name: string;
  read(h: Hart): number;
  write?(h: Hart, lo: number, hi: number): void;
  check?(h: Hart, write: boolean, insn: number): void;
}

/** The privileged-architecture decision points an extension may replace. */
export interface PrivHooks {
  /**
   * Trap entry (priv spec 3.1.6.1, 3.1.8, 4.1.1): choose the target mode (delegation),
   * write xepc/xcause/xtval and the status stack, set priv/V and pc (vectored for
   * interrupts). `h.pc`/`h.pch` hold the trapping instruction's address. Extra trap
   * detail (guest physical address, transformed instruction, GVA) is in
   * `h.trapGpa`, `h.trapTinst`, `h.trapGva`; the hart clears them after the call.
   */
  enterTrap(h: Hart, cause: number, interrupt: boolean, tvalLo: number, tvalHi: number): void;
  /** MRET (priv spec 3.3.2), including its guards. */
  mret(h: Hart, insn: number): void;
  /** SRET, including TSR (and, under H, VTSR/virtual-instruction). */
  sret(h: Hart, insn: number): void;
  /** WFI guards (TW; H: VTW). Returns normally when WFI may proceed. */
  wfi(h: Hart, insn: number): void;
  /** SFENCE.VMA guards and flush (TVM; H: VTVM, guest ASIDs). */
  sfenceVma(h: Hart, insn: number): void;
  /**
   * The interrupt to take now, as its cause number, or -1 (priv spec 3.1.9: order MEI, MSI,
   * MTI, SEI, SSI, STI; delegation and global enables). Called between instructions.
   */
  pendingInterrupt(h: Hart): number;
  /** mip bits that may wake WFI (pending & enabled regardless of global enables). */
  wakeMask(h: Hart): number;
  /**
   * CSR access: privilege and read-only checks, V=1 redirection (sstatus -> vsstatus), and
   * the illegal vs virtual-instruction decision. Returns the row to use or raises.
   */
  csrAccess(h: Hart, addr: number, write: boolean, insn: number): CsrRow;
  /** Counter read gate (mcounteren/scounteren; H: hcounteren). `bit` = 0 CY, 1 TM, 2 IR, 3..31 HPM. */
  counterAccess(h: Hart, bit: number, insn: number): void;
  /** Raises illegal-instruction when FP state is Off (mstatus.FS; H: also vsstatus.FS when V=1). */
  fsCheck(h: Hart, insn: number): void;
  /** Marks FP state Dirty (mstatus.FS; H: also vsstatus.FS when V=1). */
  fsDirty(h: Hart): void;
  /** Effective privilege for data accesses (MPRV) as `priv | (virt ? 4 : 0)` (the hart adds SUM/MXR as bits 3, 4 of its cache key). */
  dataMode(h: Hart): number;
  /**
   * Translate a virtual address for an access in `mode` (`priv | virt<<2`, plus SUM<<3 | MXR<<4
   * for data accesses: use `mode & 3` and `mode & 4`) on a TLB miss.
   * Returns the physical address (a JS number) or raises the page/guest-page/access fault.
   * The result may be cached by the hart per 4 KiB page until `h.flushTlb()`.
   */
  translate(h: Hart, vaLo: number, vaHi: number, access: AccessKind, mode: number): number;
  /** Timer comparisons and other periodic state (Sstc stimecmp; H: vstimecmp). Called at least every slice and on time/mip reads. */
  poll(h: Hart): void;
}

/** Save/restore of an extension's per-hart state (plain JSON-able data). */
export interface ExtensionState {
  save(h: Hart): unknown;
  restore(h: Hart, state: unknown): void;
}

/** Something that plugs into a hart: H, AIA CSRs, vendor extensions, FP (F/D rows). */
export interface Extension {
  /** Lowercase ISA-string name ('h', 'smaia', 'f'). */
  readonly name: string;
  /** misa letter this extension sets (e.g. 'H'), if any. */
  readonly misaLetter?: string;
  /** Instruction rows (their `ext` names should include this extension's name). */
  readonly instructions?: readonly InsnRow[];
  /** Per-hart setup (allocate state). Called once, after the core CSRs exist. */
  attach?(h: Hart): void;
  /** CSR rows; rows replace the core's row at the same address (read the old one via `h.csrRow(addr)` to wrap it). */
  csrs?(h: Hart): readonly CsrRow[];
  /** Wrap the privileged-architecture hooks. */
  privHooks?(base: PrivHooks, h: Hart): Partial<PrivHooks>;
  /** Reset to the architectural reset state (priv spec 3.4). */
  reset?(h: Hart): void;
  /** Hart state save/restore for this extension. */
  state?: ExtensionState;
  /**
   * Earliest hart-internal timer this extension keeps, in clock ticks (e.g. H's vstimecmp,
   * converted from guest time), or Infinity; `Hart.nextTimerDeadline` takes the minimum.
   */
  nextTimerDeadline?(h: Hart): number;
}
