import type { GuestMemoryWriter, GuestRam } from '../memory.js';

/**
 * A test double for guest RAM at `ram.base`, stored sparsely in 64 KiB pages (untouched pages read
 * as `fill`), so tests can model a 256 MiB machine cheaply. Writes outside RAM throw.
 */
export class ArrayGuestMemory implements GuestMemoryWriter {
  static readonly PAGE = 0x1_0000;
  readonly writes: { address: number; length: number }[] = [];
  private readonly pages = new Map<number, Uint8Array>();
  constructor(
    readonly ram: GuestRam,
    private readonly fill = 0,
  ) {}
  write(address: number, bytes: Uint8Array): void {
    const o = address - this.ram.base;
    if (o < 0 || o + bytes.length > this.ram.size) {
      throw new RangeError(`write at 0x${address.toString(16)}+0x${bytes.length.toString(16)} outside RAM`);
    }
    this.writes.push({ address, length: bytes.length });
    this.copy(o, bytes.length, (page, po, i, n) => page.set(bytes.subarray(i, i + n), po));
  }
  /** A copy of the bytes at [address, address + length). */
  read(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.copy(address - this.ram.base, length, (page, po, i, n) => out.set(page.subarray(po, po + n), i));
    return out;
  }
  private copy(offset: number, length: number, f: (page: Uint8Array, pageOffset: number, i: number, n: number) => void): void {
    const P = ArrayGuestMemory.PAGE;
    for (let i = 0; i < length; ) {
      const at = offset + i;
      const key = Math.floor(at / P);
      let page = this.pages.get(key);
      if (!page) {
        page = new Uint8Array(P).fill(this.fill);
        this.pages.set(key, page);
      }
      const po = at - key * P;
      const n = Math.min(P - po, length - i);
      f(page, po, i, n);
      i += n;
    }
  }
}

export interface TestSegment {
  vaddr: bigint | number;
  paddr: bigint | number;
  data: Uint8Array;
  memSize?: number;
  flags?: number;
}

/** Builds a minimal ELF64 executable (for tests): header, program headers, then segment data. */
export function buildElf64(options: {
  entry: bigint | number;
  segments: TestSegment[];
  machine?: number;
  elfClass?: number;
  data?: number;
  type?: number;
}): Uint8Array {
  const phoff = 64;
  const dataStart = phoff + 56 * options.segments.length;
  const total = dataStart + options.segments.reduce((n, s) => n + s.data.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, options.elfClass ?? 2, options.data ?? 1, 1]);
  dv.setUint16(16, options.type ?? 2, true);
  dv.setUint16(18, options.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(options.entry), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, options.segments.length, true);
  let off = dataStart;
  options.segments.forEach((s, i) => {
    const p = phoff + 56 * i;
    dv.setUint32(p, 1, true);
    dv.setUint32(p + 4, s.flags ?? 5, true);
    dv.setBigUint64(p + 8, BigInt(off), true);
    dv.setBigUint64(p + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 24, BigInt(s.paddr), true);
    dv.setBigUint64(p + 32, BigInt(s.data.length), true);
    dv.setBigUint64(p + 40, BigInt(s.memSize ?? s.data.length), true);
    dv.setBigUint64(p + 48, 0x1000n, true);
    out.set(s.data, off);
    off += s.data.length;
  });
  return out;
}

/** Builds bytes that start with a RISC-V Image header (for tests). */
export function buildLinuxImage(options: { size: number; imageSize?: number; efiStub?: boolean }): Uint8Array {
  const out = new Uint8Array(options.size);
  const dv = new DataView(out.buffer);
  if (options.efiStub) out.set([0x4d, 0x5a]);
  dv.setBigUint64(8, 0x20_0000n, true); // text_offset
  dv.setBigUint64(16, BigInt(options.imageSize ?? options.size), true);
  dv.setUint32(32, 2, true); // version 0.2
  dv.setBigUint64(0x30, 0x5643534952n, true);
  dv.setUint32(0x38, 0x05435352, true);
  return out;
}
