#!/usr/bin/env node
// `pnpm bench`: guest MIPS of tsvisor on bare-metal workloads (tests/baremetal/bench/*.c,
// built with -O2), next to qemu-system-riscv64 running the same ELF in the same run.
// Prints figures only; it asserts nothing.
//   pnpm bench [-- --only int,fp,paging] [--no-qemu] [--linux] [--virtio]
// Run through the root script, which adds `--conditions=@tsvisor/source --import tsx`
// so the workspace's TypeScript sources load directly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(repo, 'tests/baremetal/out');
const args = process.argv.slice(2);
const only = (() => { const i = args.indexOf('--only'); return i >= 0 ? args[i + 1].split(',') : undefined; })();
const withQemu = !args.includes('--no-qemu');

const WORKLOADS = [
  { name: 'int', what: 'integer ALU, mul/div (sieve, xorshift, gcd)' },
  { name: 'mem', what: 'memcpy/memset, strided reads, pointer chase' },
  { name: 'branchy', what: 'quicksort, binary search, bytecode interpreter' },
  { name: 'fp', what: 'n-body (double), float dot product, sqrt/div' },
  { name: 'coremark', what: 'CoreMark-like: lists, matrix, state machine, CRC' },
];

function need(cmd, argv) {
  return spawnSync(cmd, argv, { stdio: 'ignore' }).status === 0;
}
if (!need('make', ['--version']) || !need('riscv64-unknown-elf-gcc', ['--version'])) {
  console.error('bench: the riscv64-unknown-elf cross toolchain is missing: run tooling/scripts/setup.sh');
  process.exit(1);
}
execFileSync('make', ['-s', '-C', join(repo, 'tests/baremetal')], { stdio: 'inherit' });
const haveQemu = withQemu && need('qemu-system-riscv64', ['--version']);
if (withQemu && !haveQemu) console.log('bench: qemu-system-riscv64 not found, tsvisor figures only (run tooling/scripts/setup.sh)');

const { runTsvisor } = await import('../../tests/src/tsvisor.ts');
const { runQemu } = await import('../../tests/src/qemu.ts');

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const parseLine = (output, name) => {
  const m = new RegExp(`^bench ${name} instret=(\\d+)(?: ticks=(\\d+))? checksum=(0x[0-9a-f]+)`, 'm').exec(output);
  return m ? { instret: Number(m[1]), ticks: m[2] ? Number(m[2]) : undefined, checksum: m[3] } : undefined;
};

// QEMU's start-up cost (an empty guest), measured once and shown for reference.
let qemuStartup = 0;
if (haveQemu) {
  const r = await runQemu(join(out, 'hello.elf'));
  qemuStartup = r.seconds;
}

console.log(`tsvisor bench (node ${process.version})`);
if (!only || only.some((n) => WORKLOADS.some((w) => w.name === n))) {
  console.log('  Each workload repeats its pass several times (tests/baremetal/bench/bench.h). MIPS = instret / loop s, where');
  console.log('  loop s is the time CSR delta around the repetitions (wall clock, after machine start-up and ELF load; includes');
  console.log('  block compilation and GC); cpu s = process CPU time (user+sys) of the whole tsvisor run, MIPS/cpu = instret / cpu s;');
  console.log(`  qemu loop s = the same time CSR delta under QEMU (its start-up alone: ${fmt(qemuStartup)} s). On a loaded machine trust MIPS/cpu.`);
  console.log(`${pad('workload', 11)} ${lpad('guest insns', 13)} ${lpad('loop s', 7)} ${lpad('MIPS', 7)} ${lpad('cpu s', 7)} ${lpad('MIPS/cpu', 8)} ${lpad('qemu loop s', 11)}  checksum`);
}
for (const w of WORKLOADS) {
  if (only && !only.includes(w.name)) continue;
  const elf = join(out, `bench-${w.name}.elf`);
  if (!existsSync(elf)) { console.log(`${pad(w.name, 11)} (not built)`); continue; }
  let t;
  const cpu0 = process.cpuUsage();
  try {
    t = await runTsvisor(elf, { timeoutMs: 600_000, clock: 'host' });
  } catch (e) {
    console.log(`${pad(w.name, 11)} tsvisor failed: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
    continue;
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const mine = parseLine(t.output, w.name);
  if (!mine) { console.log(`${pad(w.name, 11)} no result (status ${t.status})`); continue; }
  const loopS = (mine.ticks ?? NaN) / 10_000_000;
  let qs = NaN;
  let agree = '';
  if (haveQemu) {
    const q = await runQemu(elf, { timeoutMs: 120_000 });
    const theirs = parseLine(q.output, w.name);
    qs = (theirs?.ticks ?? NaN) / 10_000_000;
    agree = theirs ? (mine.checksum === theirs.checksum ? '(same as QEMU)' : `(QEMU: ${theirs.checksum})`) : '(QEMU: no result)';
  }
  console.log(`${pad(w.name, 11)} ${lpad(mine.instret.toLocaleString('en-US'), 13)} ${lpad(fmt(loopS), 7)} ${lpad(fmt(mine.instret / loopS / 1e6), 7)} ${lpad(fmt(cpuS), 7)} ${lpad(fmt(mine.instret / cpuS / 1e6), 8)} ${lpad(fmt(qs, 3), 11)}  ${mine.checksum} ${agree}`);
}

// Slot for the MMU: the same page-hopping loop in S mode with satp = Bare and Sv39.
// The host clock makes the guest's time CSR wall time, so ticks give per-phase MIPS.
if (!only || only.includes('paging')) {
  const elf = join(out, 'bench-paging.elf');
  if (existsSync(elf)) {
    const t = await runTsvisor(elf, { timeoutMs: 600_000, clock: 'host' });
    const mips = {};
    for (const mode of ['bare', 'sv39']) {
      const r = parseLine(t.output, `paging-${mode}`);
      if (!r) { console.log(`paging-${mode}: no result (status ${t.status})`); continue; }
      const secs = (r.ticks ?? 0) / 10_000_000;
      mips[mode] = r.instret / secs / 1e6;
      console.log(`${pad(`paging ${mode}`, 11)} ${lpad(r.instret.toLocaleString('en-US'), 13)} ${lpad(fmt(secs), 7)} ${lpad(fmt(mips[mode]), 7)}  (S mode, satp=${mode === 'bare' ? 'Bare' : 'Sv39, 4 KiB pages over 8 MiB'})`);
    }
    if (mips.bare && mips.sv39) console.log(`paging     sv39 keeps ${fmt(100 * mips.sv39 / mips.bare, 0)}% of the Bare-mode MIPS`);
  }
}

// Linux boot-to-marker (opt-in, `pnpm bench -- --linux`): tooling/scripts/bench-linux.mjs.
if (args.includes('--linux')) {
  await (await import('./bench-linux.mjs')).benchLinux({ repo, haveQemu });
} else if (!only) {
  console.log('linux      boot-to-marker: opt-in, `pnpm bench -- --linux` (uses the guest from `pnpm guest`)');
}

// virtio inside Debian guests (opt-in: `pnpm bench -- --virtio`): virtio-blk sequential read and
// write MB/s measured by dd in the guest, and virtio-net TCP throughput between two guests.
if (args.includes('--virtio')) {
  const { benchVirtio } = await import('../../tests/linux/src/bench.ts');
  const r = await benchVirtio();
  console.log(`virtio-blk read  ${r.blkReadMBs.toFixed(2)} MB/s   write ${r.blkWriteMBs.toFixed(2)} MB/s   (dd, O_DIRECT, in the guest)`);
  console.log(`virtio-net       ${r.netMBs.toFixed(2)} MB/s guest to guest (busybox nc over an in-process switch)   [${r.seconds.toFixed(0)} s in all]`);
} else if (!only) {
  console.log('virtio     throughput: opt-in, `pnpm bench -- --virtio` (two Debian guests)');
}
