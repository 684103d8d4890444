import { describe, expect, it } from 'vitest';
import { decodePte, formatPte, listMappings } from './index.js';
import { LEAF, PageTableBuilder, RWX, SparseRam, URWX, pte } from './test/index.js';

describe('decodePte / formatPte', () => {
  it('decodes every field', () => {
    const v = pte(0x80001, URWX | LEAF | 0x20 | 0x300, (1n << 9n) | (2n << 7n));
    expect(decodePte(v)).toEqual({ v: true, r: true, w: true, x: true, u: true, g: true, a: true, d: true, rsw: 3, ppn: 0x80001n, pbmt: 2, n: true, reserved: 0, pointer: false });
    expect(formatPte(v)).toBe('VRWXUGAD ppn=0x80001 N pbmt=IO');
    expect(formatPte(pte(0x123, 1))).toBe('V------- ppn=0x123');
    expect(decodePte(pte(0x123, 1)).pointer).toBe(true);
  });
});

describe('listMappings', () => {
  it('lists leaves of each size in address order, sign-extending high VAs', () => {
    const ram = new SparseRam();
    const pt = new PageTableBuilder(ram, 'single', 8, 0x8000_0000);
    pt.map(0x1000n, 0x9000_0000, RWX | LEAF);
    pt.map(0x4020_0000n, 0x9020_0000, RWX | LEAF, 1);
    pt.map(0xffff_ffc0_0000_0000n, 0x8000_0000, RWX | LEAF, 2);
    const m = listMappings({ memory: ram, stage: 'single', mode: 8, rootPpn: 0x80000n });
    expect(m.map((x) => [x.va, x.size, x.pa, x.level])).toEqual([
      [0x1000n, 0x1000n, 0x9000_0000n, 0],
      [0x4020_0000n, 0x20_0000n, 0x9020_0000n, 1],
      [0xffff_ffc0_0000_0000n, 0x4000_0000n, 0x8000_0000n, 2],
    ]);
  });

  it('G-stage tables use the 2048-entry root', () => {
    const ram = new SparseRam();
    const g = new PageTableBuilder(ram, 'g', 8, 0x8010_0000);
    g.map(1n << 40n, 0x9000_0000, URWX | LEAF);
    const m = listMappings({ memory: ram, stage: 'g', mode: 8, rootPpn: 0x80100n + 3n });
    expect(m.map((x) => x.va)).toEqual([1n << 40n]);
  });

  it('a table pointing at itself ends, within the limit', () => {
    const ram = new SparseRam();
    for (let i = 0; i < 512; i++) ram.write64(0x8000_0000 + i * 8, pte(0x80000, 1)); // every entry points to the root
    ram.write64(0x8000_0000 + 8, pte(0x90000, RWX | LEAF));
    const m = listMappings({ memory: ram, stage: 'single', mode: 9, rootPpn: 0x80000n, limit: 100 });
    expect(m.length).toBe(100);
    const few = listMappings({ memory: ram, stage: 'single', mode: 8, rootPpn: 0x80000n, limit: 1_000_000, maxTables: 3 });
    // Root (level 2) index 0 points back: read as level 1, whose index 0 points back: read as
    // level 0, with one leaf at index 1. The budget of 3 tables is then spent; each level's
    // leaf at index 1 is still listed.
    expect(few.map((x) => [x.va, x.level])).toEqual([[0x1000n, 0], [0x20_0000n, 1], [0x4000_0000n, 2]]);
  });
});
