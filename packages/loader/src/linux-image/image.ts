import { ImageFormatError, TruncatedImageError } from '../errors.js';
import { checkInRam, type GuestMemoryWriter, type GuestRam, hex, type LoadedImage } from '../memory.js';

// Linux Documentation/arch/riscv/boot-image-header.rst: the 64-byte header at the start of a
// RISC-V `Image`. All fields little-endian. Debian's kernel starts with a PE/COFF "MZ" stub in
// code0 (EFI stub); that does not change the header layout.
export const RISCV_IMAGE_HEADER_SIZE = 64;
/** Deprecated magic at 0x30: "RISCV\0\0\0". */
export const RISCV_IMAGE_MAGIC = 0x5643534952n;
/** magic2 at 0x38: "RSC\x05". */
export const RISCV_IMAGE_MAGIC2 = 0x05435352;
/** flags bit 0: kernel endianness, 0 = little-endian. */
export const RISCV_IMAGE_FLAG_BE = 1n;
/** RV64 kernels must start at a 2 MiB-aligned physical address (RV32: 4 MiB). */
export const RISCV_IMAGE_ALIGN_RV64 = 0x20_0000;

export interface LinuxImageHeader {
  readonly code0: number;
  readonly code1: number;
  readonly textOffset: bigint;
  /** Effective size the kernel occupies once running (bss included), or 0 if unknown. */
  readonly imageSize: bigint;
  readonly flags: bigint;
  /** major << 16 | minor. */
  readonly version: number;
  /** True if code0 starts with "MZ" (a PE/COFF EFI stub). */
  readonly efiStub: boolean;
}

/** True if the bytes carry the RISC-V Image magic (magic2 "RSC\x05" or the older "RISCV" magic). */
export function isLinuxImage(bytes: Uint8Array): boolean {
  if (bytes.length < RISCV_IMAGE_HEADER_SIZE) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return dv.getUint32(0x38, true) === RISCV_IMAGE_MAGIC2 || dv.getBigUint64(0x30, true) === RISCV_IMAGE_MAGIC;
}

/** Reads and checks the Image header. */
export function parseLinuxImageHeader(bytes: Uint8Array, name = 'kernel'): LinuxImageHeader {
  if (bytes.length < RISCV_IMAGE_HEADER_SIZE) {
    throw new TruncatedImageError(`${name}: ${bytes.length} bytes is shorter than the 64-byte RISC-V Image header`);
  }
  if (!isLinuxImage(bytes)) throw new ImageFormatError(`${name}: not a RISC-V Linux Image (no "RSC\\x05" magic at 0x38)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = dv.getBigUint64(24, true);
  if (flags & RISCV_IMAGE_FLAG_BE) throw new ImageFormatError(`${name}: the Image header says the kernel is big-endian`);
  return {
    code0: dv.getUint32(0, true),
    code1: dv.getUint32(4, true),
    textOffset: dv.getBigUint64(8, true),
    imageSize: dv.getBigUint64(16, true),
    flags,
    version: dv.getUint32(32, true),
    efiStub: bytes[0] === 0x4d && bytes[1] === 0x5a,
  };
}

export interface LoadLinuxImageOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  /** Physical load address; must be 2 MiB aligned (RV64). */
  address: number;
  name?: string;
}

export interface LoadedLinuxImage extends LoadedImage {
  readonly format: 'linux-image';
  readonly header: LinuxImageHeader;
}

/**
 * Copies the Image to `address` (QEMU and kvmtool both ignore text_offset and pick the address
 * themselves). The image occupies max(file size, image_size) bytes: the kernel's bss lies past the
 * end of the file, so that much RAM must exist. Entry is the load address.
 */
export function loadLinuxImage(bytes: Uint8Array, options: LoadLinuxImageOptions): LoadedLinuxImage {
  const name = options.name ?? 'kernel';
  const header = parseLinuxImageHeader(bytes, name);
  const { ram, memory, address } = options;
  if (address % RISCV_IMAGE_ALIGN_RV64) {
    throw new ImageFormatError(`${name}: a RISC-V Image must be loaded at a 2 MiB-aligned address (got ${hex(address)})`);
  }
  const footprint = Math.max(bytes.length, Number(header.imageSize));
  checkInRam(name, 'Image', address, footprint, ram);
  memory.write(address, bytes);
  return {
    format: 'linux-image',
    entry: address,
    lowAddress: address,
    highAddress: address + footprint,
    segments: [{ address, fileSize: bytes.length, memSize: bytes.length }],
    header,
  };
}
