// Helpers for the Linux tests: the Debian guest, guest scripts, the tsvisor CLI as a child
// process, host tools. Tests FAIL with a message saying what is missing (never skip).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureGuest, withTestScript, type Guest } from '@tsvisor/guest';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('../../../apps/cli/src/main.ts', import.meta.url));

/** Debian's OpenSBI (package opensbi), the firmware `tsvisor machine` uses by default. */
export const OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin';

/** The Debian guest from the cache, fetched (`pnpm guest`) when it is not there yet. */
export function guestOrFail(): Guest {
  const started = Date.now();
  try {
    const g = ensureGuest({ log: (l) => console.log(l) });
    if (g.downloadBytes) console.log(`guest fetched in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return g;
  } catch (e) {
    throw new Error(`the Debian riscv64 guest is not in the cache and could not be fetched (run \`pnpm guest\`; host tools from tooling/scripts/setup.sh): ${(e as Error).message}`);
  }
}

/** Fails unless every host program exists (`[program, Debian package]`). */
export function requireTools(tools: [string, string][]): void {
  const missing = tools.filter(([cmd]) => spawnSync(cmd, ['-V'], { stdio: 'ignore' }).error !== undefined);
  if (missing.length) {
    throw new Error(`missing host programs ${missing.map(([c, p]) => `${c} (apt package ${p})`).join(', ')}: run tooling/scripts/setup.sh`);
  }
  if (!existsSync(OPENSBI)) throw new Error(`no OpenSBI firmware at ${OPENSBI} (apt package opensbi): run tooling/scripts/setup.sh`);
}

/**
 * Shell functions every guest script starts with. `step NAME` prints a line "@@ NAME" that
 * starts a section of the output (see sections()); `disk SERIAL` names the /dev/vdX whose
 * virtio-blk serial is SERIAL (the CLI gives disk N the serial tsvisor-diskN).
 */
export const GUEST_PRELUDE = `#!/bin/sh
step() { echo "@@ $1"; }
disk() { for b in /sys/block/vd*; do [ "$(cat "$b/serial" 2>/dev/null)" = "$1" ] && echo "/dev/\${b##*/}"; done; }
`;

/** The guest's initramfs plus /test.sh = GUEST_PRELUDE + script (run by /init after boot). */
export function initramfsWithScript(guest: Guest, script: string): Uint8Array {
  return withTestScript(new Uint8Array(readFileSync(guest.initramfs)), GUEST_PRELUDE + script);
}

/** Splits guest output into the sections started by "@@ NAME" lines (console \r\n normalised). */
export function sections(output: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  for (const line of output.replace(/\r/g, '').split('\n')) {
    const m = /^@@ (\S+)$/.exec(line);
    if (m) {
      if (name) out.set(name, lines.join('\n'));
      name = m[1];
      lines = [];
    } else if (name) lines.push(line);
  }
  if (name) out.set(name, lines.join('\n'));
  return out;
}

/** A section's text, or an error showing the end of the console when the guest never got there. */
export function section(output: string, name: string): string {
  const s = sections(output).get(name);
  if (s === undefined) throw new Error(`the guest never printed "@@ ${name}"; console output ends with:\n${output.slice(-3000)}`);
  return s;
}

export interface CliRun {
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
}

/**
 * Runs `tsvisor machine ARGS`. With TSVISOR_GUEST_LOG=file in the environment the console
 * is also appended to that file as it arrives (to follow a slow boot). (the CLI from its TypeScript sources, as `pnpm tsvisor` does).
 * `watch` sees the output so far after each chunk and may kill the process.
 */
export function runMachineCli(args: string[], options: { timeoutMs: number; watch?: (output: string, child: ChildProcess) => void }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let output = '';
    const child = spawn(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', CLI_MAIN, 'machine', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tsvisor machine did not finish within ${options.timeoutMs / 1000} s; console output ends with:\n${output.slice(-3000)}`));
    }, options.timeoutMs);
    const log = process.env.TSVISOR_GUEST_LOG;
    const onData = (d: Buffer): void => {
      output += d.toString('latin1');
      if (log) appendFileSync(log, d);
      options.watch?.(output, child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run the tsvisor CLI: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ output, code, signal, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** Runs a host program and returns its stdout (throws with its stderr when it fails). */
export function host(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** A file's contents inside an ext4 image, read by debugfs (e2fsprogs) without mounting it. */
export function ext4Cat(image: string, path: string): string {
  return host('debugfs', ['-R', `cat ${path}`, image]);
}

/** The kernel command line of every test boot: the console, and power off after /test.sh. */
export const TEST_BOOTARGS = 'console=ttyS0 tsvisor.test=1';

/**
 * The harts' compiled-block tier for these tests: off (the interpreter) unless TSVISOR_JIT=on.
 * At the time of writing the tier stalls Linux early in boot (printk time stays at 0.000000),
 * and these tests are about virtio, not about the tier.
 */
export const TEST_JIT = process.env.TSVISOR_JIT === 'on';
