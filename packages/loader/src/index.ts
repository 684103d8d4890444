export type { GuestMemoryWriter, GuestRam, LoadedImage, LoadedSegment } from './memory.js';
export { LoaderError, ImageFormatError, TruncatedImageError, ImageDoesNotFitError, ImageOverlapError } from './errors.js';
export type { ImageLoader, LoadOptions } from './loader.js';
export { IMAGE_LOADERS, detectLoader, elfLoader, linuxImageLoader, loadImage, rawLoader } from './loader.js';
export { isElf, loadElf, parseElf } from './elf/elf.js';
export type { ElfFile, ElfSegment, LoadElfOptions, LoadedElf } from './elf/elf.js';
export { EM_RISCV, PT_LOAD, PF_R, PF_W, PF_X } from './elf/defs.js';
export {
  isLinuxImage,
  loadLinuxImage,
  parseLinuxImageHeader,
  RISCV_IMAGE_HEADER_SIZE,
  RISCV_IMAGE_MAGIC,
  RISCV_IMAGE_MAGIC2,
} from './linux-image/image.js';
export type { LinuxImageHeader, LoadedLinuxImage, LoadLinuxImageOptions } from './linux-image/image.js';
export { loadRaw } from './raw/raw.js';
export type { LoadRawOptions } from './raw/raw.js';
export {
  loadQemuVirtBoot,
  qemuFdtAddress,
  qemuInitrdAddress,
  qemuKernelStartAddress,
  QEMU_FDT_MAX_SIZE,
  MiB,
} from './placement/qemu-virt.js';
export type { BootFile, QemuVirtBoot, QemuVirtBootOptions } from './placement/qemu-virt.js';
export {
  loadKvmtoolBoot,
  kvmtoolFdtAddress,
  kvmtoolInitrdAddress,
  kvmtoolKernelAddress,
  kvmtoolLowmemEnd,
  KVMTOOL_FDT_ALIGN,
  KVMTOOL_FDT_MAX_SIZE,
  KVMTOOL_INITRD_ALIGN,
  KVMTOOL_KERNEL_OFFSET_RV64,
} from './placement/kvmtool.js';
export type { KvmtoolBoot, KvmtoolBootOptions } from './placement/kvmtool.js';
export { CpioWriter, S_IFBLK, S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG } from './cpio/newc.js';
export type { CpioEntryOptions } from './cpio/newc.js';
export { crc32, gzipStored, isGzip } from './gzip/gzip.js';
export { LOADER_SPECS } from './spec.js';
