import type { GuestMemory } from '../memory.js';

/** One guest buffer of a descriptor chain (virtio 1.2 §2.7.5). */
export interface Buffer {
  addr: number;
  len: number;
}

/** A descriptor chain taken from a virtqueue: device-readable buffers first, then device-writable ones. */
export interface DescriptorChain {
  /** The head index, returned to the driver in the used ring. */
  head: number;
  readable: Buffer[];
  writable: Buffer[];
}

/** Total bytes of a buffer list. */
export function totalLength(bufs: readonly Buffer[]): number {
  let n = 0;
  for (const b of bufs) n += b.len;
  return n;
}

/**
 * Copies up to `max` bytes out of the chain's readable buffers, starting `skip` bytes in.
 * Returns null if a buffer lies outside guest RAM.
 */
export function readFromChain(mem: GuestMemory, chain: DescriptorChain, skip: number, max: number): Uint8Array | null {
  const avail = Math.max(0, totalLength(chain.readable) - skip);
  const out = new Uint8Array(Math.min(avail, max));
  let pos = 0;
  let toSkip = skip;
  for (const b of chain.readable) {
    if (pos >= out.length) break;
    if (toSkip >= b.len) {
      toSkip -= b.len;
      continue;
    }
    const n = Math.min(b.len - toSkip, out.length - pos);
    const src = mem.slice(b.addr + toSkip, n);
    if (!src) return null;
    out.set(src, pos);
    pos += n;
    toSkip = 0;
  }
  return out;
}

/** Writes `data` into the chain's writable buffers, starting `skip` bytes in. Returns bytes written, or -1 on a bad buffer. */
export function writeToChain(mem: GuestMemory, chain: DescriptorChain, skip: number, data: Uint8Array): number {
  let pos = 0;
  let toSkip = skip;
  for (const b of chain.writable) {
    if (pos >= data.length) break;
    if (toSkip >= b.len) {
      toSkip -= b.len;
      continue;
    }
    const n = Math.min(b.len - toSkip, data.length - pos);
    const dst = mem.slice(b.addr + toSkip, n);
    if (!dst) return -1;
    dst.set(data.subarray(pos, pos + n));
    mem.noteWrite?.(b.addr + toSkip, n);
    pos += n;
    toSkip = 0;
  }
  return pos;
}
