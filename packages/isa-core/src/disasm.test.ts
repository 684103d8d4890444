/**
 * The table-driven assembler and disassembler against GNU binutils: every row is written
 * in no-aliases syntax with several operand sets, assembled by riscv64-unknown-elf-as and by
 * us (the words must match), then disassembled by objdump and by us (the text must match
 * objdump's default output, ignoring `<symbol>` and `# comment` suffixes).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assemble, disassemble, XREG } from './disasm.js';
import { builtinRows } from './ext/index.js';

// Rows binutils 2.40 does not know.
const UNKNOWN_TO_BINUTILS = new Set(['czero.eqz', 'czero.nez']);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function operandsFor(fmt: string, r: () => number, k: number): string {
  const reg = (): string => XREG[k === 0 ? 0 : r() % 32];
  const freg = (): string => `f${r() % 32}`;
  const simm = (bits: number): number => (k === 1 ? 0 : ((r() % (1 << bits)) - (1 << (bits - 1))));
  return fmt.split(',').filter((t) => t !== '').map((t) => {
    switch (t) {
      case 'd': case 's': case 't': return reg();
      case 'D': case 'S': case 'T': case 'R': return freg();
      case 'j': return String(simm(12));
      case 'o(s)': case 'q(s)': return `${simm(12)}(${reg()})`;
      case '(s)': return `(${reg()})`;
      case 'p': { const o = simm(12) * 2; return o < 0 ? `.${o}` : `.+${o}`; }
      case 'a': { const o = simm(20) * 2; return o < 0 ? `.${o}` : `.+${o}`; }
      case 'u': return String(r() % (1 << 20));
      case '>': return String(r() % 64);
      case '<': return String(r() % 32);
      case 'E': return ['mstatus', 'sepc', 'satp', 'mie', 'cycle', 'fflags', 'frm', 'fcsr', '0x7c0', 'time', 'instret'][r() % 11];
      case 'Z': return String(r() % 32);
      case 'm': return ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'][r() % 6];
      case 'P': case 'Q': return ['iorw', 'rw', 'r', 'w', 'io', 'ow'][r() % 6];
      default: throw new Error(`no generator for ${t}`);
    }
  }).join(',');
}

describe('assembler and disassembler vs GNU binutils', () => {
  it('match as/objdump for every 32-bit row', () => {
    const r = rng(12345);
    const lines: string[] = [];
    for (const row of builtinRows()) {
      if (!row.exec || UNKNOWN_TO_BINUTILS.has(row.name)) continue;
      for (let k = 0; k < 6; k++) {
        const suffix = (row.match & 0x7f) === 0x2f ? ['', '.aq', '.rl', '.aqrl'][k % 4] : '';
        lines.push(`${row.name}${suffix} ${operandsFor(row.fmt, r, k)}`.trim());
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'isa-core-disasm-'));
    try {
      writeFileSync(join(dir, 't.s'), '.option norvc\n' + lines.map((l) => `${l}\n`).join(''));
      execFileSync('riscv64-unknown-elf-as', ['-march=rv64gc_zba_zbb_zbc_zbs_zihintpause', '-o', join(dir, 't.o'), join(dir, 't.s')]);
      const dump = execFileSync('riscv64-unknown-elf-objdump', ['-d', '--no-show-raw-insn', '-M', 'numeric=0', join(dir, 't.o')], { encoding: 'utf8' });
      const raw = execFileSync('riscv64-unknown-elf-objdump', ['-d', join(dir, 't.o')], { encoding: 'utf8' });
      const words: number[] = [];
      for (const l of raw.split('\n')) {
        const m = /^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s/.exec(l);
        if (m) words.push(parseInt(m[1], 16));
      }
      const texts: string[] = [];
      const pcs: bigint[] = [];
      for (const l of dump.split('\n')) {
        const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(l);
        if (m) {
          pcs.push(BigInt('0x' + m[1]));
          texts.push(m[2].replace(/\s*<[^>]*>/, '').replace(/\s*#.*$/, '').trim());
        }
      }
      expect(words.length).toBe(lines.length);
      const mismatches: string[] = [];
      lines.forEach((line, i) => {
        const ours = assemble(line);
        if (ours !== words[i]) mismatches.push(`asm '${line}': ours ${ours.toString(16)} binutils ${words[i].toString(16)}`);
        const dis = disassemble(words[i] | 0, pcs[i]);
        if (dis !== texts[i]) mismatches.push(`dis ${words[i].toString(16)} ('${line}'): ours '${dis}' objdump '${texts[i]}'`);
      });
      expect(mismatches.slice(0, 30)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('match objdump for compressed instructions (printed as their expansion)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'isa-core-rvc-'));
    try {
      // Every 16-bit word that is a legal RVC instruction in quadrants 0-2, sampled.
      const ws: number[] = [];
      for (let w = 0; w < 0x10000; w += 7) if ((w & 3) !== 3) ws.push(w);
      writeFileSync(join(dir, 't.bin'), new Uint8Array(new Uint16Array(ws).buffer));
      const dump = execFileSync('riscv64-unknown-elf-objdump', ['-D', '-b', 'binary', '-m', 'riscv:rv64', '-M', 'numeric=0', join(dir, 't.bin')], { encoding: 'utf8', maxBuffer: 64 << 20 });
      const mismatches: string[] = [];
      let count = 0;
      for (const l of dump.split('\n')) {
        const m = /^\s*([0-9a-f]+):\s+([0-9a-f]{4})\s+(.*)$/.exec(l);
        if (!m) continue;
        const w = parseInt(m[2], 16);
        // Without symbols objdump prints jump targets as 0x…; in ELF files (first test) it prints bare hex.
        const theirs = m[3].replace(/\s*<[^>]*>/, '').replace(/\s*#.*$/, '').trim().replace(/^(j|beqz|bnez)(\t.*?)0x([0-9a-f]+)$/, '$1$2$3');
        if (theirs.startsWith('.') || theirs === 'unimp') continue; // data/illegal forms
        count++;
        const ours = disassemble(w, BigInt('0x' + m[1]));
        if (ours !== theirs) mismatches.push(`${m[2]}: ours '${ours}' objdump '${theirs}'`);
      }
      expect(count).toBeGreaterThan(5000);
      expect(mismatches.filter((m, k, a) => a.findIndex((n) => n.split("'")[1].split('\t')[0] + n.split("'")[3].split('\t')[0] === m.split("'")[1].split('\t')[0] + m.split("'")[3].split('\t')[0]) === k)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
