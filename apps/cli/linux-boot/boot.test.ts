/**
 * Full-system boot: OpenSBI (Debian's fw_dynamic.bin, the default --bios) and Debian's 6.12
 * kernel with the busybox initramfs that `pnpm guest` builds, to the marker and poweroff.
 * Slow (a billion guest instructions per boot), so it has its own suite: `pnpm --filter @tsvisor/cli test:linux`.
 */
import { describe, expect, it } from 'vitest';
import { ensureGuest } from '../../../tooling/guest/src/guest.js';
import { runCli } from '../src/test/run-cli.js';

const guest = ensureGuest();
const base = ['machine', '-m', '512M', '--clock', 'instructions', '--kernel', guest.image, '--initrd', guest.initramfs];

describe('Debian Linux on tsvisor machine', () => {
  it('boots to the marker and powers off with status 0 (--smp 1)', async () => {
    const r = await runCli([...base, '--append', 'console=ttyS0 tsvisor.test=1'], { timeoutMs: 1_500_000 });
    expect(r.stdout).toContain('OpenSBI');
    expect(r.stdout).toContain('TSVISOR-BOOT-OK');
    expect(r.stdout).toContain('reboot: Power down');
    expect(r.status).toBe(0);
  });

  it('tsvisor run: the guest boots in VS mode on kvm-api (KVM SBI, G-stage) and a guest shutdown exits 0', async () => {
    const r = await runCli(['run', '-m', '256', '-k', guest.image, '-i', guest.initramfs, '-p', 'tsvisor.test=1'], { timeoutMs: 1_500_000 });
    expect(r.stdout).toContain('Machine model: linux,dummy-virt');
    expect(r.stdout).toContain('SBI implementation ID=0x3');
    expect(r.stdout).toContain('TSVISOR-BOOT-OK');
    expect(r.stdout).toContain('reboot: Power down');
    expect(r.status).toBe(0);
  });

  it('runs commands typed at the busybox shell and powers off from it (--smp 2)', async () => {
    const r = await runCli([...base, '--smp', '2', '--append', 'console=ttyS0'], {
      timeoutMs: 1_500_000,
      respond: [{ when: 'tsvisor guest: modules', send: 'echo shell-$((6*7)) cpus=$(nproc); poweroff -f\n' }],
    });
    expect(r.stdout).toContain('shell-42 cpus=2');
    expect(r.status).toBe(0);
  });
});
