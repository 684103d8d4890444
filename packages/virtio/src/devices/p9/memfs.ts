import { utf8Encode } from './wire.js';
import { Errno, FsError, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, type FsBackend, type FsStat, type FsStatfs } from './fs.js';

interface Node {
  ino: number;
  mode: number;
  data: Uint8Array;
  target: string;
  children: Map<string, Node> | null;
  nlink: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
}

/** An in-memory filesystem for 9p shares in tests and browsers. */
export class MemoryFs implements FsBackend {
  private nextIno = 1;
  private readonly root: Node;
  private readonly handles = new Map<number, Node>();
  private nextHandle = 1;

  constructor(readonly readOnly = false) {
    this.root = this.node(S_IFDIR | 0o755);
  }

  private node(mode: number): Node {
    const now = Date.now();
    return {
      ino: this.nextIno++, mode, data: new Uint8Array(0), target: '',
      children: (mode & S_IFMT) === S_IFDIR ? new Map() : null, nlink: 1, atimeMs: now, mtimeMs: now, ctimeMs: now,
    };
  }
  private split(path: string): string[] {
    return path === '' ? [] : path.split('/');
  }
  private lookup(path: string): Node {
    let n = this.root;
    for (const c of this.split(path)) {
      if (!n.children) throw new FsError(Errno.ENOTDIR);
      const next = n.children.get(c);
      if (!next) throw new FsError(Errno.ENOENT);
      n = next;
    }
    return n;
  }
  private parent(path: string): [Node, string] {
    const parts = this.split(path);
    const name = parts.pop();
    if (name === undefined) throw new FsError(Errno.EEXIST);
    const dir = this.lookup(parts.join('/'));
    if (!dir.children) throw new FsError(Errno.ENOTDIR);
    return [dir, name];
  }
  private mutate(): void {
    if (this.readOnly) throw new FsError(Errno.EROFS);
  }

  /** Test helper: writes a whole file, creating parent directories. */
  writeFile(path: string, data: Uint8Array | string): void {
    const parts = this.split(path);
    let dir = this.root;
    for (const c of parts.slice(0, -1)) {
      let next = dir.children!.get(c);
      if (!next) dir.children!.set(c, (next = this.node(S_IFDIR | 0o755)));
      dir = next;
    }
    const f = this.node(S_IFREG | 0o644);
    f.data = typeof data === 'string' ? utf8Encode(data) : data;
    dir.children!.set(parts[parts.length - 1]!, f);
  }
  /** Test helper: reads a whole file. */
  readFile(path: string): Uint8Array {
    return this.lookup(path).data;
  }

  lstat(path: string): FsStat {
    const n = this.lookup(path);
    const size = n.children ? 4096 : (n.mode & S_IFMT) === S_IFLNK ? n.target.length : n.data.length;
    return {
      mode: n.mode, uid: 0, gid: 0, nlink: n.nlink, rdev: 0, size, blksize: 4096, blocks: Math.ceil(size / 512),
      atimeMs: n.atimeMs, mtimeMs: n.mtimeMs, ctimeMs: n.ctimeMs, ino: n.ino,
    };
  }
  readdir(path: string): string[] {
    const n = this.lookup(path);
    if (!n.children) throw new FsError(Errno.ENOTDIR);
    return [...n.children.keys()];
  }
  open(path: string, flags: number, mode: number): number {
    let n: Node;
    try {
      n = this.lookup(path);
      if (flags & 0o200 && flags & 0o100) throw new FsError(Errno.EEXIST);
    } catch (e) {
      if (!(e instanceof FsError) || e.errno !== Errno.ENOENT || !(flags & 0o100)) throw e;
      this.mutate();
      const [dir, name] = this.parent(path);
      n = this.node(S_IFREG | (mode & 0o7777));
      dir.children!.set(name, n);
    }
    if ((flags & 3) !== 0 || flags & 0o1000) this.mutate();
    if (flags & 0o1000) n.data = new Uint8Array(0);
    const h = this.nextHandle++;
    this.handles.set(h, n);
    return h;
  }
  private handle(h: number): Node {
    const n = this.handles.get(h);
    if (!n) throw new FsError(Errno.EBADF);
    return n;
  }
  read(handle: number, offset: number, length: number): Uint8Array {
    const n = this.handle(handle);
    if (n.children) throw new FsError(Errno.EISDIR);
    return n.data.slice(offset, offset + length);
  }
  write(handle: number, offset: number, data: Uint8Array): number {
    this.mutate();
    const n = this.handle(handle);
    if (offset + data.length > n.data.length) {
      const grown = new Uint8Array(offset + data.length);
      grown.set(n.data);
      n.data = grown;
    }
    n.data.set(data, offset);
    n.mtimeMs = Date.now();
    return data.length;
  }
  fsync(handle: number): void {
    this.handle(handle);
  }
  close(handle: number): void {
    this.handles.delete(handle);
  }
  mkdir(path: string, mode: number): void {
    this.mutate();
    const [dir, name] = this.parent(path);
    if (dir.children!.has(name)) throw new FsError(Errno.EEXIST);
    dir.children!.set(name, this.node(S_IFDIR | (mode & 0o7777)));
  }
  unlink(path: string, isDir: boolean): void {
    this.mutate();
    const [dir, name] = this.parent(path);
    const n = dir.children!.get(name);
    if (!n) throw new FsError(Errno.ENOENT);
    if (isDir && !n.children) throw new FsError(Errno.ENOTDIR);
    if (!isDir && n.children) throw new FsError(Errno.EISDIR);
    if (n.children && n.children.size > 0) throw new FsError(Errno.ENOTEMPTY);
    dir.children!.delete(name);
  }
  rename(from: string, to: string): void {
    this.mutate();
    const [fd, fname] = this.parent(from);
    const n = fd.children!.get(fname);
    if (!n) throw new FsError(Errno.ENOENT);
    const [td, tname] = this.parent(to);
    fd.children!.delete(fname);
    td.children!.set(tname, n);
  }
  symlink(target: string, path: string): void {
    this.mutate();
    const [dir, name] = this.parent(path);
    if (dir.children!.has(name)) throw new FsError(Errno.EEXIST);
    const n = this.node(S_IFLNK | 0o777);
    n.target = target;
    dir.children!.set(name, n);
  }
  readlink(path: string): string {
    const n = this.lookup(path);
    if ((n.mode & S_IFMT) !== S_IFLNK) throw new FsError(Errno.EINVAL);
    return n.target;
  }
  link(existing: string, path: string): void {
    this.mutate();
    const n = this.lookup(existing);
    const [dir, name] = this.parent(path);
    n.nlink++;
    dir.children!.set(name, n);
  }
  truncate(path: string, size: number): void {
    this.mutate();
    const n = this.lookup(path);
    const d = new Uint8Array(size);
    d.set(n.data.subarray(0, size));
    n.data = d;
  }
  chmod(path: string, mode: number): void {
    this.mutate();
    const n = this.lookup(path);
    n.mode = (n.mode & S_IFMT) | (mode & 0o7777);
  }
  utimes(path: string, atimeMs: number, mtimeMs: number): void {
    this.mutate();
    const n = this.lookup(path);
    n.atimeMs = atimeMs;
    n.mtimeMs = mtimeMs;
  }
  statfs(): FsStatfs {
    return { bsize: 4096, blocks: 1 << 20, bfree: 1 << 19, bavail: 1 << 19, files: 1 << 16, ffree: 1 << 15, namelen: 255 };
  }
}
