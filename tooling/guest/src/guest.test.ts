import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDtb, treeToBuilder } from '@tsvisor/fdt';
import { loadKvmtoolBoot, loadQemuVirtBoot, parseLinuxImageHeader } from '@tsvisor/loader';
import { ArrayGuestMemory } from '@tsvisor/loader/test';
import { ensureGuest, type Guest, moduleName, stripModuleSignature, WANTED_MODULES, withTestScript } from './guest.js';

const MARKER = 'TSVISOR-BOOT-OK';
let guest: Guest;

beforeAll(() => {
  // Fetches the Debian packages on first use (CI), reuses the cache afterwards.
  const started = Date.now();
  guest = ensureGuest({ log: () => {} });
  console.log(`guest ready in ${((Date.now() - started) / 1000).toFixed(1)} s, downloaded ${(guest.downloadBytes / 2 ** 20).toFixed(1)} MiB`);
});

/** `cpio -itv` of every archive in a concatenation of newc archives (GNU cpio stops at the first trailer). */
function listArchives(data: Uint8Array): string[] {
  const buf = Buffer.from(data);
  const align4 = (n: number) => (n + 3) & ~3;
  const field = (at: number, i: number) => parseInt(buf.toString('latin1', at + 6 + 8 * i, at + 14 + 8 * i), 16);
  const lines: string[] = [];
  let start = 0;
  while (start < buf.length && buf.toString('latin1', start, start + 6) === '070701') {
    // Walk the headers (c_filesize is field 6, c_namesize field 11) to this archive's trailer.
    let at = start;
    for (;;) {
      const nameSize = field(at, 11);
      const name = buf.toString('latin1', at + 110, at + 110 + nameSize - 1);
      at = align4(at + 110 + nameSize) + align4(field(at, 6));
      if (name === 'TRAILER!!!') break;
    }
    const listing = execFileSync('cpio', ['-itv', '--quiet'], { input: Buffer.concat([buf.subarray(start, at), Buffer.alloc(512)]), encoding: 'utf8', maxBuffer: 1 << 26 });
    lines.push(...listing.trim().split('\n'));
    start = at;
    while (start < buf.length && buf[start] === 0) start++;
  }
  return lines;
}

function bootUnderQemu(timeoutMs: number, extraArgs: string[] = [], initrd?: string): Promise<{ output: string; code: number | null; markerAfterMs?: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let markerAfterMs: number | undefined;
    let output = '';
    const qemu = spawn(
      'qemu-system-riscv64',
      ['-machine', 'virt', '-nographic', '-m', '512M', '-kernel', guest.image, '-initrd', initrd ?? guest.initramfs, '-append', 'console=ttyS0 tsvisor.test=1', ...extraArgs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const timer = setTimeout(() => {
      qemu.kill('SIGKILL');
      reject(new Error(`QEMU did not power off within ${timeoutMs / 1000} s; last output:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString('latin1');
      if (markerAfterMs === undefined && output.includes(MARKER)) markerAfterMs = Date.now() - started;
    };
    qemu.stdout.on('data', onData);
    qemu.stderr.on('data', onData);
    qemu.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run qemu-system-riscv64 (run tooling/scripts/setup.sh): ${e.message}`));
    });
    qemu.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code, markerAfterMs });
    });
  });
}

describe('Debian riscv64 guest', () => {
  it('boots under QEMU to the marker, runs uname and powers off', async () => {
    const { output, code, markerAfterMs } = await bootUnderQemu(600_000);
    console.log(`QEMU: marker after ${((markerAfterMs ?? NaN) / 1000).toFixed(1)} s`);
    expect(output).toContain(MARKER);
    expect(output).toMatch(new RegExp(`Linux \\S+ ${guest.kernelVersion.replace(/[+.]/g, '\\$&')} .* riscv64`));
    expect(output).toContain('reboot: Power down');
    expect(code).toBe(0);
  });

  it('has an initramfs with busybox, its applets, /dev nodes, /init and the wanted modules with their dependencies', () => {
    // Two gzip members: busybox and /init compressed, the modules stored.
    const lines = listArchives(gunzipSync(readFileSync(guest.initramfs)));
    const entry = (path: string) => lines.find((l) => l.endsWith(` ${path}`) || l.includes(` ${path} -> `));
    expect(entry('init')).toMatch(/^-rwxr-xr-x/);
    expect(entry('bin/busybox')).toMatch(/^-rwxr-xr-x/);
    expect(entry('sbin/load-modules')).toMatch(/^-rwxr-xr-x/);
    expect(entry('bin/sh')).toMatch(/^l.* -> \/bin\/busybox$/);
    expect(entry('sbin/poweroff')).toMatch(/-> \/bin\/busybox$/);
    expect(entry('dev/console')).toMatch(/^crw------- .* 5,\s+1 /);
    expect(entry('dev/null')).toMatch(/^crw-rw-rw- .* 1,\s+3 /);
    const modules = lines.map((l) => /lib\/modules\/[^/]+\/(kernel\/\S+\.ko)$/.exec(l)?.[1]).filter((m): m is string => !!m);
    const names = modules.map(moduleName);
    for (const m of WANTED_MODULES) expect(names).toContain(m);
    for (const dep of ['jbd2', 'mbcache', 'crc16', 'netfs', 'crc32c_generic']) expect(names).toContain(dep);
    expect(entry(`lib/modules/${guest.kernelVersion}/modules.dep`)).toBeTruthy();
  });

  it('runs /test.sh from an appended archive; load-modules loads modules with their dependencies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvisor-guest-'));
    try {
      const file = join(dir, 'initramfs.cpio.gz');
      const script = [
        'load-modules ext4 virtio_blk virtio-rng virtio_net 9p 9pnet_virtio; echo "load-status=$?"',
        'echo "loaded: $(cut -d" " -f1 /proc/modules | sort | tr "\\n" " ")"',
        'cat /extra.txt',
        'poweroff -f',
      ].join('\n');
      writeFileSync(file, withTestScript(new Uint8Array(readFileSync(guest.initramfs)), script, { 'extra.txt': 'an extra file\n' }));
      const { output, code } = await bootUnderQemu(600_000, [], file);
      expect(output).toContain('TSVISOR-TEST-BEGIN');
      expect(output).toContain('load-status=0');
      const loaded = /loaded: (.*)/.exec(output)?.[1]?.trim().split(' ');
      for (const m of ['ext4', 'jbd2', 'mbcache', 'crc16', 'crc32c_generic', 'virtio_blk', 'virtio_rng', 'virtio_net', 'net_failover', 'failover', '9p', '9pnet', '9pnet_virtio', 'netfs']) {
        expect(loaded).toContain(m);
      }
      expect(output).toContain('an extra file');
      expect(output).not.toContain('TSVISOR-TEST-END'); // the script powered off itself
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('strips an appended module signature and leaves unsigned files alone', () => {
    const body = new TextEncoder().encode('\x7fELF module body');
    const sig = new Uint8Array(40).fill(7);
    const info = new Uint8Array(12);
    new DataView(info.buffer).setUint32(8, sig.length, false);
    const magic = new TextEncoder().encode('~Module signature appended~\n');
    const signed = new Uint8Array([...body, ...sig, ...info, ...magic]);
    expect(stripModuleSignature(signed)).toEqual(body);
    expect(stripModuleSignature(body)).toEqual(body);
  });

  it('is a RISC-V Image with an EFI stub that the loader places as QEMU does', () => {
    const image = new Uint8Array(readFileSync(guest.image));
    const header = parseLinuxImageHeader(image, 'Image');
    expect(header.efiStub).toBe(true);
    expect(Number(header.imageSize)).toBeGreaterThanOrEqual(image.length);
    const ram = { base: 0x8000_0000, size: 512 * 2 ** 20 };
    const boot = loadQemuVirtBoot({
      ram,
      memory: new ArrayGuestMemory(ram),
      firmware: { name: 'fw_dynamic.bin', bytes: new Uint8Array(readFileSync('/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin')) },
      kernel: { name: 'Image', bytes: image },
      initrd: { name: 'initramfs', bytes: new Uint8Array(readFileSync(guest.initramfs)) },
    });
    expect(boot.kernel!.format).toBe('linux-image');
    expect(boot.kernelEntry).toBe(0x8020_0000);
    expect(boot.initrd!.start).toBe(0x8820_0000);
    expect(boot.fdtAddress).toBe(0x9fe0_0000);
  });

  it('boots with a device tree written by @tsvisor/fdt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvisor-guest-'));
    try {
      const dumped = join(dir, 'qemu.dtb');
      execFileSync('qemu-system-riscv64', ['-machine', 'virt', '-m', '512M', '-machine', `dumpdtb=${dumped}`, '-nographic'], { stdio: 'ignore' });
      // Re-serialise QEMU's tree with our builder and hand it back to QEMU (-dtb); QEMU adds
      // bootargs and the initrd range to /chosen, Linux parses everything else from our blob.
      const ours = treeToBuilder(parseDtb(new Uint8Array(readFileSync(dumped))));
      ours.node('/chosen')!.string('bootargs', 'console=ttyS0 tsvisor.test=1');
      const file = join(dir, 'ours.dtb');
      writeFileSync(file, ours.build());
      const { output, code } = await bootUnderQemu(600_000, ['-dtb', file]);
      expect(output).toContain(MARKER);
      expect(code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fits the kvmtool layout in 512 MiB', () => {
    const ram = { base: 0x8000_0000, size: 512 * 2 ** 20 };
    const image = new Uint8Array(readFileSync(guest.image));
    const initramfs = new Uint8Array(readFileSync(guest.initramfs));
    const boot = loadKvmtoolBoot({ ram, memory: new ArrayGuestMemory(ram), kernel: { name: 'Image', bytes: image }, initrd: { name: 'initramfs', bytes: initramfs } });
    expect(boot.entry).toBe(0x8020_0000);
    expect(boot.fdtAddress % (4 * 2 ** 20)).toBe(0);
    expect(boot.fdtAddress).toBeGreaterThanOrEqual(0x8020_0000 + image.length + 4 * 2 ** 20);
    expect(boot.initrd!.end).toBeLessThanOrEqual(0x9000_0000);
    expect(boot.initrd!.start).toBeGreaterThan(boot.fdtAddress);
  });

  it('uses the cache on a second run', () => {
    const again = ensureGuest({ log: () => {} });
    expect(again.downloadBytes).toBe(0);
    expect(again.image).toBe(guest.image);
    expect(again.initramfs).toBe(guest.initramfs);
  });
});
