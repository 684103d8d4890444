/** The built-in instruction rows, in table order. Each file is one extension family. */
import type { InsnRow } from '../insn-table.js';
import { I_ROWS } from './i.js';
import { F_ROWS } from './f.js';
import { D_ROWS } from './d.js';

export function builtinRows(): InsnRow[] {
  return [...I_ROWS, ...F_ROWS, ...D_ROWS];
}
