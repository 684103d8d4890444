import { existsSync } from 'node:fs';

/**
 * Where Debian installs OpenSBI's generic fw_dynamic firmware: the opensbi package, and
 * the copy qemu-system-data ships. Searched at run time; QEMU's default -bios is the same firmware.
 */
const DEFAULT_BIOS_CANDIDATES = [
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin',
  '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin',
];

/** The default firmware path, or undefined when none is installed. */
export function findDefaultBios(): string | undefined {
  return DEFAULT_BIOS_CANDIDATES.find((p) => existsSync(p));
}
