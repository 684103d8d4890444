/**
 * Storage behind a virtio-blk device. Synchronous on purpose: a request completes (and the
 * guest sees it complete) only after the backend has the data, so a write the guest saw
 * complete after a flush is on the host's storage.
 */
export interface BlockBackend {
  /** Size in bytes. */
  readonly size: number;
  read(offset: number, into: Uint8Array): void;
  write(offset: number, data: Uint8Array): void;
  /** Makes every completed write durable. */
  flush(): void;
  /** Optional: drop the data of a range (reads may then return zeros). */
  discard?(offset: number, length: number): void;
}

/** A disk held in memory (tests, browsers). */
export class MemoryBackend implements BlockBackend {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  read(offset: number, into: Uint8Array): void {
    into.set(this.bytes.subarray(offset, offset + into.length));
  }
  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }
  flush(): void {}
  discard(offset: number, length: number): void {
    this.bytes.fill(0, offset, offset + length);
  }
}

const CHUNK = 4096;

/**
 * Copy-on-write overlay (`--disk img,snapshot`): reads fall through to the base image,
 * writes land in memory, and the base is never written.
 */
export class SnapshotBackend implements BlockBackend {
  private readonly chunks = new Map<number, Uint8Array>();
  constructor(private readonly base: BlockBackend) {}
  get size(): number {
    return this.base.size;
  }
  private chunk(index: number): Uint8Array {
    let c = this.chunks.get(index);
    if (!c) {
      c = new Uint8Array(CHUNK);
      const start = index * CHUNK;
      this.base.read(start, c.subarray(0, Math.min(CHUNK, this.base.size - start)));
      this.chunks.set(index, c);
    }
    return c;
  }
  read(offset: number, into: Uint8Array): void {
    let pos = 0;
    while (pos < into.length) {
      const abs = offset + pos;
      const idx = Math.floor(abs / CHUNK);
      const within = abs % CHUNK;
      const n = Math.min(CHUNK - within, into.length - pos);
      const c = this.chunks.get(idx);
      if (c) into.set(c.subarray(within, within + n), pos);
      else this.base.read(abs, into.subarray(pos, pos + n));
      pos += n;
    }
  }
  write(offset: number, data: Uint8Array): void {
    let pos = 0;
    while (pos < data.length) {
      const abs = offset + pos;
      const idx = Math.floor(abs / CHUNK);
      const within = abs % CHUNK;
      const n = Math.min(CHUNK - within, data.length - pos);
      this.chunk(idx).set(data.subarray(pos, pos + n), within);
      pos += n;
    }
  }
  flush(): void {}
  discard(offset: number, length: number): void {
    this.write(offset, new Uint8Array(length));
  }
}
