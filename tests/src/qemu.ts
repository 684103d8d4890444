/** Runs a bare-metal ELF on qemu-system-riscv64 -machine virt -bios none (the oracle). */
import { spawn } from 'node:child_process';
import { QEMU, requireTools } from './env.js';

export interface GuestRun {
  /** Everything the guest wrote to UART0. */
  output: string;
  /** Finisher status: 0 for 0x5555, `code` for (code << 16) | 0x3333; null if it never finished. */
  status: number | null;
  /** True when the run was cut off by the time or instruction budget. */
  timedOut: boolean;
  seconds: number;
}

export interface QemuOptions {
  /** Enable the H extension (`-cpu rv64,h=true`). */
  h?: boolean;
  /** Extra `-cpu rv64,...` properties after h= (e.g. `svnapot=true`). */
  cpuProps?: string[];
  timeoutMs?: number;
  memory?: string;
  /** Number of harts (-smp). */
  harts?: number;
  extraArgs?: string[];
}

export function runQemu(elf: string, opts: QemuOptions = {}): Promise<GuestRun> {
  requireTools();
  const args = ['-machine', 'virt', '-bios', 'none', '-nographic', '-m', opts.memory ?? '256M', '-smp', String(opts.harts ?? 1)];
  // QEMU 7.2 turns H on by default on rv64; the oracle runs without it unless asked.
  args.push('-cpu', [opts.h ? 'rv64,h=true' : 'rv64,h=false', ...(opts.cpuProps ?? [])].join(','));
  args.push(...(opts.extraArgs ?? []), '-kernel', elf);
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString();
      if (!timedOut && code !== 0 && /could not load|qemu-system-riscv64:/.test(stderr) && out.length === 0) {
        reject(new Error(`qemu failed: ${stderr.trim()}`));
        return;
      }
      resolve({ output: Buffer.concat(out).toString('latin1'), status: timedOut ? null : code, timedOut,
        seconds: (performance.now() - start) / 1000 });
    });
  });
}
