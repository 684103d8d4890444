import { ImageDoesNotFitError, ImageOverlapError } from '../errors.js';
import { isLinuxImage, loadLinuxImage } from '../linux-image/image.js';
import {
  alignUp,
  checkInRam,
  checkNoOverlap,
  type GuestMemoryWriter,
  type GuestRam,
  hex,
  type LoadedImage,
  type PlacedRange,
} from '../memory.js';
import { loadRaw } from '../raw/raw.js';
import { type BootFile, MiB } from './qemu-virt.js';

// Placement rules of kvmtool's riscv/kvm.c (kvm__arch_load_kernel_image), restated:
// - the kernel file is copied to RAM + 2 MiB (RV64; 4 MiB on RV32), where Linux wants to start;
// - the DTB goes at the first 4 MiB boundary at least 4 MiB past the end of the kernel file;
// - the initrd ends just below the top of lowmem, min(RAM size, 256 MiB), 8-byte aligned,
//   because Linux needs both the DTB and the initrd inside lowmem.

export const KVMTOOL_KERNEL_OFFSET_RV64 = 2 * MiB;
export const KVMTOOL_KERNEL_OFFSET_RV32 = 4 * MiB;
export const KVMTOOL_FDT_ALIGN = 4 * MiB;
export const KVMTOOL_INITRD_ALIGN = 8;
export const KVMTOOL_LOWMEM = 256 * MiB;
/** kvmtool's FDT buffer size (FDT_MAX_SIZE in riscv/fdt.c). */
export const KVMTOOL_FDT_MAX_SIZE = 0x1_0000;

/** One past the last lowmem byte: RAM base + min(RAM size, 256 MiB). */
export function kvmtoolLowmemEnd(ram: GuestRam): number {
  return ram.base + Math.min(ram.size, KVMTOOL_LOWMEM);
}

export function kvmtoolKernelAddress(ram: GuestRam, xlen: 32 | 64 = 64): number {
  return ram.base + (xlen === 32 ? KVMTOOL_KERNEL_OFFSET_RV32 : KVMTOOL_KERNEL_OFFSET_RV64);
}

/** The DTB address for a kernel file ending at `kernelFileEnd`. */
export function kvmtoolFdtAddress(kernelFileEnd: number): number {
  return alignUp(kernelFileEnd + KVMTOOL_FDT_ALIGN, KVMTOOL_FDT_ALIGN);
}

/** The initrd address: its end sits just under the top of lowmem. */
export function kvmtoolInitrdAddress(ram: GuestRam, initrdSize: number): number {
  const limit = kvmtoolLowmemEnd(ram) - 1; // kvmtool's limit is the last usable byte
  return alignUp(limit - (initrdSize + KVMTOOL_INITRD_ALIGN), KVMTOOL_INITRD_ALIGN);
}

export interface KvmtoolBootOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  /** A RISC-V Image (checked) or a flat binary; kvmtool copies the file as it is. */
  kernel: BootFile;
  initrd?: BootFile;
  /** Size reserved for the DTB; default kvmtool's 64 KiB buffer. */
  fdtSize?: number;
  xlen?: 32 | 64;
}

export interface KvmtoolBoot {
  readonly kernel: LoadedImage;
  /** pc of the boot vCPU. */
  readonly entry: number;
  /** a1 of the boot vCPU. */
  readonly fdtAddress: number;
  readonly initrd?: { readonly start: number; readonly end: number };
}

/** Loads kernel and initrd as `lkvm run` does on RISC-V and says where the DTB goes. */
export function loadKvmtoolBoot(options: KvmtoolBootOptions): KvmtoolBoot {
  const { ram, memory } = options;
  const fdtSize = options.fdtSize ?? KVMTOOL_FDT_MAX_SIZE;
  const lowmemEnd = kvmtoolLowmemEnd(ram);
  const k = options.kernel;
  const address = kvmtoolKernelAddress(ram, options.xlen);
  if (address + k.bytes.length > lowmemEnd - 1) {
    throw new ImageDoesNotFitError(`${k.name}: kernel at ${hex(address)}+${hex(k.bytes.length)} does not fit below ${hex(lowmemEnd)} (lowmem, min(RAM, 256 MiB))`);
  }
  const staged: { address: number; bytes: Uint8Array }[] = [];
  const stage: GuestMemoryWriter = { write: (a, bytes) => staged.push({ address: a, bytes }) };
  const kernel = isLinuxImage(k.bytes)
    ? loadLinuxImage(k.bytes, { ram, memory: stage, address, name: k.name })
    : loadRaw(k.bytes, { ram, memory: stage, address, name: k.name });
  const kernelFileEnd = address + k.bytes.length;
  const fdtAddress = kvmtoolFdtAddress(kernelFileEnd);
  checkInRam('device tree', 'DTB', fdtAddress, fdtSize, ram);
  const ranges: PlacedRange[] = [
    { name: k.name, start: kernel.lowAddress, end: kernel.highAddress },
    { name: 'device tree', start: fdtAddress, end: fdtAddress + fdtSize },
  ];
  let initrd: { start: number; end: number } | undefined;
  if (options.initrd) {
    const r = options.initrd;
    const start = kvmtoolInitrdAddress(ram, r.bytes.length);
    if (start < kernelFileEnd) {
      throw new ImageOverlapError(`${r.name}: initrd of ${hex(r.bytes.length)} bytes below ${hex(lowmemEnd)} would overlap the kernel ending at ${hex(kernelFileEnd)}`);
    }
    checkInRam(r.name, 'initrd', start, r.bytes.length, ram);
    staged.push({ address: start, bytes: r.bytes });
    initrd = { start, end: start + r.bytes.length };
    ranges.push({ name: r.name, start, end: initrd.end });
  }
  checkNoOverlap(ranges);
  for (const s of staged) memory.write(s.address, s.bytes);
  return { kernel, entry: address, fdtAddress, initrd };
}
