// The self-checking programs together contain every instruction the task names, and each
// trap class has a program that provokes it (checked by name in the program's output).
import { describe, expect, it } from 'vitest';
import { REQUIRED, ZICOND_WORDS, disassembledMnemonics } from '../src/coverage.js';
import { elfPath } from '../src/env.js';
import { PROGRAMS } from '../src/programs.js';

describe('instruction coverage of tests/baremetal', () => {
  const { mnemonics, words } = disassembledMnemonics(PROGRAMS.map((p) => elfPath(p.name)));
  for (const [ext, list] of Object.entries(REQUIRED)) {
    it(`${ext}: every instruction appears in a program`, () => {
      expect(list.filter((m) => !mnemonics.has(m))).toEqual([]);
    });
  }
  it('Zicond: both instructions appear (as words)', () => {
    expect(Object.entries(ZICOND_WORDS).filter(([, w]) => !words.has(w)).map(([n]) => n)).toEqual([]);
  });
});
