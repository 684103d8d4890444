import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Hart, InstructionClock, PhysicalMemory } from '../index.js';
import { D_ROWS } from './d.js';
import { F_ROWS } from './f.js';

// The soft-float reference vectors (tests/fp-oracle), this time executed as instructions
// by a hart: operand fetch from f/x registers, NaN boxing, rm from the instruction or
// from frm, result write-back (sign extension of 32-bit integer results) and fflags.
const vectors = readFileSync(process.env.FP_VECTORS ?? new URL('../../../../tests/fp-oracle/vectors.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split(' '));

const BASE = 0x8000_0000;
const rows = new Map([...F_ROWS, ...D_ROWS].map((r) => [r.name, r]));
const BOX = 0xffffffff00000000n;

/** Destination and source register files of an operation, from its mnemonic. */
function kinds(op: string): { xDest: boolean; xSrc: boolean; single: boolean; singleDest: boolean } {
  const [base, a, b] = op.split('.') as [string, string, string?];
  const intName = (s?: string): boolean => s === 'w' || s === 'wu' || s === 'l' || s === 'lu';
  if (base === 'fcvt') {
    return { xDest: intName(a), xSrc: intName(b), single: b === 's', singleDest: a === 's' };
  }
  const xDest = base === 'feq' || base === 'flt' || base === 'fle' || base === 'fclass';
  return { xDest, xSrc: false, single: a === 's', singleDest: a === 's' };
}

describe('F/D instructions on a hart against the reference vectors', () => {
  it(`${vectors.length} vectors, with static rm (frm set to another mode) and dynamic rm`, () => {
    const memory = new PhysicalMemory({ ramBase: BASE, ramSize: 1 << 16 });
    const hart = new Hart({ memory, clock: new InstructionClock() });
    const word = new Uint32Array(1);
    const failures: string[] = [];
    vectors.forEach(([op, rmText, a, b, c, res, fl, how], n) => {
      const row = rows.get(op!);
      if (!row) throw new Error(`no row for ${op}`);
      const rm = Number(rmText);
      const k = kinds(op!);
      const hasRm = (row.mask & 0x7000) === 0;
      // As the oracle ran it ('s': static rm, 'd': dyn with frm), else alternately.
      const dynamic = how === 'd' || (how === undefined && n % 2 === 1);
      // rd = f4 (x10 for integer results), rs1 = f1 (x11 for integer sources), rs2 = f2, rs3 = f3
      const rd = k.xDest ? 10 : 4;
      const rs1 = k.xSrc ? 11 : 1;
      let w = row.match | (rd << 7) | (rs1 << 15);
      if ((row.mask & (31 << 20)) === 0) w |= 2 << 20;
      if ((row.mask & (31 << 27)) === 0) w |= 3 << 27;
      if (hasRm) w |= (dynamic ? 7 : rm) << 12;
      word[0] = w >>> 0;
      memory.writeBytes(BASE, new Uint8Array(word.buffer));
      const A = BigInt(`0x${a}`), B = BigInt(`0x${b}`), C = BigInt(`0x${c}`);
      if (k.xSrc) hart.setX(11, A);
      else hart.setF(1, k.single ? BOX | A : A);
      hart.setF(2, k.single ? BOX | B : B);
      hart.setF(3, k.single ? BOX | C : C);
      hart.setF(4, 0n);
      hart.setX(10, 0n);
      hart.setCsr(0x300, 1n << 13n); // FS = Initial
      hart.setCsr(0x001, 0n);
      hart.setCsr(0x002, BigInt(dynamic ? rm : (rm + 2) % 5)); // a static rm must win over frm
      hart.setPc(BigInt(BASE));
      hart.run(1);
      const want = BigInt(`0x${res}`);
      const got = k.xDest ? hart.getX(10) : hart.getF(4);
      const expected = k.xDest ? want : k.singleDest ? BOX | want : want;
      const flags = Number(hart.getCsr(0x001));
      if (hart.getPc() !== BigInt(BASE + 4) || got !== expected || flags !== Number.parseInt(fl!, 16)) {
        failures.push(`${op} rm=${rm}${dynamic ? ' (frm)' : ''} ${a} ${b} ${c}: got ${got.toString(16)} flags ${flags.toString(16)} pc ${hart.getPc().toString(16)}, want ${expected.toString(16)} flags ${fl}`);
      }
    });
    expect(failures.slice(0, 20)).toEqual([]);
  });
});
