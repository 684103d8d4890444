// A gzip stream (RFC 1952) whose DEFLATE data (RFC 1951) uses only stored blocks: no compression,
// but any gzip reader, Linux's initramfs unpacker included, accepts it. Real compression is left
// to the host (node:zlib in tooling); this keeps the package free of host modules.

const GZIP_ID1 = 0x1f;
const GZIP_ID2 = 0x8b;
const CM_DEFLATE = 8;
const OS_UNKNOWN = 255;
const STORED_MAX = 0xffff;

let crcTable: Uint32Array | undefined;

/** CRC-32 as gzip uses it (ISO 3309, reflected polynomial 0xedb88320). */
export function crc32(data: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** True if the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_ID1 && bytes[1] === GZIP_ID2;
}

/** Wraps `data` in a gzip stream made of stored (uncompressed) DEFLATE blocks. */
export function gzipStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_MAX));
  const out = new Uint8Array(10 + blocks * 5 + data.length + 8);
  const dv = new DataView(out.buffer);
  out.set([GZIP_ID1, GZIP_ID2, CM_DEFLATE, 0, 0, 0, 0, 0, 0, OS_UNKNOWN]);
  let o = 10;
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_MAX;
    const len = Math.min(STORED_MAX, data.length - start);
    out[o] = b === blocks - 1 ? 1 : 0; // BFINAL in bit 0, BTYPE 00 = stored
    dv.setUint16(o + 1, len, true);
    dv.setUint16(o + 3, ~len & 0xffff, true);
    out.set(data.subarray(start, start + len), o + 5);
    o += 5 + len;
  }
  dv.setUint32(o, crc32(data), true);
  dv.setUint32(o + 4, data.length >>> 0, true);
  return out;
}
