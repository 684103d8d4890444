/**
 * F extension rows (owned by the FP engineer; this is the placeholder the core imports).
 * Export the rows as `F_ROWS` using the conventions in ../insn-table.ts.
 */
import type { InsnRow } from '../insn-table.js';

export const F_ROWS: InsnRow[] = [];
