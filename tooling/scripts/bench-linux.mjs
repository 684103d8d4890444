// The Linux section of `pnpm bench` (opt-in: `pnpm bench -- --linux`; needs the guest from
// `pnpm guest`): time until the initramfs prints TSVISOR-BOOT-OK, for the same kernel,
// initramfs, 512 MiB and one hart on
//   - `tsvisor run`: the kernel as a guest in VS mode on kvm-api (kvmtool-like VMM, KVM's SBI),
//   - `tsvisor machine`: the QEMU-virt-like board, OpenSBI in M mode and the kernel in S mode,
//   - qemu-system-riscv64 (TCG) booting it as a user would compare: -machine virt -kernel -initrd -append.
// Then the exits of the `tsvisor run` boot by reason, under the names kvm_stat shows.
// Called from bench.mjs; prints figures only, asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** CPU seconds (user + sys) of a live process, from /proc (NaN where there is none). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Runs `cmd` until TSVISOR-BOOT-OK appears on stdout. Resolves with wall seconds to the
 * marker (NaN if it never came), the process's CPU seconds at that point, the output's tail,
 * and, when `statsSignal` is set, what the process printed on stderr after being sent that
 * signal at the marker (up to a line matching `statsEnd`).
 */
function toMarker(cwd, cmd, argv, { statsSignal, statsEnd } = {}) {
  return new Promise((done) => {
    const start = performance.now();
    const p = spawn(cmd, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    let result;
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      p.kill('SIGKILL');
      done({ stats: '', ...r, tail: buf.slice(-300) });
    };
    const timer = setTimeout(() => finish({ secs: NaN, cpu: NaN }), 20 * 60_000);
    p.stdout.on('data', (b) => {
      buf = (buf + b.toString('latin1')).slice(-4096);
      if (result || !buf.includes('TSVISOR-BOOT-OK')) return;
      result = { secs: (performance.now() - start) / 1000, cpu: cpuSeconds(p.pid) };
      if (!statsSignal) return finish(result);
      err = '';
      p.kill(statsSignal);
      setTimeout(() => finish(result), 10_000); // in case the figures never come
    });
    p.stderr.on('data', (b) => {
      err += b.toString('latin1');
      if (result && statsEnd.test(err)) finish({ ...result, stats: err });
    });
    p.on('close', () => finish(result ?? { secs: NaN, cpu: NaN }));
  });
}

/** @param {{ repo: string, haveQemu: boolean }} opts */
export async function benchLinux({ repo, haveQemu }) {
  const g = spawnSync('pnpm', ['guest'], { cwd: repo, encoding: 'utf8' });
  const image = /^Image\s+(\S+)/m.exec(g.stdout ?? '')?.[1];
  const initrd = /^initramfs\s+(\S+)/m.exec(g.stdout ?? '')?.[1];
  if (!image || !initrd) {
    console.log(`linux      boot-to-marker: no guest (pnpm guest said: ${(g.stderr || g.stdout || '').trim().split('\n').pop()})`);
    return;
  }
  // The machines' own console options come first: QEMU and `tsvisor machine` take the whole
  // command line; `tsvisor run` adds console=ttyS0 and earlycon for its own UART, as kvmtool does.
  const append = 'console=ttyS0 earlycon=uart8250,mmio,0x10000000 tsvisor.test=1';
  const cli = [process.execPath, '--conditions=@tsvisor/source', '--import', 'tsx', 'apps/cli/src/main.ts'];
  const run = await toMarker(repo, cli[0], [...cli.slice(1), 'run', '-m', '512', '-k', image, '-i', initrd, '-p', 'tsvisor.test=1'],
    { statsSignal: 'SIGUSR1', statsEnd: /guest instructions retired.*\n/ });
  const machine = await toMarker(repo, cli[0], [...cli.slice(1), 'machine', '-m', '512M', '--kernel', image, '--initrd', initrd, '--append', append]);
  const qemu = haveQemu
    ? await toMarker(repo, 'qemu-system-riscv64', ['-machine', 'virt', '-nographic', '-m', '512M', '-smp', '1', '-kernel', image, '-initrd', initrd, '-append', append])
    : { secs: NaN, cpu: NaN, tail: '' };

  const instret = Number(/guest instructions retired\s+(\d+)/.exec(run.stats)?.[1]);
  console.log('linux boot to TSVISOR-BOOT-OK: Debian 6.12 kernel + busybox initramfs (pnpm guest), 512 MiB, 1 hart; wall s and CPU s of the process');
  console.log(`${pad('', 22)} ${lpad('guest insns', 13)} ${lpad('wall s', 8)} ${lpad('cpu s', 8)} ${lpad('vs qemu', 8)}`);
  const row = (name, r, insns = '-') =>
    console.log(`${pad(name, 22)} ${lpad(insns, 13)} ${lpad(fmt(r.secs, 1), 8)} ${lpad(fmt(r.cpu, 1), 8)} ${lpad(haveQemu && Number.isFinite(r.secs / qemu.secs) ? `${fmt(r.secs / qemu.secs, 1)}x` : '-', 8)}`);
  row('tsvisor run (VS mode)', run, Number.isFinite(instret) ? instret.toLocaleString('en-US') : '-');
  row('tsvisor machine', machine);
  if (haveQemu) row('qemu-system-riscv64', qemu);
  console.log('  (QEMU running this guest under KVM is not possible here: there is no RISC-V host with the H extension and /dev/kvm)');
  for (const [who, r] of [['tsvisor run', run], ['tsvisor machine', machine], ['qemu', qemu]]) {
    if (Number.isNaN(r.secs) && (who !== 'qemu' || haveQemu)) console.log(`  ${who}: no marker within 20 min; last output: ${JSON.stringify(r.tail)}`);
  }
  const table = /^ Event[\s\S]*?guest instructions retired[^\n]*/m.exec(run.stats)?.[0];
  if (table) {
    console.log('exits during the tsvisor run boot, by reason (kvm_stat names; SBI calls are ECALL exits kvm-api answers itself unless counted in sbi_exit_user):');
    console.log(table);
  } else if (Number.isFinite(run.secs)) {
    console.log('  tsvisor run: no exit counts came on SIGUSR1');
  }
}
