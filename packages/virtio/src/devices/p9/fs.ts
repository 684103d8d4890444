/**
 * The filesystem behind a virtio-9p share, as the 9P2000.L server needs it. Paths are
 * relative to the share's root, '/'-joined, already validated by the server (no '..', no
 * empty components), so an implementation only has to keep them inside its root (a host
 * adapter must also refuse symlinks that lead outside). Errors are thrown as `FsError`
 * carrying a Linux errno, which the guest receives in Rlerror.
 */
export interface FsStat {
  /** POSIX mode bits including the file type (S_IFDIR 0o040000, S_IFREG 0o100000, S_IFLNK 0o120000). */
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeMs: number;
  mtimeMs: number;
  ctimeMs: number;
  /** A number unique to the file within the share (inode). */
  ino: number;
}

export interface FsStatfs {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
}

export interface FsBackend {
  readonly readOnly: boolean;
  lstat(path: string): FsStat;
  readdir(path: string): string[];
  /** Opens a file; returns a handle. `flags` are Linux open flags (O_WRONLY 1, O_RDWR 2, O_CREAT 0o100, O_EXCL 0o200, O_TRUNC 0o1000, O_APPEND 0o2000). */
  open(path: string, flags: number, mode: number): number;
  read(handle: number, offset: number, length: number): Uint8Array;
  write(handle: number, offset: number, data: Uint8Array): number;
  fsync(handle: number): void;
  close(handle: number): void;
  mkdir(path: string, mode: number): void;
  /** Removes a file, or a directory when `dir` is true (AT_REMOVEDIR). */
  unlink(path: string, dir: boolean): void;
  rename(from: string, to: string): void;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
  link(existing: string, path: string): void;
  truncate(path: string, size: number): void;
  chmod(path: string, mode: number): void;
  utimes(path: string, atimeMs: number, mtimeMs: number): void;
  statfs(): FsStatfs;
}

/** Linux errno values (asm-generic/errno-base.h) used on the wire. */
export const Errno = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EEXIST: 17, EXDEV: 18, ENOTDIR: 20, EISDIR: 21,
  EINVAL: 22, ENOSPC: 28, EROFS: 30, ENAMETOOLONG: 36, ENOSYS: 38, ENOTEMPTY: 39, ELOOP: 40, EOPNOTSUPP: 95,
} as const;

export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(readonly errno: number, message = `errno ${errno}`) {
    super(message);
  }
}

export const S_IFMT = 0o170000;
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
