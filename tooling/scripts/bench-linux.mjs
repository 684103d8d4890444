// The Linux section of `pnpm bench` (opt-in: `pnpm bench -- --linux`; needs the guest from
// `pnpm guest`): wall time until the initramfs prints TSVISOR-BOOT-OK, through each machine's
// command line (default OpenSBI firmware, 512 MiB, one hart), on tsvisor and on QEMU.
// Called from bench.mjs; prints figures only, asserts nothing.
import { spawn, spawnSync } from 'node:child_process';

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** @param {{ repo: string, haveQemu: boolean }} opts */
export async function benchLinux({ repo, haveQemu }) {
  const g = spawnSync('pnpm', ['guest'], { cwd: repo, encoding: 'utf8' });
  const image = /^Image\s+(\S+)/m.exec(g.stdout ?? '')?.[1];
  const initrd = /^initramfs\s+(\S+)/m.exec(g.stdout ?? '')?.[1];
  if (!image || !initrd) {
    console.log(`linux      boot-to-marker: no guest (pnpm guest said: ${(g.stderr || g.stdout || '').trim().split('\n').pop()})`);
    return;
  }
  const append = 'console=ttyS0 earlycon=uart8250,mmio,0x10000000 tsvisor.test=1';
  // Resolves with the seconds to the marker (NaN if it never came) and the output's tail.
  const toMarker = (cmd, argv) => new Promise((done) => {
    const start = performance.now();
    const p = spawn(cmd, argv, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let settled = false;
    const finish = (secs) => { if (!settled) { settled = true; clearTimeout(timer); p.kill('SIGKILL'); done({ secs, tail: buf.slice(-300) }); } };
    const timer = setTimeout(() => finish(NaN), 20 * 60_000);
    p.stdout.on('data', (b) => {
      buf = (buf + b.toString('latin1')).slice(-4096);
      if (buf.includes('TSVISOR-BOOT-OK')) finish((performance.now() - start) / 1000);
    });
    p.on('close', () => finish(NaN));
  });
  const ours = await toMarker(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', 'apps/cli/src/main.ts', 'machine',
    '-m', '512M', '--kernel', image, '--initrd', initrd, '--append', append]);
  const theirs = haveQemu ? await toMarker('qemu-system-riscv64', ['-machine', 'virt', '-nographic', '-m', '512M', '-smp', '1',
    '-kernel', image, '-initrd', initrd, '-append', append]) : { secs: NaN, tail: '' };
  console.log(`${pad('linux', 10)} ${lpad('-', 12)} ${lpad(fmt(ours.secs), 10)} ${lpad('-', 8)} ${lpad(fmt(theirs.secs), 8)} ${lpad(haveQemu ? `${fmt(ours.secs / theirs.secs, 1)}x` : '-', 8)}  seconds to TSVISOR-BOOT-OK`);
  for (const [who, r] of [['tsvisor', ours], ['qemu', theirs]]) {
    if (Number.isNaN(r.secs) && (who === 'tsvisor' || haveQemu)) console.log(`  ${who}: no marker within 20 min; last output: ${JSON.stringify(r.tail)}`);
  }
}
