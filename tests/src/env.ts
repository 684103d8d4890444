/** Where things are, and a loud failure when the cross toolchain or QEMU is missing. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(TESTS_DIR, '..');
export const BAREMETAL_DIR = join(TESTS_DIR, 'baremetal');
export const OUT_DIR = join(BAREMETAL_DIR, 'out');
export const CROSS = process.env['TSVISOR_CROSS'] ?? 'riscv64-unknown-elf-';
export const QEMU = process.env['TSVISOR_QEMU'] ?? 'qemu-system-riscv64';

const SETUP_HINT = 'run tooling/scripts/setup.sh (it installs the cross toolchain and QEMU, then builds tests/baremetal)';

function have(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

let checked = false;
/** Throws (never skips) when a tool the system tests need is missing. */
export function requireTools(): void {
  if (checked) return;
  const missing: string[] = [];
  if (!have(`${CROSS}gcc`, ['--version'])) missing.push(`${CROSS}gcc`);
  if (!have(`${CROSS}objdump`, ['--version'])) missing.push(`${CROSS}objdump`);
  if (!have(QEMU, ['--version'])) missing.push(QEMU);
  if (!have('make', ['--version'])) missing.push('make');
  if (missing.length) throw new Error(`system tests need ${missing.join(', ')}: not found on PATH; ${SETUP_HINT}`);
  checked = true;
}

let built = false;
/** Builds tests/baremetal (make is incremental) and returns the output folder. */
export function buildGuests(): string {
  requireTools();
  if (!built) {
    try {
      execFileSync('make', ['-s', '-C', BAREMETAL_DIR], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`make -C tests/baremetal failed:\n${err.stderr?.toString() ?? ''}${err.stdout?.toString() ?? ''}\n${SETUP_HINT}`);
    }
    built = true;
  }
  return OUT_DIR;
}

/** Path of a built guest, e.g. elfPath('traps') -> tests/baremetal/out/traps.elf. */
export function elfPath(name: string): string {
  const p = join(buildGuests(), `${name}.elf`);
  if (!existsSync(p)) throw new Error(`${p} was not built (is its source in tests/baremetal?)`);
  return p;
}
