import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { Errno, FsError, type FsBackend, type FsStat, type FsStatfs } from '@tsvisor/virtio';

/**
 * A 9p share of a host folder. Every path is resolved under the root, and a symlink is
 * never followed by the server itself (lstat, O_NOFOLLOW), so a guest cannot reach host
 * files outside the shared folder; what a symlink points to is the guest kernel's business.
 */
export class HostFolderFs implements FsBackend {
  private readonly root: string;

  constructor(root: string, readonly readOnly: boolean) {
    this.root = fs.realpathSync(root);
    if (!fs.statSync(this.root).isDirectory()) throw new Error(`${root}: not a directory`);
  }

  private abs(path: string): string {
    const p = nodePath.resolve(this.root, path);
    if (p !== this.root && !p.startsWith(this.root + nodePath.sep)) throw new FsError(Errno.EACCES);
    // No component on the way may be a symlink (the last one is handled by lstat/O_NOFOLLOW).
    const parts = path === '' ? [] : path.split('/');
    let cur = this.root;
    for (const c of parts.slice(0, -1)) {
      cur = nodePath.join(cur, c);
      if (fs.lstatSync(cur, { throwIfNoEntry: false })?.isSymbolicLink()) throw new FsError(Errno.ELOOP);
    }
    return p;
  }
  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof FsError) throw e;
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      throw new FsError((Errno as Record<string, number>)[code] ?? Errno.EIO, code);
    }
  }
  private mutate(): void {
    if (this.readOnly) throw new FsError(Errno.EROFS);
  }

  lstat(path: string): FsStat {
    return this.wrap(() => {
      const s = fs.lstatSync(this.abs(path));
      return {
        mode: s.mode, uid: s.uid, gid: s.gid, nlink: s.nlink, rdev: s.rdev, size: s.size, blksize: s.blksize,
        blocks: s.blocks, atimeMs: s.atimeMs, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino,
      };
    });
  }
  readdir(path: string): string[] {
    return this.wrap(() => fs.readdirSync(this.abs(path)));
  }
  open(path: string, flags: number, mode: number): number {
    if ((flags & 3) !== 0 || flags & (0o100 | 0o1000)) this.mutate();
    const C = fs.constants;
    let f = C.O_NOFOLLOW | [C.O_RDONLY, C.O_WRONLY, C.O_RDWR, C.O_RDWR][flags & 3]!;
    if (flags & 0o100) f |= C.O_CREAT;
    if (flags & 0o200) f |= C.O_EXCL;
    if (flags & 0o1000) f |= C.O_TRUNC;
    if (flags & 0o2000) f |= C.O_APPEND;
    return this.wrap(() => fs.openSync(this.abs(path), f, mode & 0o7777));
  }
  read(handle: number, offset: number, length: number): Uint8Array {
    return this.wrap(() => {
      const b = new Uint8Array(length);
      const n = fs.readSync(handle, b, 0, length, offset);
      return b.subarray(0, n);
    });
  }
  write(handle: number, offset: number, data: Uint8Array): number {
    this.mutate();
    return this.wrap(() => fs.writeSync(handle, data, 0, data.length, offset));
  }
  fsync(handle: number): void {
    this.wrap(() => fs.fsyncSync(handle));
  }
  close(handle: number): void {
    this.wrap(() => fs.closeSync(handle));
  }
  mkdir(path: string, mode: number): void {
    this.mutate();
    this.wrap(() => fs.mkdirSync(this.abs(path), { mode: mode & 0o7777 }));
  }
  unlink(path: string, dir: boolean): void {
    this.mutate();
    this.wrap(() => (dir ? fs.rmdirSync(this.abs(path)) : fs.unlinkSync(this.abs(path))));
  }
  rename(from: string, to: string): void {
    this.mutate();
    this.wrap(() => fs.renameSync(this.abs(from), this.abs(to)));
  }
  symlink(target: string, path: string): void {
    this.mutate();
    this.wrap(() => fs.symlinkSync(target, this.abs(path)));
  }
  readlink(path: string): string {
    return this.wrap(() => fs.readlinkSync(this.abs(path)));
  }
  link(existing: string, path: string): void {
    this.mutate();
    this.wrap(() => fs.linkSync(this.abs(existing), this.abs(path)));
  }
  truncate(path: string, size: number): void {
    this.mutate();
    this.wrap(() => fs.truncateSync(this.abs(path), size));
  }
  chmod(path: string, mode: number): void {
    this.mutate();
    this.wrap(() => fs.chmodSync(this.abs(path), mode & 0o7777));
  }
  utimes(path: string, atimeMs: number, mtimeMs: number): void {
    this.mutate();
    this.wrap(() => fs.lutimesSync(this.abs(path), atimeMs / 1000, mtimeMs / 1000));
  }
  statfs(): FsStatfs {
    return this.wrap(() => {
      const s = fs.statfsSync(this.root);
      return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree, namelen: 255 };
    });
  }
}
