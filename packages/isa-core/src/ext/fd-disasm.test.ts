import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Decoder, type InsnRow } from '../insn-table.js';
import { D_ROWS } from './d.js';
import { F_ROWS } from './f.js';

// objdump -M no-aliases output for F/D words, made by tests/fp-oracle/gen-disasm.mjs.
const lines = readFileSync(new URL('../../../../tests/fp-oracle/disasm.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string]);

const X = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7',
  's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
const F = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3', 'fa4', 'fa5',
  'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'unknown', 'unknown', ''];

/** The operand letters of insn-table.ts that F/D rows use, printed as objdump prints them. */
function format(row: InsnRow, w: number): string {
  const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31, rs3 = w >>> 27;
  const ops = row.fmt.split(',').map((op) => {
    switch (op) {
      case 'D': return F[rd];
      case 'S': return F[rs1];
      case 'T': return F[rs2];
      case 'R': return F[rs3];
      case 'd': return X[rd];
      case 's': return X[rs1];
      case 'm': return RM[(w >>> 12) & 7];
      case 'o(s)': return `${w >> 20}(${X[rs1]})`;
      case 'q(s)': return `${((w >> 20) & ~31) | ((w >>> 7) & 31)}(${X[rs1]})`;
      default: throw new Error(`operand ${op} of ${row.name}`);
    }
  });
  return `${row.name} ${ops.filter((o) => o !== '').join(',')}`;
}

// binutils 2.40 only decodes FCVT.D.S / FCVT.D.W / FCVT.D.WU with rm = 000, but the ISA
// gives them an rm field like every conversion (D extension, "Double-Precision
// Floating-Point Conversion and Move Instructions"), and QEMU executes any valid rm.
const EXACT_CONVERSIONS = new Set(['fcvt.d.s', 'fcvt.d.w', 'fcvt.d.wu']);

describe('F/D rows decode and disassemble as objdump does', () => {
  const decoder = new Decoder([...F_ROWS, ...D_ROWS]);
  it(`${lines.length} reference words`, () => {
    expect(lines.length).toBeGreaterThan(3000);
    const mismatches: string[] = [];
    for (const [hex, text] of lines) {
      const w = Number.parseInt(hex, 16) | 0;
      const row = decoder.find(w);
      const want = text.replace(/\s+#.*$/, '');
      if (want.startsWith('.4byte')) {
        if (row && !(EXACT_CONVERSIONS.has(row.name) && ((w >>> 12) & 7) !== 0)) mismatches.push(`${hex}: decoded as ${row.name}, objdump: ${want}`);
        continue;
      }
      const got = row ? format(row, w) : '(no row)';
      if (got !== want) mismatches.push(`${hex}: got ${got}, objdump: ${want}`);
    }
    expect(mismatches).toEqual([]);
  });
});
