/**
 * `tsvisor run`: a kvmtool-like VMM (`lkvm run`) on @tsvisor/kvm-api. Without --kernel it
 * boots the cached Debian guest, fetching it on first use.
 */
import { H_SPECS } from '@tsvisor/csr-h-ext';
import { KVM_RISCV_ISA_EXT_IDS, KVM_RISCV_SBI_EXT_IDS } from '@tsvisor/kvm-api';
import { Vmm, VmmError, formatKvmStat, type VmmOptions } from '@tsvisor/vmm';
import { Command, Option } from 'commander';
import { readImage, writeOutput } from '../adapters/files.js';
import { onInspectSignal } from '../adapters/signals.js';
import { attachTerminal } from '../adapters/terminal.js';
import { CliError } from '../errors.js';
import { parseMemorySize } from '../size.js';
import { addVirtioOptions, virtioDeviceList, type VirtioCliOptions } from '../virtio-options.js';

export interface RunCliOptions extends VirtioCliOptions {
  kernel?: string;
  initrd?: string;
  params?: string;
  mem: string;
  cpus: string;
  console: 'serial' | 'sbi';
  sbiVersion?: string;
  hExt: string;
  dumpDtb?: string;
  stats?: boolean;
  irqchip?: 'plic' | 'aia';
  [disable: string]: unknown;
}

/** kvmtool's --disable-<ext> flags: one per ISA extension KVM can turn off (alphabetical, as kvmtool lists them). */
const ISA_FLAGS = KVM_RISCV_ISA_EXT_IDS.filter((e) => e.length > 1).map((e) => e.toLowerCase()).sort();
const SBI_FLAGS = KVM_RISCV_SBI_EXT_IDS.map((e) => (e === 'V01' ? 'legacy' : e.toLowerCase()));

const camel = (flag: string) => flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The Debian guest from the cache (fetched on first use, with progress on stderr). */
async function debianGuest(): Promise<{ kernel: string; initrd: string }> {
  const { ensureGuest } = await import('@tsvisor/guest');
  const g = ensureGuest({ log: (line: string) => process.stderr.write(`${line}\n`) });
  return { kernel: g.image, initrd: g.initramfs };
}

export async function runOptions(o: RunCliOptions): Promise<VmmOptions> {
  const memory = parseMemorySize(o.mem, '-m');
  if (!/^\d+$/.test(o.cpus)) throw new CliError(`--cpus ${o.cpus}: not a whole number of vCPUs`);
  let kernelPath = o.kernel;
  let initrdPath = o.initrd;
  let params = o.params;
  if (kernelPath === undefined) {
    const g = await debianGuest();
    kernelPath = g.kernel;
    initrdPath ??= g.initrd;
  }
  const disableIsaExt = ISA_FLAGS.filter((f) => o[camel(`disable-${f}`)] === true);
  const disableSbiExt = SBI_FLAGS.filter((f) => o[camel(`disable-sbi-${f}`)] === true).map((f) => (f === 'legacy' ? 'V01' : f));
  const hostH = H_SPECS[o.hExt as keyof typeof H_SPECS];
  if (!hostH) throw new CliError(`--h-ext ${o.hExt}: unknown version (choose ${Object.keys(H_SPECS).join(' or ')})`);
  if (o.irqchip === 'aia' && disableIsaExt.includes('ssaia')) throw new CliError('--irqchip aia: the in-kernel AIA needs Ssaia in the guest (drop --disable-ssaia)');
  return {
    memory,
    cpus: Number(o.cpus),
    hostH,
    kernel: readImage(kernelPath, '--kernel'),
    initrd: initrdPath !== undefined ? readImage(initrdPath, '--initrd') : undefined,
    params,
    console: o.console,
    sbiVersion: o.sbiVersion,
    disableIsaExt,
    disableSbiExt,
    virtio: await virtioDeviceList(o),
    irqchip: o.irqchip,
  };
}

export async function runRunCommand(o: RunCliOptions): Promise<number> {
  let vmm: Vmm;
  try {
    vmm = new Vmm(await runOptions(o));
  } catch (e) {
    if (e instanceof VmmError) throw new CliError(e.message);
    throw e;
  }
  if (o.dumpDtb !== undefined) {
    writeOutput(o.dumpDtb, vmm.dtb, '--dump-dtb');
    return 0;
  }
  const started = performance.now();
  // kvm_stat's view of the run so far: exits by reason (KVM's counter names) and guest instructions.
  const kvmStat = () => formatKvmStat({ stats: vmm.vcpuStats(), instructions: vmm.instructionsRetired(), seconds: (performance.now() - started) / 1000 });
  const describe = () =>
    vmm.vcpus.map((v) => `vcpu ${v.id}: mp_state=${v.getMpState().mpState}`).join('\n') +
    `\nexits to the VMM: ${Object.entries(vmm.stats).map(([k, n]) => `${k}=${n}`).join(' ')}\n${kvmStat()}`;
  const term = attachTerminal({
    input: (b) => vmm.pushInput(b),
    quit: () => vmm.stop(0),
    inspect: () => process.stderr.write(`\r\n${describe().replace(/\n/g, '\r\n')}\r\n`),
  });
  vmm.setOutput(term.write);
  const off = onInspectSignal(() => process.stderr.write(`${describe()}\n`));
  try {
    const r = await vmm.run();
    if (r.reason === 'error') {
      process.stderr.write(`tsvisor: ${r.message}\n`);
      return 1;
    }
    return r.status;
  } finally {
    off();
    term.close();
    if (o.stats) process.stderr.write(`${kvmStat()}\n`);
  }
}

export function runCommand(): Command {
  const cmd = addVirtioOptions(new Command('run'))
    .description('run a guest on the KVM-style API, as kvmtool does (lkvm run); without --kernel, the Debian guest')
    .option('-k, --kernel <file>', 'kernel Image (RISC-V Linux Image or flat binary)')
    .option('-i, --initrd <file>', 'initial ramdisk')
    .option('-p, --params <cmdline>', 'extra kernel command line')
    .option('-m, --mem <size>', 'guest RAM: 256M, 1G, or a plain number of MiB', '256')
    .option('-c, --cpus <n>', 'number of vCPUs', '1')
    .addOption(new Option('--console <kind>', 'guest console: serial (8250, ttyS0) or sbi (SBI debug console)').choices(['serial', 'sbi']).default('serial'))
    .option('--sbi-version <v>', 'SBI version the guest sees (0.1 .. 3.0)')
    .option('--h-ext <version>', 'H extension spec module of the emulated host harts: 1.0 or 0.6.1', '1.0')
    .option('--dump-dtb <file>', 'write the generated device tree to <file> and exit')
    .addOption(new Option('--irqchip <kind>', "interrupt controller: plic (emulated by the VMM, KVM_INTERRUPT) or aia (KVM's in-kernel APLIC + IMSIC, KVM_IRQ_LINE; kvmtool --irqchip=aia)").choices(['plic', 'aia']).default('plic'))
    .option('--stats', 'when the guest stops, print exits by reason (kvm_stat names) and guest instructions retired on stderr (SIGUSR1 prints them any time)');
  for (const f of ISA_FLAGS) cmd.option(`--disable-${f}`, `hide ISA extension ${f} from the guest`);
  for (const f of SBI_FLAGS) cmd.option(`--disable-sbi-${f}`, `hide SBI extension ${f} from the guest`);
  return cmd;
}
