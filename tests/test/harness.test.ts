// The harness itself: result-line parsing, generator determinism, and the divergence report
// (fed a tsvisor run that differs from QEMU's in one register).
import { describe, expect, it } from 'vitest';
import { buildFuzz, compareRuns } from '../src/fuzz/harness.js';
import { generate } from '../src/fuzz/gen.js';
import { runQemu } from '../src/qemu.js';
import { parseChecks } from '../src/tap.js';

describe('result lines', () => {
  it('parses ok / not ok lines and strips got/want', () => {
    const out = 'ok 1 - add 0x1, 0x2\nnot ok 2 - sub 0x1, 0x2 got=0x0000000000000001 want=0xffffffffffffffff\nPASS 1/2\n';
    expect(parseChecks(out)).toEqual([
      { n: 1, ok: true, name: 'add 0x1, 0x2', line: 'ok 1 - add 0x1, 0x2' },
      { n: 2, ok: false, name: 'sub 0x1, 0x2', line: 'not ok 2 - sub 0x1, 0x2 got=0x0000000000000001 want=0xffffffffffffffff' },
    ]);
  });
});

describe('fuzz generator', () => {
  it('is deterministic per seed', () => {
    expect(generate(42).source).toBe(generate(42).source);
    expect(generate(42).source).not.toBe(generate(43).source);
  });
  it('uses every rounding mode, static and dynamic', () => {
    const src = Array.from({ length: 5 }, (_, i) => generate(i + 1).source).join('\n');
    for (const rm of ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn']) expect(src).toMatch(new RegExp(`, ${rm}$`, 'm'));
    expect(src).toMatch(/csrwi frm, [0-4]/);
  });
});

describe('divergence report', () => {
  it('names the block, the register and shows the block disassembly', async () => {
    const built = buildFuzz(7, { blocks: 3, blockLength: 8 });
    const q = await runQemu(built.elf);
    expect(q.output).toMatch(/^END$/m);
    // Change x4's value in the dump after block 1 (the third B line).
    const lines = q.output.split('\n');
    const idx = lines.findIndex((l) => l.startsWith('B0000000000000002'));
    const fields = lines[idx]!.split(' ');
    fields[1] = fields[1] === '0000000000000000' ? '0000000000000001' : '0000000000000000';
    lines[idx] = fields.join(' ');
    const d = compareRuns(built.elf, q, { ...q, output: lines.join('\n') });
    expect(d).toBeDefined();
    expect(d!.report).toContain(`output line ${idx + 1}`);
    expect(d!.report).toContain('x4: qemu=0x');
    expect(d!.report).toContain('disassembly of fz_blk1');
    expect(d!.report).toMatch(/^\s+[0-9a-f]+:\s+[0-9a-f]+\s+\S+/m);
    expect(compareRuns(built.elf, q, q)).toBeUndefined();
  });
});
