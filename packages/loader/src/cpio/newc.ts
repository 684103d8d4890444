import { LoaderError } from '../errors.js';

// The "newc" cpio format Linux unpacks as an initramfs (Linux
// Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII header
// ("070701" and thirteen 8-digit hex fields), the NUL-terminated name padded to 4 bytes, the data
// padded to 4 bytes; the archive ends with an entry named "TRAILER!!!".

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

const NEWC_MAGIC = '070701';
const TRAILER = 'TRAILER!!!';

export interface CpioEntryOptions {
  /** Permission bits (the file type is set by the method). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch; default 0 so archives are reproducible. */
  mtime?: number;
}

interface Entry {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Uint8Array;
  rdevMajor: number;
  rdevMinor: number;
}

/**
 * Builds a newc cpio archive, for example an initramfs. Paths are relative ("bin/sh"; a leading
 * "/" is dropped); missing parent directories are added (mode 0755) before their first child.
 */
export class CpioWriter {
  private readonly entries: Entry[] = [];
  private readonly names = new Set<string>();

  addDirectory(path: string, options: CpioEntryOptions = {}): this {
    return this.add(path, S_IFDIR | (options.mode ?? 0o755), new Uint8Array(0), options);
  }

  addFile(path: string, data: Uint8Array, options: CpioEntryOptions = {}): this {
    return this.add(path, S_IFREG | (options.mode ?? 0o644), data, options);
  }

  addSymlink(path: string, target: string, options: CpioEntryOptions = {}): this {
    return this.add(path, S_IFLNK | (options.mode ?? 0o777), ascii(target), options);
  }

  /** A device node: 'c' (character) or 'b' (block), e.g. /dev/console is ('c', 5, 1). */
  addDevice(path: string, kind: 'c' | 'b', major: number, minor: number, options: CpioEntryOptions = {}): this {
    return this.add(path, (kind === 'c' ? S_IFCHR : S_IFBLK) | (options.mode ?? 0o600), new Uint8Array(0), options, major, minor);
  }

  /** True if an entry with this path was added. */
  has(path: string): boolean {
    return this.names.has(normalise(path));
  }

  /** The archive bytes (uncompressed; Linux accepts an uncompressed initramfs). */
  finish(): Uint8Array {
    const parts: Uint8Array[] = [];
    let ino = 1;
    for (const e of this.entries) parts.push(...encodeEntry(e, ino++, 1));
    parts.push(...encodeEntry({ name: TRAILER, mode: 0, uid: 0, gid: 0, mtime: 0, data: new Uint8Array(0), rdevMajor: 0, rdevMinor: 0 }, 0, 1));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  private add(path: string, mode: number, data: Uint8Array, o: CpioEntryOptions, rdevMajor = 0, rdevMinor = 0): this {
    const name = normalise(path);
    if (!name || name === TRAILER) throw new LoaderError(`cpio: invalid path "${path}"`);
    if (this.names.has(name)) throw new LoaderError(`cpio: "${name}" added twice`);
    const slash = name.lastIndexOf('/');
    if (slash > 0 && !this.names.has(name.slice(0, slash))) this.addDirectory(name.slice(0, slash));
    this.names.add(name);
    this.entries.push({ name, mode, uid: o.uid ?? 0, gid: o.gid ?? 0, mtime: o.mtime ?? 0, data, rdevMajor, rdevMinor });
    return this;
  }
}

function normalise(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
}

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || c === 0) throw new LoaderError(`cpio: only ASCII names are supported ("${s}")`);
    out[i] = c;
  }
  return out;
}

function pad4(n: number): number {
  return (4 - (n & 3)) & 3;
}

function encodeEntry(e: Entry, ino: number, nlink: number): Uint8Array[] {
  const name = ascii(e.name);
  const fields = [ino, e.mode, e.uid, e.gid, nlink, e.mtime, e.data.length, 0, 0, e.rdevMajor, e.rdevMinor, name.length + 1, 0];
  const header = NEWC_MAGIC + fields.map((f) => (f >>> 0).toString(16).padStart(8, '0')).join('');
  const headLen = header.length + name.length + 1;
  const head = new Uint8Array(headLen + pad4(headLen));
  head.set(ascii(header));
  head.set(name, header.length);
  return [head, e.data, new Uint8Array(pad4(e.data.length))];
}
