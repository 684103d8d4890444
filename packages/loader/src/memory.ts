import { ImageDoesNotFitError, ImageOverlapError } from './errors.js';

/** Where guest RAM is in the guest physical address space. */
export interface GuestRam {
  readonly base: number;
  readonly size: number;
}

/**
 * The only thing loaders need from guest memory: copying bytes to a guest
 * physical address inside RAM (rust-vmm's GuestMemory, reduced to one method).
 */
export interface GuestMemoryWriter {
  write(address: number, bytes: Uint8Array): void;
}

/** One range written into guest memory. `memSize >= bytes.length`; the rest is zero-filled. */
export interface LoadedSegment {
  readonly address: number;
  readonly fileSize: number;
  readonly memSize: number;
}

/** What a loader put where. */
export interface LoadedImage {
  readonly format: 'elf' | 'linux-image' | 'raw';
  /** Where execution of this image starts (see each loader for the rule). */
  readonly entry: number;
  /** Lowest guest physical address written. */
  readonly lowAddress: number;
  /** One past the highest guest physical address the image occupies (including zero-filled memory). */
  readonly highAddress: number;
  readonly segments: readonly LoadedSegment[];
}

export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}

export function ramEnd(ram: GuestRam): number {
  return ram.base + ram.size;
}

/** Throws ImageDoesNotFitError unless [address, address + size) lies inside RAM. */
export function checkInRam(name: string, what: string, address: number, size: number, ram: GuestRam): void {
  if (address < ram.base || address + size > ramEnd(ram)) {
    throw new ImageDoesNotFitError(
      `${name}: ${what} at ${hex(address)}+${hex(size)} does not fit in RAM ${hex(ram.base)}-${hex(ramEnd(ram) - 1)}`,
    );
  }
}

/** A named range, for overlap checks between images. */
export interface PlacedRange {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** Throws ImageOverlapError when two of the ranges intersect (empty ranges never do). */
export function checkNoOverlap(ranges: readonly PlacedRange[]): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i];
      const b = ranges[j];
      if (a.start < a.end && b.start < b.end && a.start < b.end && b.start < a.end) {
        throw new ImageOverlapError(
          `${b.name} at ${hex(b.start)}-${hex(b.end - 1)} overlaps ${a.name} at ${hex(a.start)}-${hex(a.end - 1)}`,
        );
      }
    }
  }
}

export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

export function alignDown(n: number, align: number): number {
  return Math.floor(n / align) * align;
}

/** Writes `bytes` and zero-fills up to `memSize` (the ELF bss rule), in bounded chunks. */
export function writeWithZeroFill(memory: GuestMemoryWriter, address: number, bytes: Uint8Array, memSize: number): void {
  if (bytes.length) memory.write(address, bytes);
  const CHUNK = 1 << 20;
  let zeros: Uint8Array | undefined;
  for (let o = bytes.length; o < memSize; o += CHUNK) {
    const n = Math.min(CHUNK, memSize - o);
    zeros = zeros && zeros.length >= n ? zeros : new Uint8Array(Math.min(CHUNK, memSize - bytes.length));
    memory.write(address + o, n === zeros.length ? zeros : zeros.subarray(0, n));
  }
}
