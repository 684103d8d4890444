import { ImageDoesNotFitError, ImageFormatError, TruncatedImageError } from '../errors.js';
import { checkInRam, type GuestMemoryWriter, type GuestRam, hex, type LoadedImage, writeWithZeroFill } from '../memory.js';
import {
  EI_CLASS,
  EI_DATA,
  ELF64_EHDR_SIZE,
  ELF64_PHDR_SIZE,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFMAG,
  EM_RISCV,
  ET_DYN,
  ET_EXEC,
  PF_X,
  PT_LOAD,
} from './defs.js';

/** One PT_LOAD program header. */
export interface ElfSegment {
  readonly offset: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly fileSize: number;
  readonly memSize: number;
  readonly flags: number;
}

/** The parts of an ELF64 RISC-V executable a loader needs. */
export interface ElfFile {
  readonly type: number;
  readonly flags: number;
  /** e_entry as written (often a virtual address for kernels). */
  readonly entry: bigint;
  /** PT_LOAD segments with a non-zero memory size, in file order. */
  readonly segments: readonly ElfSegment[];
}

/** True if the bytes start with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELFMAG.every((b, i) => bytes[i] === b);
}

/** Parses and validates an ELF64 little-endian RISC-V executable (gABI "ELF Header", "Program Header"). */
export function parseElf(bytes: Uint8Array, name = 'kernel'): ElfFile {
  if (!isElf(bytes)) throw new ImageFormatError(`${name}: not an ELF file (no \\x7fELF magic)`);
  if (bytes.length < ELF64_EHDR_SIZE) throw new TruncatedImageError(`${name}: ELF header truncated (${bytes.length} bytes)`);
  if (bytes[EI_CLASS] !== ELFCLASS64) {
    throw new ImageFormatError(`${name}: ELF class ${bytes[EI_CLASS]} is not ELFCLASS64 (only 64-bit RISC-V ELF files load)`);
  }
  if (bytes[EI_DATA] !== ELFDATA2LSB) throw new ImageFormatError(`${name}: ELF data encoding ${bytes[EI_DATA]} is not little-endian`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ImageFormatError(`${name}: ELF e_machine ${machine} is not EM_RISCV (243)`);
  if (type !== ET_EXEC && type !== ET_DYN) throw new ImageFormatError(`${name}: ELF e_type ${type} is not an executable (ET_EXEC or ET_DYN)`);
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const flags = dv.getUint32(48, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new ImageFormatError(`${name}: ELF has no program headers`);
  if (phentsize < ELF64_PHDR_SIZE) throw new ImageFormatError(`${name}: ELF e_phentsize ${phentsize} is smaller than ${ELF64_PHDR_SIZE}`);
  if (phoff + BigInt(phentsize) * BigInt(phnum) > BigInt(bytes.length)) {
    throw new TruncatedImageError(`${name}: ELF program headers at ${hex(phoff)} (${phnum} x ${phentsize}) run past the end of the file (${hex(bytes.length)})`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = Number(phoff) + i * phentsize;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const pflags = dv.getUint32(o + 4, true);
    const offset = dv.getBigUint64(o + 8, true);
    const vaddr = dv.getBigUint64(o + 16, true);
    const paddr = dv.getBigUint64(o + 24, true);
    const filesz = dv.getBigUint64(o + 32, true);
    const memsz = dv.getBigUint64(o + 40, true);
    if (memsz === 0n) continue;
    if (filesz > memsz) throw new ImageFormatError(`${name}: segment ${i} has p_filesz ${hex(filesz)} larger than p_memsz ${hex(memsz)}`);
    if (offset + filesz > BigInt(bytes.length)) {
      throw new TruncatedImageError(`${name}: segment ${i} data at ${hex(offset)}+${hex(filesz)} runs past the end of the file (${hex(bytes.length)})`);
    }
    if (memsz > 0xffff_ffffn * 16n) throw new ImageFormatError(`${name}: segment ${i} p_memsz ${hex(memsz)} is implausibly large`);
    segments.push({ offset: Number(offset), vaddr, paddr, fileSize: Number(filesz), memSize: Number(memsz), flags: pflags });
  }
  if (!segments.length) throw new ImageFormatError(`${name}: ELF has no PT_LOAD segment to load`);
  return { type, flags, entry, segments };
}

export interface LoadElfOptions {
  ram: GuestRam;
  memory: GuestMemoryWriter;
  /** The file name used in error messages. */
  name?: string;
}

/** The result of loading an ELF: `entry` is the physical entry point; `elfEntry` is e_entry as written. */
export interface LoadedElf extends LoadedImage {
  readonly format: 'elf';
  readonly elfEntry: bigint;
}

/**
 * Loads every PT_LOAD segment at its physical address p_paddr (as QEMU's -kernel and -bios do),
 * copies p_filesz bytes and zero-fills up to p_memsz (the bss). The physical entry point follows
 * QEMU's rule: when e_entry falls inside an executable segment whose p_vaddr differs from its
 * p_paddr, it is moved by the same distance; otherwise it is e_entry itself.
 * All segments are checked against RAM before anything is written.
 */
export function loadElf(bytes: Uint8Array, options: LoadElfOptions): LoadedElf {
  const name = options.name ?? 'kernel';
  const elf = parseElf(bytes, name);
  const { ram, memory } = options;
  let low = Infinity;
  let high = 0;
  for (const s of elf.segments) {
    const address = toAddress(s.paddr, s.memSize, name, ram);
    checkInRam(name, 'segment', address, s.memSize, ram);
    low = Math.min(low, address);
    high = Math.max(high, address + s.memSize);
  }
  let entry = elf.entry;
  for (const s of elf.segments) {
    if (s.vaddr !== s.paddr && s.flags & PF_X && elf.entry >= s.vaddr && elf.entry < s.vaddr + BigInt(s.fileSize)) {
      entry = elf.entry - s.vaddr + s.paddr;
      break;
    }
  }
  for (const s of elf.segments) {
    writeWithZeroFill(memory, Number(s.paddr), bytes.subarray(s.offset, s.offset + s.fileSize), s.memSize);
  }
  return {
    format: 'elf',
    // An entry that is still a high virtual address has no physical meaning: fall back to the
    // lowest loaded address, which is where QEMU 7.2 starts a -kernel ELF anyway.
    entry: entry <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(entry) : low,
    elfEntry: elf.entry,
    lowAddress: low,
    highAddress: high,
    segments: elf.segments.map((s) => ({ address: Number(s.paddr), fileSize: s.fileSize, memSize: s.memSize })),
  };
}

function toAddress(paddr: bigint, size: number, name: string, ram: GuestRam): number {
  if (paddr > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ImageDoesNotFitError(
      `${name}: segment at ${hex(paddr)}+${hex(size)} does not fit in RAM ${hex(ram.base)}-${hex(ram.base + ram.size - 1)}`,
    );
  }
  return Number(paddr);
}
