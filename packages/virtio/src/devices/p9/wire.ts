/** 9P wire encoding: little-endian integers, strings as u16 length + UTF-8 bytes. */

export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) {
    let c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else {
      out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      c = 0;
    }
  }
  return Uint8Array.from(out);
}

export function utf8Decode(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let cp: number;
    if (c < 0x80) { cp = c; i += 1; }
    else if (c >= 0xf0) { cp = ((c & 7) << 18) | ((b[i + 1]! & 63) << 12) | ((b[i + 2]! & 63) << 6) | (b[i + 3]! & 63); i += 4; }
    else if (c >= 0xe0) { cp = ((c & 15) << 12) | ((b[i + 1]! & 63) << 6) | (b[i + 2]! & 63); i += 3; }
    else { cp = ((c & 31) << 6) | (b[i + 1]! & 63); i += 2; }
    // A guest's damaged name (past U+10FFFF or a lone surrogate) becomes U+FFFD, never an exception.
    s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  }
  return s;
}

/** Thrown when a message is shorter than its fields say. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export class Reader {
  private pos = 0;
  private readonly dv: DataView;
  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.b.length) throw new WireError('message truncated');
  }
  u8(): number { this.need(1); return this.dv.getUint8(this.pos++); }
  u16(): number { this.need(2); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(): number { this.need(4); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  u64(): number {
    this.need(8);
    const lo = this.dv.getUint32(this.pos, true);
    const hi = this.dv.getUint32(this.pos + 4, true);
    this.pos += 8;
    // Offsets and sizes beyond 2^53 cannot be honoured; clamp so the backend answers EINVAL/short.
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 2 ** 32 + lo;
  }
  str(): string { const n = this.u16(); this.need(n); const s = utf8Decode(this.b.subarray(this.pos, this.pos + n)); this.pos += n; return s; }
  bytes(n: number): Uint8Array { this.need(n); const v = this.b.subarray(this.pos, this.pos + n); this.pos += n; return v; }
}

export class Writer {
  private b = new Uint8Array(256);
  private pos = 0;
  private grow(n: number): void {
    if (this.pos + n <= this.b.length) return;
    const nb = new Uint8Array(Math.max(this.b.length * 2, this.pos + n));
    nb.set(this.b);
    this.b = nb;
  }
  get length(): number { return this.pos; }
  u8(v: number): this { this.grow(1); this.b[this.pos++] = v; return this; }
  u16(v: number): this { this.grow(2); this.b[this.pos++] = v & 255; this.b[this.pos++] = (v >>> 8) & 255; return this; }
  u32(v: number): this { this.grow(4); for (let i = 0; i < 4; i++) this.b[this.pos++] = (v >>> (8 * i)) & 255; return this; }
  u64(v: number): this { this.u32(v % 2 ** 32); return this.u32(Math.floor(v / 2 ** 32)); }
  str(s: string): this { const e = utf8Encode(s); this.u16(e.length); return this.bytes(e); }
  bytes(d: Uint8Array): this { this.grow(d.length); this.b.set(d, this.pos); this.pos += d.length; return this; }
  done(): Uint8Array { return this.b.slice(0, this.pos); }
}
