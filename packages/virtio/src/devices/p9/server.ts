import { Errno, FsError, S_IFDIR, S_IFLNK, S_IFMT, type FsBackend, type FsStat } from './fs.js';
import { Reader, WireError, Writer } from './wire.js';

// 9P2000.L message types (Linux include/net/9p/9p.h numbering; the R-message is T + 1).
const T = {
  lerror: 6, statfs: 8, lopen: 12, lcreate: 14, symlink: 16, mknod: 18, rename: 20, readlink: 22, getattr: 24,
  setattr: 26, xattrwalk: 30, xattrcreate: 32, readdir: 40, fsync: 50, lock: 52, getlock: 54, link: 70, mkdir: 72,
  renameat: 74, unlinkat: 76, version: 100, auth: 102, attach: 104, flush: 108, walk: 110, read: 116, write: 118,
  clunk: 120, remove: 122,
} as const;

const QTDIR = 0x80;
const QTSYMLINK = 0x02;
const MAXWELEM = 16;
const V9FS_MAGIC = 0x01021997;
const AT_REMOVEDIR = 0x200;
const O_ACCMODE = 3;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;

interface Fid {
  path: string;
  handle: number | null;
  opened: boolean;
  dirEntries: string[] | null;
}

/**
 * A 9P2000.L file server (the protocol Linux's v9fs speaks with `version=9p2000.L`), over
 * an FsBackend. It takes one T-message and returns one R-message; a malformed message or a
 * backend failure becomes Rlerror with a Linux errno, never an exception.
 */
export class P9Server {
  private fids = new Map<number, Fid>();
  private msize = 8192;

  constructor(private readonly fs: FsBackend) {}

  /** The negotiated maximum message size. */
  get maxMessage(): number {
    return this.msize;
  }

  handle(msg: Uint8Array): Uint8Array {
    let tag = 0xffff;
    let type = 0;
    try {
      const r = new Reader(msg);
      r.u32(); // size: the chain length is authoritative
      type = r.u8();
      tag = r.u16();
      const w = new Writer().u32(0).u8(type + 1).u16(tag);
      this.dispatch(type, r, w);
      return finish(w);
    } catch (e) {
      const errno = e instanceof FsError ? e.errno : e instanceof WireError ? Errno.EINVAL : Errno.EIO;
      if (!(e instanceof FsError) && !(e instanceof WireError)) {
        // A bug on our side must still answer the guest; the errno is EIO.
      }
      return finish(new Writer().u32(0).u8(T.lerror + 1).u16(tag).u32(errno));
    }
  }

  private fid(r: Reader): Fid {
    const f = this.fids.get(r.u32());
    if (!f) throw new FsError(Errno.EBADF);
    return f;
  }

  private stat(path: string): FsStat {
    return this.fs.lstat(path);
  }

  private qid(w: Writer, st: FsStat): void {
    const fmt = st.mode & S_IFMT;
    w.u8(fmt === S_IFDIR ? QTDIR : fmt === S_IFLNK ? QTSYMLINK : 0);
    w.u32(Math.floor(st.mtimeMs) >>> 0);
    w.u64(st.ino);
  }

  private dispatch(type: number, r: Reader, w: Writer): void {
    switch (type) {
      case T.version: {
        const msize = r.u32();
        const version = r.str();
        this.msize = Math.max(4096, Math.min(msize, 1 << 20));
        this.fids.clear();
        w.u32(this.msize).str(version.startsWith('9P2000.L') ? '9P2000.L' : 'unknown');
        return;
      }
      case T.auth:
        throw new FsError(Errno.EOPNOTSUPP);
      case T.attach: {
        const fid = r.u32();
        r.u32(); r.str(); r.str(); // afid, uname, aname
        this.fids.set(fid, { path: '', handle: null, opened: false, dirEntries: null });
        this.qid(w, this.stat(''));
        return;
      }
      case T.flush:
        r.u16();
        return;
      case T.walk: {
        const fid = this.fid(r);
        const newfid = r.u32();
        const n = r.u16();
        if (n > MAXWELEM) throw new FsError(Errno.EINVAL);
        const names: string[] = [];
        for (let i = 0; i < n; i++) names.push(r.str());
        if (newfid !== 0 && this.fids.has(newfid) && this.fids.get(newfid) !== fid) throw new FsError(Errno.EBADF);
        const parts = fid.path === '' ? [] : fid.path.split('/');
        const qids = new Writer();
        let walked = 0;
        for (const name of names) {
          if (name === '' || name.includes('/') || name.includes('\0')) break;
          const next = [...parts];
          if (name === '..') next.pop();
          else if (name !== '.') next.push(name);
          let st: FsStat;
          try {
            st = this.stat(next.join('/'));
          } catch (e) {
            if (walked === 0) throw e;
            break;
          }
          if (walked < names.length - 1 && (st.mode & S_IFMT) !== S_IFDIR) {
            this.qid(qids, st);
            parts.splice(0, parts.length, ...next);
            walked++;
            break;
          }
          this.qid(qids, st);
          parts.splice(0, parts.length, ...next);
          walked++;
        }
        if (walked === 0 && n > 0) throw new FsError(Errno.ENOENT);
        if (walked === n) this.fids.set(newfid, { path: parts.join('/'), handle: null, opened: false, dirEntries: null });
        w.u16(walked).bytes(qids.done());
        return;
      }
      case T.lopen: {
        const f = this.fid(r);
        const flags = r.u32();
        const st = this.stat(f.path);
        if (f.opened) throw new FsError(Errno.EBADF);
        if ((st.mode & S_IFMT) === S_IFDIR) {
          if ((flags & O_ACCMODE) !== 0) throw new FsError(Errno.EISDIR);
          f.dirEntries = null;
        } else {
          f.handle = this.fs.open(f.path, flags & ~O_CREAT, 0);
        }
        f.opened = true;
        this.qid(w, st);
        w.u32(this.msize - 24);
        return;
      }
      case T.lcreate: {
        const f = this.fid(r);
        const name = checkName(r.str());
        const flags = r.u32();
        const mode = r.u32();
        r.u32(); // gid
        const path = join(f.path, name);
        const handle = this.fs.open(path, flags | O_CREAT, mode);
        Object.assign(f, { path, handle, opened: true, dirEntries: null });
        this.qid(w, this.stat(path));
        w.u32(this.msize - 24);
        return;
      }
      case T.read: {
        const f = this.fid(r);
        const offset = r.u64();
        const count = Math.min(r.u32(), this.msize - 11);
        if (f.handle === null) throw new FsError(Errno.EBADF);
        const data = this.fs.read(f.handle, offset, count);
        w.u32(data.length).bytes(data);
        return;
      }
      case T.write: {
        const f = this.fid(r);
        const offset = r.u64();
        const count = r.u32();
        const data = r.bytes(count);
        if (f.handle === null) throw new FsError(Errno.EBADF);
        w.u32(this.fs.write(f.handle, offset, data));
        return;
      }
      case T.clunk:
      case T.remove: {
        const fidNum = r.u32();
        const f = this.fids.get(fidNum);
        if (!f) throw new FsError(Errno.EBADF);
        this.fids.delete(fidNum);
        if (f.handle !== null) this.fs.close(f.handle);
        if (type === T.remove) this.fs.unlink(f.path, (this.stat(f.path).mode & S_IFMT) === S_IFDIR);
        return;
      }
      case T.readdir: {
        const f = this.fid(r);
        const offset = r.u64();
        const count = Math.min(r.u32(), this.msize - 11);
        if (!f.opened) throw new FsError(Errno.EBADF);
        if (offset === 0 || f.dirEntries === null) f.dirEntries = ['.', '..', ...this.fs.readdir(f.path)];
        const out = new Writer();
        for (let i = offset; i < f.dirEntries.length; i++) {
          const name = f.dirEntries[i]!;
          const entryPath = name === '.' ? f.path : name === '..' ? f.path.split('/').slice(0, -1).join('/') : join(f.path, name);
          let st: FsStat;
          try {
            st = this.stat(entryPath);
          } catch {
            continue; // removed since the listing was taken
          }
          const e = new Writer();
          this.qid(e, st);
          const fmt = st.mode & S_IFMT;
          e.u64(i + 1).u8(fmt === S_IFDIR ? 4 : fmt === S_IFLNK ? 10 : 8).str(name);
          if (out.length + e.length > count) break;
          out.bytes(e.done());
        }
        w.u32(out.length).bytes(out.done());
        return;
      }
      case T.getattr: {
        const f = this.fid(r);
        r.u64(); // request mask: we always answer the basic set
        const st = this.stat(f.path);
        w.u64(0x7ff);
        this.qid(w, st);
        w.u32(st.mode).u32(st.uid).u32(st.gid).u64(st.nlink).u64(st.rdev).u64(st.size).u64(st.blksize).u64(st.blocks);
        for (const ms of [st.atimeMs, st.mtimeMs, st.ctimeMs, 0]) w.u64(Math.floor(ms / 1000)).u64(Math.floor((ms % 1000) * 1e6));
        w.u64(0).u64(0); // gen, data_version
        return;
      }
      case T.setattr: {
        const f = this.fid(r);
        const valid = r.u32();
        const mode = r.u32();
        r.u32(); r.u32(); // uid, gid: ownership is the host's
        const size = r.u64();
        const atime = r.u64() * 1000 + r.u64() / 1e6;
        const mtime = r.u64() * 1000 + r.u64() / 1e6;
        if (valid & 0x1) this.fs.chmod(f.path, mode);
        if (valid & 0x8) this.fs.truncate(f.path, size);
        if (valid & 0x30) {
          const st = this.stat(f.path);
          const now = Date.now();
          const a = valid & 0x10 ? (valid & 0x80 ? atime : now) : st.atimeMs;
          const m = valid & 0x20 ? (valid & 0x100 ? mtime : now) : st.mtimeMs;
          this.fs.utimes(f.path, a, m);
        }
        return;
      }
      case T.statfs: {
        this.fid(r);
        const s = this.fs.statfs();
        w.u32(V9FS_MAGIC).u32(s.bsize).u64(s.blocks).u64(s.bfree).u64(s.bavail).u64(s.files).u64(s.ffree).u64(0).u32(s.namelen);
        return;
      }
      case T.mkdir: {
        const f = this.fid(r);
        const path = join(f.path, checkName(r.str()));
        const mode = r.u32();
        this.fs.mkdir(path, mode);
        this.qid(w, this.stat(path));
        return;
      }
      case T.symlink: {
        const f = this.fid(r);
        const path = join(f.path, checkName(r.str()));
        this.fs.symlink(r.str(), path);
        this.qid(w, this.stat(path));
        return;
      }
      case T.mknod:
        throw new FsError(Errno.EPERM);
      case T.readlink: {
        const f = this.fid(r);
        w.str(this.fs.readlink(f.path));
        return;
      }
      case T.link: {
        const dir = this.fid(r);
        const target = this.fid(r);
        this.fs.link(target.path, join(dir.path, checkName(r.str())));
        return;
      }
      case T.rename: {
        const f = this.fid(r);
        const dir = this.fid(r);
        const to = join(dir.path, checkName(r.str()));
        this.fs.rename(f.path, to);
        f.path = to;
        return;
      }
      case T.renameat: {
        const od = this.fid(r);
        const oldName = checkName(r.str());
        const nd = this.fid(r);
        const newName = checkName(r.str());
        this.fs.rename(join(od.path, oldName), join(nd.path, newName));
        return;
      }
      case T.unlinkat: {
        const d = this.fid(r);
        const name = checkName(r.str());
        const flags = r.u32();
        this.fs.unlink(join(d.path, name), (flags & AT_REMOVEDIR) !== 0);
        return;
      }
      case T.fsync: {
        const f = this.fid(r);
        if (f.handle !== null) this.fs.fsync(f.handle);
        return;
      }
      case T.lock:
        w.u8(0); // P9_LOCK_SUCCESS: locks are advisory and local to this guest
        return;
      case T.getlock: {
        this.fid(r);
        r.u8();
        const start = r.u64();
        const length = r.u64();
        const procId = r.u32();
        const client = r.str();
        w.u8(2).u64(start).u64(length).u32(procId).str(client); // F_UNLCK: nothing conflicts
        return;
      }
      case T.xattrwalk:
      case T.xattrcreate:
        throw new FsError(Errno.EOPNOTSUPP);
      default:
        throw new FsError(Errno.EOPNOTSUPP);
    }
  }
}

function checkName(name: string): string {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new FsError(Errno.EINVAL);
  if (name.length > 255) throw new FsError(Errno.ENAMETOOLONG);
  return name;
}

function join(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

function finish(w: Writer): Uint8Array {
  const b = w.done();
  new DataView(b.buffer, b.byteOffset, 4).setUint32(0, b.length, true);
  return b;
}
