/**
 * Paging modes as data. Priv spec "Sv39/Sv48/Sv57" and H extension "Guest Physical
 * Address Translation": SvNNx4 is SvNN with two widen bits on the root level only,
 * so its root table has 2048 entries (16 KiB, 16 KiB-aligned). A further mode is a new row.
 */
export interface PagingMode {
  /** The spec's name for the mode. */
  readonly name: string;
  /** The MODE field value in satp/vsatp (single stage) or hgatp (G-stage). */
  readonly mode: number;
  /** 'single' for satp/vsatp rows, 'g' for hgatp rows. */
  readonly stage: 'single' | 'g';
  /** Number of page-table levels. */
  readonly levels: number;
  /** Index bits per level (VPN[i] width). */
  readonly vpnBits: number;
  /** Extra index bits on the root level (2 for the x4 G-stage modes). */
  readonly widenBits: number;
  /** PTE size in bytes. */
  readonly pteBytes: number;
  /** Width of the translated address: the VA width (single) or GPA width (G-stage). */
  readonly addrBits: number;
}

function row(name: string, mode: number, stage: 'single' | 'g', levels: number, widenBits: number): PagingMode {
  const vpnBits = 9;
  return Object.freeze({ name, mode, stage, levels, vpnBits, widenBits, pteBytes: 8, addrBits: 12 + levels * vpnBits + widenBits });
}

/** Every paging mode of RV64, satp/vsatp modes 8/9/10 and hgatp modes 8/9/10. */
export const PAGING_MODES: readonly PagingMode[] = Object.freeze([
  row('Sv39', 8, 'single', 3, 0),
  row('Sv48', 9, 'single', 4, 0),
  row('Sv57', 10, 'single', 5, 0),
  row('Sv39x4', 8, 'g', 3, 2),
  row('Sv48x4', 9, 'g', 4, 2),
  row('Sv57x4', 10, 'g', 5, 2),
]);

/** Looks up the row for a satp/vsatp (stage 'single') or hgatp (stage 'g') MODE value; undefined for Bare or unsupported. */
export function findPagingMode(stage: 'single' | 'g', mode: number): PagingMode | undefined {
  for (const m of PAGING_MODES) if (m.stage === stage && m.mode === mode) return m;
  return undefined;
}
