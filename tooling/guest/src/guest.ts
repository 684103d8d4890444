// Fetches the Debian riscv64 guest through a private apt configuration and builds its initramfs.
// Host-side tooling: node modules and host programs (apt-get, dpkg-deb, qemu-riscv64) are fine here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CpioWriter, gzipStored } from '@tsvisor/loader';

/** Bumped when the initramfs contents change, so cached guests are rebuilt. */
export const INITRAMFS_VERSION = 6;

/** The kernel modules the virtio, 9p, ext4 and KVM work needs (dependencies are added from modules.dep). */
export const WANTED_MODULES = ['virtio_mmio', 'virtio_blk', 'virtio_net', 'virtio_rng', '9p', '9pnet', '9pnet_virtio', 'ext4', 'kvm'];

export interface Guest {
  /** Folder holding everything. */
  cacheDir: string;
  /** The kernel as a RISC-V Image (Debian's vmlinux-*, EFI stub in front). */
  image: string;
  /** The gzip-compressed newc initramfs. */
  initramfs: string;
  kernelVersion: string;
  kernelPackage: string;
  /** Bytes of the .deb files downloaded (0 when everything came from the cache). */
  downloadBytes: number;
  modules: string[];
}

interface Manifest {
  initramfsVersion: number;
  kernelVersion: string;
  kernelPackage: string;
  modules: string[];
}

export type Log = (line: string) => void;

export function defaultCacheDir(): string {
  return process.env.TSVISOR_CACHE ?? join(homedir(), '.cache', 'tsvisor', 'guest');
}

/** The Debian mirror URI from the machine's own apt sources (deb822 first, then the one-line format). */
export function readMirror(): string {
  const deb822 = '/etc/apt/sources.list.d/debian.sources';
  if (existsSync(deb822)) {
    for (const stanza of readFileSync(deb822, 'utf8').split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(.+)$/m.exec(stanza)?.[1].trim().split(/\s+/) ?? [];
      const uri = uris.find((u) => !u.includes('security'));
      if (uri) return uri;
    }
  }
  const legacy = '/etc/apt/sources.list';
  if (existsSync(legacy)) {
    for (const line of readFileSync(legacy, 'utf8').split('\n')) {
      const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/.exec(line.trim());
      if (m && !m[1].includes('security')) return m[1];
    }
  }
  throw new Error('no Debian mirror found in /etc/apt/sources.list.d/debian.sources (URIs:) or /etc/apt/sources.list');
}

function aptOptions(root: string): string[] {
  return [
    '-q',
    '-oAPT::Architecture=riscv64',
    '-oAPT::Architectures=riscv64',
    `-oDir::State::Lists=${root}/lists`,
    `-oDir::State::status=${root}/status`,
    `-oDir::Etc::SourceList=${root}/sources.list`,
    '-oDir::Etc::SourceParts=/dev/null',
    `-oDir::Cache=${root}/cache`,
    '-oDebug::NoLocking=1',
    // As root apt downloads as user _apt, who cannot write into a private cache folder.
    ...(process.getuid?.() === 0 ? ['-oAPT::Sandbox::User=root'] : []),
  ];
}

function run(cmd: string, args: string[], cwd?: string): void {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.filter((a) => !a.startsWith('-o')).join(' ')} failed with status ${r.status}`);
}

function findDeb(dir: string, prefix: string): string | undefined {
  return readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
}

/** Downloads the packages into cacheDir/debs (skipping ones already there); returns the bytes downloaded. */
function download(cacheDir: string, log: Log): { kernelDeb: string; busyboxDeb: string; kernelPackage: string; bytes: number } {
  const root = join(cacheDir, 'apt');
  const debs = join(cacheDir, 'debs');
  for (const d of [join(root, 'lists', 'partial'), join(root, 'cache', 'archives', 'partial'), debs]) mkdirSync(d, { recursive: true });
  let bytes = 0;
  const sizeOf = (f: string) => statSync(join(debs, f)).size;
  let metaDeb = findDeb(debs, 'linux-image-riscv64_');
  let busyboxDeb = findDeb(debs, 'busybox-static_');
  const needIndex = !metaDeb || !busyboxDeb || !readdirSync(debs).some((f) => /^linux-image-\d/.test(f));
  if (needIndex) {
    const mirror = readMirror();
    log(`guest: apt index for riscv64 stable from the machine's mirror ${mirror}`);
    writeFileSync(
      join(root, 'sources.list'),
      `deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} stable main\n`,
    );
    writeFileSync(join(root, 'status'), '');
    run('apt-get', [...aptOptions(root), 'update']);
  }
  const get = (pkg: string): string => {
    log(`guest: downloading ${pkg}`);
    run('apt-get', [...aptOptions(root), 'download', pkg], debs);
    const f = findDeb(debs, `${pkg}_`);
    if (!f) throw new Error(`apt-get download ${pkg} left no ${pkg}_*.deb in ${debs}`);
    bytes += sizeOf(f);
    return f;
  };
  metaDeb ??= get('linux-image-riscv64');
  // The meta package's Depends names the real kernel package (linux-image-<version>-riscv64).
  const depends = execFileSync('dpkg-deb', ['-f', join(debs, metaDeb), 'Depends'], { encoding: 'utf8' });
  const kernelPackage = /linux-image-[0-9][^\s,(|]*/.exec(depends)?.[0];
  if (!kernelPackage) throw new Error(`cannot find the kernel package in ${metaDeb}'s Depends: ${depends.trim()}`);
  if (!kernelPackage.startsWith('linux-image-6.12.')) log(`guest: note: the kernel package is ${kernelPackage}, not 6.12.*`);
  const kernelDeb = findDeb(debs, `${kernelPackage}_`) ?? get(kernelPackage);
  busyboxDeb ??= get('busybox-static');
  return { kernelDeb: join(debs, kernelDeb), busyboxDeb: join(debs, busyboxDeb), kernelPackage, bytes };
}

/** Every module file under `modulesDir` (relative paths like "kernel/fs/ext4/ext4.ko.xz"). */
function listModules(modulesDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(modulesDir, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (/\.ko(\.xz|\.gz|\.zst)?$/.test(e.name)) out.push(rel);
    }
  };
  walk('kernel');
  return out;
}

export function moduleName(path: string): string {
  return basename(path).replace(/\.ko(\.xz|\.gz|\.zst)?$/, '').replace(/-/g, '_');
}

/** A `key=` field of a module's .modinfo section, or undefined. */
function modinfoField(elf: Buffer, key: string): string | undefined {
  const k = Buffer.from(`\0${key}=`);
  const at = elf.indexOf(k);
  if (at < 0) return undefined;
  return elf.toString('latin1', at + k.length, elf.indexOf(0, at + k.length));
}

/**
 * The `depends=` list of a module's .modinfo section (the .deb ships no modules.dep: depmod makes
 * it on install), plus its `softdep=pre:` modules: ext4 and jbd2 ask for "crypto-crc32c" that way
 * and cannot mount without it. A soft dependency names an alias; "crypto-X" is resolved to the
 * module X or X_generic, the generic C implementation Debian builds for every architecture.
 */
function modinfoDepends(file: string, exists: (name: string) => boolean): string[] {
  const elf = file.endsWith('.xz') ? execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 28 }) : readFileSync(file);
  const hard = (modinfoField(elf, 'depends') ?? '').split(',').filter(Boolean);
  const soft = /pre:\s*([^:]*?)(?:\s+post:|$)/.exec(modinfoField(elf, 'softdep') ?? '')?.[1].split(/\s+/).filter(Boolean) ?? [];
  const resolved = soft
    .map((alias) => {
      const base = alias.replace(/^crypto-/, '').replace(/-/g, '_');
      return [base, `${base}_generic`].find(exists);
    })
    .filter((m): m is string => m !== undefined);
  return [...resolved, ...hard];
}

/**
 * The wanted modules and everything they depend on, dependencies first (a valid insmod order).
 * Returns relative paths and a modules.dep text for them.
 */
export function moduleClosure(modulesDir: string, wanted: string[]): { order: string[]; modulesDep: string } {
  const byName = new Map(listModules(modulesDir).map((p) => [moduleName(p), p]));
  const order: string[] = [];
  const deps = new Map<string, string[]>();
  const visit = (name: string, from: string): void => {
    const path = byName.get(name.replace(/-/g, '_'));
    if (!path) throw new Error(`kernel module ${name}${from} is not in ${modulesDir}`);
    if (deps.has(path)) return;
    const direct = modinfoDepends(join(modulesDir, path), (n) => byName.has(n));
    deps.set(path, []);
    for (const d of direct) visit(d, ` (needed by ${name})`);
    deps.set(path, direct.map((d) => byName.get(d.replace(/-/g, '_'))!));
    order.push(path);
  };
  for (const w of wanted) visit(w, '');
  // modules.dep lists every (transitive) dependency of a module, as depmod writes it.
  const all = (p: string, acc: Set<string>): Set<string> => {
    for (const d of deps.get(p) ?? []) if (!acc.has(d)) all(d, acc.add(d));
    return acc;
  };
  const modulesDep = order.map((p) => `${p}: ${[...all(p, new Set())].join(' ')}`.trimEnd() + '\n').join('');
  return { order, modulesDep };
}

/** Lists busybox's applets with their install paths by running the riscv64 binary under qemu-riscv64. */
function busyboxApplets(busybox: string): string[] {
  const r = spawnSync('qemu-riscv64', [busybox, '--list-full'], { encoding: 'utf8' });
  if (r.error) throw new Error(`qemu-riscv64 (apt package qemu-user) is needed to list busybox applets: ${r.error.message}`);
  if (r.status === 0 && r.stdout.trim()) return r.stdout.trim().split('\n');
  const plain = spawnSync('qemu-riscv64', [busybox, '--list'], { encoding: 'utf8' });
  if (plain.status !== 0) throw new Error(`qemu-riscv64 ${busybox} --list failed: ${plain.stderr}`);
  return plain.stdout.trim().split('\n').map((a) => `bin/${a}`);
}

const MODULE_SIG_MAGIC = '~Module signature appended~\n';

/**
 * A module file without its appended signature (Linux scripts/sign-file: the PKCS#7 blob, a
 * 12-byte struct module_signature whose last field is the big-endian blob length, then the
 * magic string). Debian's kernel does not enforce signatures (CONFIG_MODULE_SIG_FORCE is off):
 * an unsigned module loads and taints the kernel once ("module verification failed"). Checking
 * the SHA-256 of ext4.ko (7 MB) costs an emulated guest minutes, which the tests cannot afford.
 */
export function stripModuleSignature(ko: Uint8Array): Uint8Array {
  const magic = new TextEncoder().encode(MODULE_SIG_MAGIC);
  const end = ko.length - magic.length;
  if (end < 12 || !magic.every((b, i) => ko[end + i] === b)) return ko;
  const sigLen = new DataView(ko.buffer, ko.byteOffset + end - 4, 4).getUint32(0, false);
  const start = end - 12 - sigLen;
  return start > 0 ? ko.subarray(0, start) : ko;
}

/** A module as the initramfs holds it: decompressed (Debian ships xz) and without its signature. */
function readModule(file: string): Uint8Array {
  const raw = new Uint8Array(file.endsWith('.xz') ? execFileSync('xz', ['-dc', file], { maxBuffer: 1 << 28 }) : readFileSync(file));
  return stripModuleSignature(raw);
}

/**
 * Builds the initramfs in two newc archives: `cpio` (busybox and its applet links, /dev nodes,
 * /init) and `modulesCpio` (the wanted kernel modules, decompressed to plain `.ko` files, with a
 * modules.dep listing them in load order). The modules are Debian's, uncompressed and without
 * their signatures (see stripModuleSignature): in-kernel xz decompression and signature checks
 * of ext4.ko (7 MB) cost an emulated guest more than the rest of the boot, while a stored
 * archive is only copied.
 */
export function buildInitramfs(opts: { busybox: string; modulesDir: string; kernelVersion: string; init: string; loadModules?: string }): {
  cpio: Uint8Array;
  modulesCpio: Uint8Array;
  modules: string[];
} {
  const cpio = new CpioWriter();
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'tmp', 'root', 'etc', 'mnt']) cpio.addDirectory(d);
  cpio.addFile('bin/busybox', new Uint8Array(readFileSync(opts.busybox)), { mode: 0o755 });
  for (const applet of busyboxApplets(opts.busybox)) {
    const path = applet.replace(/^\/+/, '');
    if (path === 'bin/busybox' || cpio.has(path)) continue;
    cpio.addSymlink(path, '/bin/busybox');
  }
  cpio.addDevice('dev/console', 'c', 5, 1, { mode: 0o600 });
  cpio.addDevice('dev/null', 'c', 1, 3, { mode: 0o666 });
  cpio.addFile('init', new TextEncoder().encode(opts.init), { mode: 0o755 });
  if (opts.loadModules) cpio.addFile('sbin/load-modules', new TextEncoder().encode(opts.loadModules), { mode: 0o755 });
  const { order, modulesDep } = moduleClosure(opts.modulesDir, WANTED_MODULES);
  const plain = (m: string) => m.replace(/\.(xz|gz|zst)$/, '');
  const mods = new CpioWriter();
  const base = `lib/modules/${opts.kernelVersion}`;
  for (const m of order) mods.addFile(`${base}/${plain(m)}`, readModule(join(opts.modulesDir, m)));
  mods.addFile(`${base}/modules.dep`, new TextEncoder().encode(modulesDep.replace(/\.ko\.(xz|gz|zst)\b/g, '.ko')));
  return { cpio: cpio.finish(), modulesCpio: mods.finish(), modules: order.map(moduleName) };
}

/** Writes a file under a temporary name and renames it: a guest booting from the cache meanwhile reads the old or the new file, never half of one. */
function replaceFile(path: string, data: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Makes sure the guest is in the cache and returns its paths. Idempotent: a second call reads
 * the cache (and rebuilds only the initramfs, if INITRAMFS_VERSION changed).
 */
export function ensureGuest(options: { cacheDir?: string; log?: Log } = {}): Guest {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const log = options.log ?? ((l: string) => console.log(l));
  const image = join(cacheDir, 'Image');
  const initramfs = join(cacheDir, 'initramfs.cpio.gz');
  const manifestPath = join(cacheDir, 'manifest.json');
  mkdirSync(cacheDir, { recursive: true });
  if (existsSync(manifestPath) && existsSync(image) && existsSync(initramfs)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (m.initramfsVersion === INITRAMFS_VERSION) {
      log(`guest: cached in ${cacheDir}`);
      return { cacheDir, image, initramfs, kernelVersion: m.kernelVersion, kernelPackage: m.kernelPackage, downloadBytes: 0, modules: m.modules };
    }
  }
  const { kernelDeb, busyboxDeb, kernelPackage, bytes } = download(cacheDir, log);
  const kernelDir = join(cacheDir, 'kernel');
  const busyboxDir = join(cacheDir, 'busybox');
  for (const [deb, dir] of [[kernelDeb, kernelDir], [busyboxDeb, busyboxDir]] as const) {
    log(`guest: extracting ${basename(deb)}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run('dpkg-deb', ['-x', deb, dir]);
  }
  const vmlinux = readdirSync(join(kernelDir, 'boot')).find((f) => f.startsWith('vmlinu'));
  if (!vmlinux) throw new Error(`no boot/vmlinu* in ${kernelDeb}`);
  const kernelVersion = vmlinux.replace(/^vmlinu[xz]-/, '');
  replaceFile(image, readFileSync(join(kernelDir, 'boot', vmlinux)));
  const modulesDir = [join(kernelDir, 'usr/lib/modules', kernelVersion), join(kernelDir, 'lib/modules', kernelVersion)].find(existsSync);
  if (!modulesDir) throw new Error(`no modules folder for ${kernelVersion} in ${kernelDeb}`);
  log('guest: building the initramfs');
  const init = readFileSync(new URL('./init.sh', import.meta.url), 'utf8');
  const loadModules = readFileSync(new URL('./load-modules.sh', import.meta.url), 'utf8');
  const { cpio, modulesCpio, modules } = buildInitramfs({ busybox: join(busyboxDir, 'usr/bin/busybox'), modulesDir, kernelVersion, init, loadModules });
  // Two gzip members (Linux unpacks concatenated archives): busybox compressed, the modules stored.
  replaceFile(initramfs, Buffer.concat([gzipSync(cpio, { level: 9 }), gzipStored(modulesCpio)]));
  const manifest: Manifest = { initramfsVersion: INITRAMFS_VERSION, kernelVersion, kernelPackage, modules };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`guest: initramfs ${relative(cacheDir, initramfs)}: ${cpio.length} + ${modulesCpio.length} bytes of cpio, modules ${modules.join(' ')}`);
  return { cacheDir, image, initramfs, kernelVersion, kernelPackage, downloadBytes: bytes, modules };
}

/** A file for appendToInitramfs: text or bytes, and its permission bits (default 0644, 0755 for *.sh). */
export type ExtraFile = string | Uint8Array | { data: string | Uint8Array; mode: number };

/**
 * Appends a second newc cpio archive holding `files` (path -> contents) to an initramfs. Linux
 * unpacks concatenated archives in order and later entries replace earlier ones
 * (Documentation/driver-api/early-userspace/buffer-format.rst), so the base image stays as it is.
 * The archive is gzip "stored" (no compression): it is small and the kernel unpacks it quickly.
 */
export function appendToInitramfs(base: Uint8Array, files: Record<string, ExtraFile>): Uint8Array {
  const cpio = new CpioWriter();
  for (const [path, f] of Object.entries(files)) {
    const data = typeof f === 'string' || f instanceof Uint8Array ? f : f.data;
    const mode = typeof f === 'string' || f instanceof Uint8Array ? (path.endsWith('.sh') ? 0o755 : 0o644) : f.mode;
    cpio.addFile(path, typeof data === 'string' ? new TextEncoder().encode(data) : data, { mode });
  }
  const extra = gzipStored(cpio.finish());
  // The kernel skips zero padding between archives; a 4-byte boundary keeps the next header aligned.
  const pad = (4 - (base.length % 4)) % 4;
  const out = new Uint8Array(base.length + pad + extra.length);
  out.set(base, 0);
  out.set(extra, base.length + pad);
  return out;
}

/**
 * The initramfs plus `/test.sh`: /init runs it after the boot marker (between the markers
 * TSVISOR-TEST-BEGIN and "TSVISOR-TEST-END status=N"), then powers off when the command line has
 * tsvisor.test=1. A script usually ends with `poweroff -f` itself.
 */
export function withTestScript(base: Uint8Array, script: string, extra: Record<string, ExtraFile> = {}): Uint8Array {
  return appendToInitramfs(base, { ...extra, 'test.sh': { data: script, mode: 0o755 } });
}
