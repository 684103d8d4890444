/** The built-in instruction rows, in table order. Each file is one extension family. */
import type { InsnRow } from '../insn-table.js';
import { I_ROWS } from './i.js';
import { M_ROWS } from './m.js';
import { A_ROWS } from './a.js';
import { C_ROWS } from './c.js';
import { B_ROWS } from './b.js';
import { F_ROWS } from './f.js';
import { D_ROWS } from './d.js';

export function builtinRows(): InsnRow[] {
  return [...I_ROWS, ...M_ROWS, ...A_ROWS, ...F_ROWS, ...D_ROWS, ...C_ROWS, ...B_ROWS];
}
