/**
 * What a virtio device needs of guest memory (rust-vmm's GuestMemory, reduced).
 * Addresses are guest-physical, as JS numbers. Every access is bounds-checked by the
 * implementation: an address outside guest RAM returns `null` / `false`, never throws,
 * so a guest's bad descriptor turns into a device error status, not a host crash.
 */
export interface GuestMemory {
  /** A view (not a copy) of `len` bytes at `addr`, or null if any byte lies outside guest RAM. */
  slice(addr: number, len: number): Uint8Array | null;
  /**
   * Called after the device wrote [addr, addr+len) through a slice, so the machine can drop
   * cached instructions decoded from those bytes (optional: a plain RAM buffer needs nothing).
   */
  noteWrite?(addr: number, len: number): void;
}

/** A flat guest RAM of `bytes` starting at guest-physical `base`. */
export class FlatGuestMemory implements GuestMemory {
  constructor(
    readonly base: number,
    readonly bytes: Uint8Array,
  ) {}

  slice(addr: number, len: number): Uint8Array | null {
    const off = addr - this.base;
    if (!Number.isSafeInteger(off) || len < 0 || off < 0 || off + len > this.bytes.length) return null;
    return this.bytes.subarray(off, off + len);
  }
}

/** Little-endian helpers over GuestMemory; each returns null on an out-of-RAM access. */
export function readU16(mem: GuestMemory, addr: number): number | null {
  const b = mem.slice(addr, 2);
  return b ? b[0]! | (b[1]! << 8) : null;
}
export function readU32(mem: GuestMemory, addr: number): number | null {
  const b = mem.slice(addr, 4);
  return b ? (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0 : null;
}
/** A 64-bit little-endian value as a JS number; null if out of RAM or not a safe integer. */
export function readU64(mem: GuestMemory, addr: number): number | null {
  const lo = readU32(mem, addr);
  const hi = readU32(mem, addr + 4);
  if (lo === null || hi === null) return null;
  const v = hi * 2 ** 32 + lo;
  return Number.isSafeInteger(v) ? v : null;
}
export function writeU16(mem: GuestMemory, addr: number, v: number): boolean {
  const b = mem.slice(addr, 2);
  if (!b) return false;
  b[0] = v & 0xff;
  b[1] = (v >>> 8) & 0xff;
  mem.noteWrite?.(addr, 2);
  return true;
}
export function writeU32(mem: GuestMemory, addr: number, v: number): boolean {
  const b = mem.slice(addr, 4);
  if (!b) return false;
  b[0] = v & 0xff;
  b[1] = (v >>> 8) & 0xff;
  b[2] = (v >>> 16) & 0xff;
  b[3] = (v >>> 24) & 0xff;
  mem.noteWrite?.(addr, 4);
  return true;
}
