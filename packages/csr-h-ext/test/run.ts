/** Test helpers (node only): build the bare-metal suite, run it on our virt machine and on QEMU. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVirtMachine, VIRT_DEFAULT_ISA } from '@tsvisor/board-virt';
import { hypervisor, type HypervisorSpec } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const PROGRAMS_DIR = join(here, '..', 'test-programs');

/** Runs make in test-programs/ (riscv64-unknown-elf-gcc); a failure is an error only if an ELF is missing. */
export function buildPrograms(): void {
  try {
    execFileSync('make', ['-s', '-C', PROGRAMS_DIR], { stdio: 'pipe' });
  } catch (e) {
    for (const name of ['hsuite', 'hvisor']) {
      if (!existsSync(join(PROGRAMS_DIR, 'out', `${name}.elf`))) {
        throw new Error(`cannot build test-programs (needs riscv64-unknown-elf-gcc; run tooling/scripts/setup.sh): ${String(e)}`);
      }
    }
  }
}

/** The ELF path of test program `name` (built by the global setup). */
export function programElf(name: string): string {
  const elf = join(PROGRAMS_DIR, 'out', `${name}.elf`);
  if (!existsSync(elf)) throw new Error(`${elf} is missing: run make -C packages/csr-h-ext/test-programs`);
  return elf;
}

export interface Run {
  output: string;
  status: number | null;
}

/** Runs an ELF on tsvisor's virt machine with `hypervisor(spec)` (instruction clock, deterministic). */
export async function runOurs(elf: string, spec: HypervisorSpec, timeoutMs = 30_000): Promise<Run> {
  const chunks: Uint8Array[] = [];
  const machine = createVirtMachine({
    bios: 'none',
    kernel: { bytes: new Uint8Array(readFileSync(elf)), name: elf },
    memory: 128 * 2 ** 20,
    harts: 1,
    clock: 'instructions',
    isa: VIRT_DEFAULT_ISA.replace(/^rv64imafdc/, 'rv64imafdch'),
    extensions: [hypervisor(spec)],
    output: (b) => chunks.push(b.slice()),
  });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; machine.stop(-1, 'stopped'); }, timeoutMs);
  let status: number | null;
  try {
    status = await machine.run();
  } finally {
    clearTimeout(timer);
  }
  return { output: Buffer.concat(chunks).toString('latin1'), status: timedOut ? null : status };
}

export const QEMU = 'qemu-system-riscv64';

/** True when QEMU can be started. */
export function haveQemu(): boolean {
  const r = spawnSync(QEMU, ['--version'], { stdio: 'pipe' });
  return r.status === 0;
}

/** Runs an ELF on qemu-system-riscv64 -machine virt -cpu rv64,h=true -bios none. */
export function runQemuH(elf: string, timeoutMs = 30_000): Run {
  const r = spawnSync(QEMU, ['-machine', 'virt', '-cpu', 'rv64,h=true', '-bios', 'none', '-nographic', '-m', '128M', '-kernel', elf],
    { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
  if (r.error) throw new Error(`${QEMU} could not run: ${r.error.message}`);
  return { output: r.stdout.toString('latin1'), status: r.status };
}

/** One result line of the suite: `ok|FAIL|info <name> = <value>`. */
export interface Line {
  kind: 'ok' | 'FAIL' | 'info';
  name: string;
  value: string;
}

export function parseLines(output: string): Map<string, Line> {
  const m = new Map<string, Line>();
  for (const raw of output.split('\n')) {
    const r = /^(ok|FAIL|info) (\S+) = (0x[0-9a-f]+)/.exec(raw.trim());
    if (r) m.set(r[2], { kind: r[1] as Line['kind'], name: r[2], value: r[3] });
  }
  return m;
}
