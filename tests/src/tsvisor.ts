/** Runs a bare-metal ELF on tsvisor's virt machine, in process, through @tsvisor/board-virt. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createVirtMachine, type VirtMachineOptions } from '@tsvisor/board-virt';
import type { GuestRun } from './qemu.js';

export interface TsvisorRun extends GuestRun {
  /** Guest instructions retired (all harts). */
  instret: number;
}

export interface TsvisorOptions {
  /** Wall-clock budget; the machine is stopped when it runs out. */
  timeoutMs?: number;
  /** 'instructions' (deterministic, the default for tests) or 'host'. */
  clock?: 'instructions' | 'host';
  memoryBytes?: number;
  isa?: string;
  harts?: number;
  /** Extension objects for every hart (e.g. the H extension). */
  extensions?: VirtMachineOptions['extensions'];
}

export async function runTsvisor(elf: string, opts: TsvisorOptions = {}): Promise<TsvisorRun> {
  const bytes = new Uint8Array(readFileSync(elf));
  const chunks: Uint8Array[] = [];
  const machine = createVirtMachine({
    bios: 'none',
    kernel: { bytes, name: basename(elf) },
    memory: opts.memoryBytes ?? 256 * 2 ** 20,
    harts: opts.harts ?? 1,
    clock: opts.clock ?? 'instructions',
    ...(opts.isa ? { isa: opts.isa } : {}),
    ...(opts.extensions ? { extensions: opts.extensions } : {}),
    output: (b) => chunks.push(b.slice()),
  });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; machine.stop(-1, 'stopped'); }, opts.timeoutMs ?? 240_000);
  const start = performance.now();
  let status: number | null;
  try {
    status = await machine.run();
  } finally {
    clearTimeout(timer);
  }
  const seconds = (performance.now() - start) / 1000;
  const output = Buffer.concat(chunks).toString('latin1');
  return { output, status: timedOut ? null : status, timedOut, seconds, instret: machine.instret };
}
