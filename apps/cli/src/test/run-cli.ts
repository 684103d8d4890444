/** Test helpers: build the e2e guest from source and run the CLI as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const REPO = resolve(CLI_DIR, '../..');
export const MAIN = join(CLI_DIR, 'src/main.ts');
export const GUESTS = join(CLI_DIR, 'guests');
const CC = 'riscv64-unknown-elf-gcc';

let scratch: string | undefined;
/** A temporary directory for this test run. */
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), 'tsvisor-cli-'));
  return scratch;
}

/**
 * Assembles guests/<name>.S into an ELF linked at `textAddr` (QEMU virt RAM by default).
 * Without the cross toolchain this throws: the tests must fail, not skip.
 */
export function buildGuest(name: string, textAddr = 0x8000_0000, out = `${name}.elf`): string {
  const probe = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${CC} is not installed: run tooling/scripts/setup.sh to install the RISC-V cross toolchain`);
  }
  const elf = join(scratchDir(), out);
  const r = spawnSync(
    CC,
    ['-march=rv64ima_zicsr', '-mabi=lp64', '-nostdlib', '-nostartfiles', '-static', '-Wl,-n', `-Wl,-Ttext=0x${textAddr.toString(16)}`, '-o', elf, join(GUESTS, `${name}.S`)],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${CC} failed on ${name}.S:\n${r.stderr}`);
  return elf;
}

/** Once stdout (or stderr) contains `when`: type `send` on stdin, or send `signal`. */
export interface Response {
  when: string;
  send?: string;
  signal?: NodeJS.Signals;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `tsvisor <args>` (as `pnpm tsvisor` does), feeding `input` on stdin after `inputDelayMs`. */
export function runCli(
  args: string[],
  opts: { input?: string; inputDelayMs?: number; timeoutMs?: number; respond?: Response[] } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', MAIN, ...args], {
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const pending = [...(opts.respond ?? [])];
    // Type into the guest (or signal it) once its output shows a prompt or marker.
    const check = () => {
      while (pending.length && (stdout + stderr).includes(pending[0]!.when)) {
        const r = pending.shift()!;
        if (r.send !== undefined) child.stdin.write(r.send);
        if (r.signal) child.kill(r.signal);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      check();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 150_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    if (opts.respond) {
      // stdin stays open for the responses
    } else if (opts.input !== undefined) {
      setTimeout(() => child.stdin.end(opts.input), opts.inputDelayMs ?? 0);
    } else {
      child.stdin.end();
    }
  });
}

/**
 * Runs `tsvisor <args>` on a pseudo-terminal (util-linux `script`), so stdin is a TTY in raw
 * mode; `respond` types keys once the output shows a marker.
 */
export function runCliOnTty(args: string[], respond: { when: string; send: string }[], timeoutMs = 150_000): Promise<CliResult> {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const cmd = [process.execPath, '--conditions=@tsvisor/source', '--import', 'tsx', MAIN, ...args].map(quote).join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const pending = [...respond];
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      while (pending.length && stdout.includes(pending[0]!.when)) child.stdin.write(pending.shift()!.send);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}
