/**
 * Debian's kernel on `tsvisor machine --aia aplic-imsic` (QEMU's -machine virt,aia=aplic-imsic):
 * OpenSBI sets up the M-level IMSICs and APLIC and delegates the sources; Linux drives the
 * S-level APLIC in MSI mode and the S-level IMSICs (irq-riscv-aplic-msi, irq-riscv-imsic-*),
 * including IPIs (one boot, --smp 2, with a virtio-rng device to read from). And `tsvisor run
 * --irqchip aia`: the same drivers in a VS-mode guest on kvm-api's in-kernel AIA.
 */
import { describe, expect, it } from 'vitest';
import { ensureGuest } from '../../../tooling/guest/src/guest.js';
import { runCli } from '../src/test/run-cli.js';

const guest = ensureGuest();

/** Per-CPU counts of the /proc/interrupts line whose last field is `name`. */
function counts(stdout: string, name: string): { counts: number[]; line: string } | undefined {
  const line = stdout.split(/\r?\n/).find((l) => l.trimEnd().endsWith(` ${name}`));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/);
  return { counts: [Number(f[1]), Number(f[2])], line };
}

describe('Debian Linux with the AIA', () => {
  it('tsvisor machine --aia aplic-imsic: boots with APLIC + IMSIC, and UART, virtio and IPI interrupts arrive through them (--smp 2)', async () => {
    const r = await runCli(
      ['machine', '-m', '512M', '--smp', '2', '--clock', 'instructions', '--jit', 'off', '--aia', 'aplic-imsic', '--rng',
        '--kernel', guest.image, '--initrd', guest.initramfs, '--append', 'console=ttyS0'],
      {
        timeoutMs: 1_500_000,
        respond: [{
          when: 'tsvisor guest: modules',
          send: 'load-modules virtio_mmio virtio-rng >/dev/null; head -c 64 /dev/hwrng | wc -c; cat /proc/interrupts; echo END-$((6*7)); poweroff -f\n',
        }],
      },
    );
    expect(r.stdout).toContain('Platform IPI Device       : aia-imsic'); // OpenSBI found the M-level IMSICs
    expect(r.stdout).toContain('riscv-intc: 64 local interrupts mapped using AIA');
    expect(r.stdout).toContain('riscv-imsic: imsics@28000000: providing IPIs using interrupt 1');
    expect(r.stdout).toContain('riscv-aplic d000000.aplic: 96 interrupts forwarded to MSI base 0x0000000028000000');
    expect(r.stdout).toContain('END-42');
    expect(r.stdout).toMatch(/\n64\r?\n/); // 64 bytes from virtio-rng
    const uart = counts(r.stdout, 'ttyS0');
    const virtio = counts(r.stdout, 'virtio0');
    const ipi = r.stdout.split(/\r?\n/).find((l) => /^\s*IPI1:/.test(l));
    expect(uart?.line).toMatch(/APLIC-MSI-d000000\.aplic\s+10 Level/);
    expect(virtio?.line).toMatch(/APLIC-MSI-d000000\.aplic\s+1 Level/);
    expect(uart!.counts[0]! + uart!.counts[1]!).toBeGreaterThan(0);
    expect(virtio!.counts[0]! + virtio!.counts[1]!).toBeGreaterThan(0);
    // Function-call IPIs (IMSIC identity 1) reached both harts.
    const ipiCounts = ipi!.trim().split(/\s+/).slice(1, 3).map(Number);
    expect(ipiCounts.every((n) => n > 0)).toBe(true);
    expect(r.status).toBe(0);
  });

  it('tsvisor run --irqchip aia: the guest drives KVM\'s in-kernel APLIC and IMSIC (KVM_IRQ_LINE, no userspace irqchip) and shuts down with 0', async () => {
    const r = await runCli(['run', '-m', '256', '--irqchip', 'aia', '-k', guest.image, '-i', guest.initramfs, '-p', 'tsvisor.test=1'], { timeoutMs: 1_500_000 });
    expect(r.stdout).toContain('riscv-intc: 64 local interrupts mapped using AIA');
    expect(r.stdout).toContain('riscv-imsic: imsics@8000000: providing IPIs using interrupt 1');
    expect(r.stdout).toMatch(/riscv-aplic 8001000\.aplic: \d+ interrupts forwarded to MSI base 0x0000000008000000/);
    expect(r.stdout).toContain('TSVISOR-BOOT-OK');
    expect(r.stdout).toContain('reboot: Power down');
    expect(r.status).toBe(0);
  });
});
