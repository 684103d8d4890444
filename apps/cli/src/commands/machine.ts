/**
 * `tsvisor machine`: a QEMU-virt-like machine with QEMU-like options
 * (`-bios`, `-kernel`, `-initrd`, `-append`, `-m`, `-smp`, `-dtb`, `dumpdtb`).
 */
import { createVirtMachine, VirtMachineError, type VirtMachine, type VirtMachineOptions } from '@tsvisor/board-virt';
import { H_SPECS, hypervisor } from '@tsvisor/csr-h-ext';
import type { Extension } from '@tsvisor/isa-core';
import { Command, Option } from 'commander';
import { readImage, writeOutput } from '../adapters/files.js';
import { findDefaultBios } from '../adapters/firmware.js';
import { onInspectSignal } from '../adapters/signals.js';
import { attachTerminal } from '../adapters/terminal.js';
import { CliError } from '../errors.js';
import { parseMemorySize } from '../size.js';
import { addVirtioOptions, virtioDevices, type VirtioCliOptions } from '../virtio-options.js';

export interface MachineCliOptions extends VirtioCliOptions {
  guest?: boolean;
  bios?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  memory: string;
  smp: string;
  isa?: string;
  hExt?: string;
  dumpDtb?: string;
  dtb?: string;
  clock: 'host' | 'paced' | 'instructions';
  jit?: 'on' | 'off';
  /** QEMU's -machine virt,aia=: none, aplic or aplic-imsic. */
  aia?: 'none' | 'aplic' | 'aplic-imsic';
  /** QEMU's aia-guests: IMSIC guest interrupt files per hart (also the H extension's GEILEN). */
  aiaGuests?: string;
}

const H_VERSIONS = Object.keys(H_SPECS);

/** The H extension object for `--h-ext` (@tsvisor/csr-h-ext: ratified 1.0, or the 0.6.1 draft Linux KVM was written against). */
function hExtension(version: string, geilen = 0): Extension {
  const spec = Object.hasOwn(H_SPECS, version) ? H_SPECS[version] : undefined;
  if (!spec) throw new CliError(`--h-ext ${version}: unknown version (choose ${H_VERSIONS.join(' or ')})`);
  return hypervisor(spec, { geilen });
}

/** True when the single-letter part of an ISA string (before the first z/s/x name) names H. */
function isaHasH(isa: string): boolean {
  const letters = isa.trim().toLowerCase().replace(/^rv(32|64)/, '').split('_')[0].split(/[zsx]/)[0];
  return letters.includes('h');
}

function parseSmp(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new CliError(`--smp ${text}: not a whole number of harts`);
  return Number(text);
}

/** Builds the machine options from the command line (reads the files). */
export async function machineOptions(o: MachineCliOptions): Promise<VirtMachineOptions> {
  const memory = parseMemorySize(o.memory, '-m');
  const harts = parseSmp(o.smp);
  const aiaGuests = o.aiaGuests === undefined ? 0 : /^\d+$/.test(o.aiaGuests.trim()) ? Number(o.aiaGuests) : NaN;
  if (Number.isNaN(aiaGuests)) throw new CliError(`--aia-guests ${String(o.aiaGuests)}: not a whole number`);
  const extensions: Extension[] = [];
  let isa = o.isa;
  if (o.hExt !== undefined) {
    extensions.push(hExtension(o.hExt, aiaGuests));
    if (isa === undefined) isa = 'rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc';
  } else if (isa !== undefined && isaHasH(isa)) {
    // An 'h' in --isa without --h-ext: the ratified H 1.0.
    extensions.push(hExtension('1.0', aiaGuests));
  }
  let bios: VirtMachineOptions['bios'];
  if (o.bios === 'none') bios = 'none';
  else if (o.bios === undefined || o.bios === 'default') {
    const path = findDefaultBios();
    if (!path) throw new CliError(`no default firmware: install Debian's opensbi package, or pass --bios <file> or --bios none`);
    bios = readImage(path, '--bios');
  } else bios = readImage(o.bios, '--bios');
  let kernelPath = o.kernel;
  let initrdPath = o.initrd;
  let append = o.append;
  if (o.guest) {
    // The Debian guest from the cache, fetched on first use (progress on stderr).
    if (kernelPath !== undefined) throw new CliError('--guest and --kernel both name a kernel: use one of them');
    const { ensureGuest } = await import('@tsvisor/guest');
    const g = ensureGuest({ log: (line: string) => process.stderr.write(`${line}\n`) });
    kernelPath = g.image;
    initrdPath ??= g.initramfs;
    append ??= 'console=ttyS0';
  }
  return {
    memory,
    harts,
    isa,
    extensions,
    bios,
    kernel: kernelPath !== undefined ? readImage(kernelPath, '--kernel') : undefined,
    initrd: initrdPath !== undefined ? readImage(initrdPath, '--initrd') : undefined,
    dtb: o.dtb !== undefined ? readImage(o.dtb, '--dtb') : undefined,
    bootargs: append,
    clock: o.clock,
    jit: o.jit !== 'off',
    aia: o.aia,
    aiaGuests,
    virtio: await virtioDevices({ ...o, p9: (o as { '9p'?: string[] })['9p'] ?? o.p9 }),
  };
}

function build(options: VirtMachineOptions): VirtMachine {
  try {
    return createVirtMachine(options);
  } catch (e) {
    if (VirtMachineError.is(e)) throw new CliError(e.message);
    throw e;
  }
}

function describeHarts(m: VirtMachine): string {
  return m
    .inspect()
    .map((h) => `hart ${h.hartId}: pc=0x${h.pc.toString(16)} mode=${h.priv} ${h.status}; last trap: ${h.lastTrap ?? 'none'}`)
    .join('\n');
}

/** Runs the machine on this terminal; resolves with the process exit status. */
export async function runMachineCommand(o: MachineCliOptions): Promise<number> {
  const options = await machineOptions(o);
  let machine = build(options);
  if (o.dumpDtb !== undefined) {
    writeOutput(o.dumpDtb, machine.dtb, '--dump-dtb');
    return 0;
  }
  let quitStatus: number | undefined;
  const term = attachTerminal({
    input: (b) => machine.pushInput(b),
    quit: () => {
      quitStatus = 0;
      machine.stop(0);
    },
    inspect: () => process.stderr.write(`\r\n${describeHarts(machine).replace(/\n/g, '\r\n')}\r\n`),
  });
  const offSignal = onInspectSignal(() => process.stderr.write(`${describeHarts(machine)}\n`));
  try {
    for (;;) {
      const status = await runWith(machine, term.write);
      if (quitStatus !== undefined) return quitStatus;
      if (machine.reason !== 'reset') return status & 0xff;
      // sifive_test reset (0x7777): reboot, as QEMU does, with the same images.
      machine = build({ ...options, output: term.write });
    }
  } finally {
    offSignal();
    term.close();
  }
}

async function runWith(machine: VirtMachine, write: (b: Uint8Array) => void): Promise<number> {
  machine.setOutput(write);
  return machine.run();
}

export function machineCommand(): Command {
  return addVirtioOptions(new Command('machine'))
    .description('run a QEMU-virt-like machine (UART on this terminal; Ctrl-A X quits, Ctrl-A H helps)')
    .option('--bios <file>', "M-mode firmware: a file, 'none' (the kernel runs in M mode), or 'default' (Debian's OpenSBI fw_dynamic.bin)")
    .option('--kernel <file>', 'ELF, RISC-V Linux Image, or raw binary')
    .option('--guest', "boot the Debian guest (Debian's kernel and a busybox initramfs, fetched into a cache on first use)")
    .option('--initrd <file>', 'initial ramdisk')
    .option('--append <cmdline>', 'kernel command line (/chosen/bootargs)')
    .option('-m, --memory <size>', 'RAM size: 256M, 1G, or a plain number of MiB', '128M')
    .option('--smp <n>', 'number of harts', '1')
    .option('--isa <string>', 'ISA string for every hart, e.g. rv64imafdc_zicsr_zifencei_zba_zbb')
    .option('--h-ext <version>', 'add the H extension: 1.0 or 0.6.1')
    .addOption(new Option('--aia <mode>', "interrupt controllers, as QEMU's -machine virt,aia=: none (PLIC), aplic, or aplic-imsic (APLIC + IMSICs, harts with Smaia/Ssaia)").choices(['none', 'aplic', 'aplic-imsic']).default('none'))
    .option('--aia-guests <n>', 'IMSIC guest interrupt files per hart with --aia aplic-imsic (0..7; the H extension gets GEILEN n)')
    .option('--dump-dtb <file>', 'write the generated device tree to <file> and exit')
    .option('--dtb <file>', 'use this device tree instead of the generated one')
    .addOption(new Option('--clock <kind>', 'time source: paced (wall time, never ahead of the harts), host (wall time) or instructions (deterministic)').choices(['paced', 'host', 'instructions']).default('paced'))
    .addOption(new Option('--jit <on|off>', "the harts' compiled-block tier (off: the plain interpreter)").choices(['on', 'off']).default('on'));
}
