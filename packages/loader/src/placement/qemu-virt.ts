import { LoaderError } from '../errors.js';
import { detectLoader } from '../loader.js';
import {
  alignDown,
  alignUp,
  checkInRam,
  checkNoOverlap,
  type GuestMemoryWriter,
  type GuestRam,
  type LoadedImage,
  type PlacedRange,
  ramEnd,
} from '../memory.js';

// Placement rules of QEMU 7.2's RISC-V boot helper (hw/riscv/boot.c, hw/riscv/virt.c), checked
// against `info roms` of qemu-system-riscv64 7.2 in placement tests.

export const MiB = 0x10_0000;
/** QEMU's device-tree buffer size (FDT_MAX_SIZE in device_tree.c): the DTB is placed as if this big. */
export const QEMU_FDT_MAX_SIZE = MiB;

/** A file to load: its name (for messages) and contents. */
export interface BootFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The kernel goes at the first 2 MiB boundary at or after the firmware's end (4 MiB on RV32). */
export function qemuKernelStartAddress(firmwareEnd: number, xlen: 32 | 64 = 64): number {
  return alignUp(firmwareEnd, xlen === 32 ? 4 * MiB : 2 * MiB);
}

/**
 * The initrd goes at kernelEntry + min(RAM size / 2, 128 MiB): far enough for the kernel to
 * decompress below it, low enough to stay in lowmem. kernelEntry is the kernel's load address.
 */
export function qemuInitrdAddress(kernelEntry: number, ramSize: number): number {
  return kernelEntry + Math.min(Math.floor(ramSize / 2), 128 * MiB);
}

/**
 * The DTB goes at the 2 MiB boundary at or below (end - fdtSize), where end is the end of RAM or
 * 3 GiB, whichever is lower (kept 32-bit addressable), when RAM starts below 3 GiB.
 */
export function qemuFdtAddress(ram: GuestRam, fdtSize: number = QEMU_FDT_MAX_SIZE): number {
  const end = ram.base < 3072 * MiB ? Math.min(ramEnd(ram), 3072 * MiB) : ramEnd(ram);
  return alignDown(end - fdtSize, 2 * MiB);
}

export interface QemuVirtBootOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  /** -bios: an ELF (loaded at its addresses) or a flat binary at RAM base; null or absent = `-bios none`. */
  firmware?: BootFile | null;
  /** -kernel: ELF, RISC-V Image or raw. */
  kernel?: BootFile;
  /** -initrd: loaded as it is (gzip or uncompressed cpio). */
  initrd?: BootFile;
  /** Size the DTB is placed for; default QEMU's 1 MiB buffer. */
  fdtSize?: number;
  xlen?: 32 | 64;
}

export interface QemuVirtBoot {
  /** Where the reset vector jumps: RAM base (the firmware, or the kernel with `-bios none`). */
  readonly startAddress: number;
  readonly firmware?: LoadedImage;
  readonly kernel?: LoadedImage;
  /**
   * The address handed to the firmware as the next stage (fw_dynamic_info.next_addr), 0 without a
   * kernel. For an ELF kernel QEMU 7.2 uses its lowest load address, not e_entry.
   */
  readonly kernelEntry: number;
  /** The initrd's [start, end) for /chosen linux,initrd-start / linux,initrd-end. */
  readonly initrd?: { readonly start: number; readonly end: number };
  /** Where the DTB must be written (a1 at entry). */
  readonly fdtAddress: number;
}

/**
 * Loads firmware, kernel and initrd the way QEMU 7.2 places them on the virt board and says where
 * the DTB goes. Nothing is written unless every image fits in RAM without overlapping another.
 */
export function loadQemuVirtBoot(options: QemuVirtBootOptions): QemuVirtBoot {
  const { ram, memory } = options;
  const fdtSize = options.fdtSize ?? QEMU_FDT_MAX_SIZE;
  // Load into a staging writer first so that a later error leaves guest memory untouched.
  const staged: { address: number; bytes: Uint8Array }[] = [];
  const stage: GuestMemoryWriter = { write: (address, bytes) => staged.push({ address, bytes }) };
  const ranges: PlacedRange[] = [];

  let firmware: LoadedImage | undefined;
  let firmwareEnd = ram.base;
  if (options.firmware) {
    const f = options.firmware;
    firmware = detectLoader(f.bytes).format === 'elf'
      ? detectLoader(f.bytes).load(f.bytes, { ram, memory: stage, address: ram.base, name: f.name })
      : rawLoadAt(f, ram, stage, ram.base);
    firmwareEnd = firmware.highAddress;
    ranges.push({ name: f.name, start: firmware.lowAddress, end: firmware.highAddress });
  }

  let kernel: LoadedImage | undefined;
  let kernelEntry = 0;
  if (options.kernel) {
    const k = options.kernel;
    const start = qemuKernelStartAddress(firmwareEnd, options.xlen);
    kernel = detectLoader(k.bytes).load(k.bytes, { ram, memory: stage, address: start, name: k.name });
    kernelEntry = kernel.format === 'elf' ? kernel.lowAddress : start;
    ranges.push({ name: k.name, start: kernel.lowAddress, end: kernel.highAddress });
  }

  let initrd: { start: number; end: number } | undefined;
  if (options.initrd) {
    const r = options.initrd;
    if (!options.kernel) throw new LoaderError(`${r.name}: an initrd needs a kernel (QEMU loads it relative to the kernel)`);
    const start = qemuInitrdAddress(kernelEntry, ram.size);
    checkInRam(r.name, 'initrd', start, r.bytes.length, ram);
    staged.push({ address: start, bytes: r.bytes });
    initrd = { start, end: start + r.bytes.length };
    ranges.push({ name: r.name, start, end: initrd.end });
  }

  const fdtAddress = qemuFdtAddress(ram, fdtSize);
  checkInRam('device tree', 'DTB', fdtAddress, fdtSize, ram);
  ranges.push({ name: 'device tree', start: fdtAddress, end: fdtAddress + fdtSize });
  checkNoOverlap(ranges);

  for (const s of staged) memory.write(s.address, s.bytes);
  return { startAddress: ram.base, firmware, kernel, kernelEntry, initrd, fdtAddress };
}

function rawLoadAt(f: BootFile, ram: GuestRam, memory: GuestMemoryWriter, address: number): LoadedImage {
  checkInRam(f.name, 'firmware', address, f.bytes.length, ram);
  memory.write(address, f.bytes);
  const end = address + f.bytes.length;
  return { format: 'raw', entry: address, lowAddress: address, highAddress: end, segments: [{ address, fileSize: f.bytes.length, memSize: f.bytes.length }] };
}
