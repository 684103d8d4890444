/**
 * Builds a fuzz program, runs it on QEMU and on tsvisor, and reports the first divergence
 * with the disassembly around it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAREMETAL_DIR, CROSS, requireTools } from '../env.js';
import { runQemu, type GuestRun } from '../qemu.js';
import { runTsvisor } from '../tsvisor.js';
import { generate, type FuzzOptions } from './gen.js';

export const FUZZ_ARCH = 'rv64imafdc_zicsr_zifencei_zba_zbb_zbc_zbs_zihintpause';

export interface BuiltFuzz {
  seed: number;
  dir: string;
  elf: string;
  source: string;
}

/** Assembles and links the program for `seed` into a fresh temporary folder. */
export function buildFuzz(seed: number, opts: FuzzOptions = {}, workDir?: string): BuiltFuzz {
  requireTools();
  const base = workDir ?? join(tmpdir(), 'tsvisor-fuzz');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `seed-${seed}-`));
  const prog = generate(seed, opts);
  const src = join(dir, 'fuzz.S');
  const elf = join(dir, 'fuzz.elf');
  writeFileSync(src, prog.source);
  try {
    execFileSync(`${CROSS}gcc`, [`-march=${FUZZ_ARCH}`, '-mabi=lp64d', '-mcmodel=medany', '-nostdlib', '-nostartfiles', '-static',
      '-Wl,--no-warn-rwx-segments', '-T', join(BAREMETAL_DIR, 'link.ld'), '-o', elf, src], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: Buffer };
    throw new Error(`seed ${seed}: the generated program did not assemble:\n${err.stderr?.toString() ?? ''}`);
  }
  return { seed, dir, elf, source: prog.source };
}

export interface Divergence {
  /** 0-based output line where the runs first differ. */
  line: number;
  qemu: string | undefined;
  tsvisor: string | undefined;
  /** Human-readable explanation: which block/registers, and the disassembly around it. */
  report: string;
}

const XNAMES = Array.from({ length: 28 }, (_, i) => `x${i + 4}`);
const FNAMES = Array.from({ length: 32 }, (_, i) => `f${i}`);

function describeDump(a: string, b: string): string {
  const fa = a.split(' ');
  const fb = b.split(' ');
  const names = ['block', ...XNAMES, ...FNAMES, 'fcsr'];
  const diffs: string[] = [];
  for (let i = 1; i < Math.max(fa.length, fb.length); i++) {
    if (fa[i] !== fb[i]) diffs.push(`${names[i] ?? `field${i}`}: qemu=0x${fa[i]} tsvisor=0x${fb[i]}`);
  }
  return diffs.join('\n  ');
}

function disassemble(elf: string, start: string, stop: string): string {
  try {
    const syms = execFileSync(`${CROSS}nm`, [elf]).toString();
    const addr = (name: string): string | undefined => new RegExp(`^([0-9a-f]+) \\w ${name}$`, 'm').exec(syms)?.[1];
    const a = addr(start);
    const b = addr(stop);
    if (!a || !b) return '';
    return execFileSync(`${CROSS}objdump`, ['-d', '-M', 'no-aliases', `--start-address=0x${a}`, `--stop-address=0x${b}`, elf])
      .toString().split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l)).join('\n');
  } catch {
    return '';
  }
}

function disassembleAround(elf: string, epcRel: bigint): string {
  try {
    const syms = execFileSync(`${CROSS}nm`, [elf]).toString();
    const start = BigInt(`0x${/^([0-9a-f]+) \w _start$/m.exec(syms)?.[1] ?? '0'}`);
    const pc = start + epcRel;
    const lines = execFileSync(`${CROSS}objdump`, ['-d', `--start-address=0x${(pc - 24n).toString(16)}`,
      `--stop-address=0x${(pc + 24n).toString(16)}`, elf]).toString().split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l));
    return lines.map((l) => (l.trim().startsWith(`${pc.toString(16)}:`) ? `>>${l}` : `  ${l}`)).join('\n');
  } catch {
    return '';
  }
}

/** Compares two runs' output line by line; undefined when they agree. */
export function compareRuns(elf: string, qemu: GuestRun, ours: GuestRun): Divergence | undefined {
  const a = qemu.output.split('\n');
  const b = ours.output.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const qa = a[i];
    const tb = b[i];
    const parts = [`first divergence at output line ${i + 1}`, `  qemu:    ${qa?.slice(0, 160) ?? '(end of output)'}`,
      `  tsvisor: ${tb?.slice(0, 160) ?? '(end of output)'}`];
    if (qa?.startsWith('B') && tb?.startsWith('B')) {
      const blk = Number.parseInt(qa.slice(1, 17), 16);
      parts.push(blk >= 1 ? `registers after fz_blk${blk - 1}:` : "initial register values:", `  ${describeDump(qa, tb)}`);
      if (blk >= 1) parts.push(`disassembly of fz_blk${blk - 1}:`, disassemble(elf, `fz_blk${blk - 1}`, `fz_blk${blk - 1}_end`));
    } else if (qa?.startsWith('T') || tb?.startsWith('T')) {
      const t = (qa?.startsWith('T') ? qa : tb)!.split(' ');
      parts.push('a trap differs (T<block> mcause epc-relative-to-_start tval); around that epc:',
        disassembleAround(elf, BigInt(`0x${t[2]}`)));
    }
    if (qemu.status !== ours.status) parts.push(`exit status: qemu=${qemu.status} tsvisor=${ours.status}`);
    return { line: i, qemu: qa, tsvisor: tb, report: parts.join('\n') };
  }
  if (qemu.status !== ours.status) {
    return { line: a.length, qemu: undefined, tsvisor: undefined, report: `same output, exit status differs: qemu=${qemu.status} tsvisor=${ours.status}` };
  }
  return undefined;
}

export interface SeedResult {
  seed: number;
  divergence?: Divergence;
  qemu: GuestRun;
  tsvisor: GuestRun;
  elf: string;
}

/** Runs one seed on both machines. Keeps the build folder only when they diverge. */
export async function runSeed(seed: number, opts: FuzzOptions & { keep?: boolean; workDir?: string } = {}): Promise<SeedResult> {
  const built = buildFuzz(seed, opts, opts.workDir);
  const qemu = await runQemu(built.elf, { timeoutMs: 120_000 });
  const ours = await runTsvisor(built.elf, { timeoutMs: 240_000 });
  const divergence = compareRuns(built.elf, qemu, ours);
  if (!qemu.output.includes('END')) {
    throw new Error(`seed ${seed}: the program did not finish on QEMU (a generator bug):\n${qemu.output.slice(-400)}`);
  }
  if (!divergence && !opts.keep) rmSync(built.dir, { recursive: true, force: true });
  return { seed, divergence, qemu, tsvisor: ours, elf: built.elf };
}
