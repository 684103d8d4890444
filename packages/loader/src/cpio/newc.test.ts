/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CpioWriter, crc32, gzipStored, isGzip, LoaderError } from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvisor-cpio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sample(): CpioWriter {
  const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  return new CpioWriter()
    .addFile('/init', enc('#!/bin/sh\necho hi\n'), { mode: 0o755 })
    .addFile('bin/busybox', Uint8Array.from({ length: 1001 }, (_, i) => i & 0xff), { mode: 0o755 })
    .addSymlink('bin/sh', 'busybox')
    .addDevice('dev/console', 'c', 5, 1)
    .addDevice('dev/null', 'c', 1, 3, { mode: 0o666 })
    .addDirectory('proc');
}

describe('CpioWriter (newc)', () => {
  it('writes an archive that cpio lists and extracts', () => {
    const archive = sample().finish();
    expect(archive.length % 4).toBe(0);
    const path = join(dir, 'a.cpio');
    writeFileSync(path, archive);
    const listing = execFileSync('cpio', ['-itv', '--quiet', '-F', path], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const byName = new Map(listing.map((f) => [f[f[0].startsWith('l') ? f.length - 3 : f.length - 1], f]));
    expect([...byName.keys()]).toEqual(['init', 'bin', 'bin/busybox', 'bin/sh', 'dev', 'dev/console', 'dev/null', 'proc']);
    expect(byName.get('init')![0]).toBe('-rwxr-xr-x');
    expect(byName.get('bin')![0]).toBe('drwxr-xr-x');
    expect(byName.get('dev/console')![0]).toBe('crw-------');
    expect(byName.get('dev/console')!.slice(4, 6)).toEqual(['5,', '1']);
    expect(byName.get('dev/null')![0]).toBe('crw-rw-rw-');
    expect(byName.get('bin/sh')!.slice(-3)).toEqual(['bin/sh', '->', 'busybox']);
    // Extract (without device nodes, which need privileges) and compare contents.
    const out = join(dir, 'x');
    execFileSync('sh', ['-c', `mkdir -p ${out} && cd ${out} && cpio -id --quiet --no-absolute-filenames -F ${path} init 'bin/*'`]);
    expect(readFileSync(join(out, 'init'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(statSync(join(out, 'init')).mode & 0o777).toBe(0o755);
    expect(new Uint8Array(readFileSync(join(out, 'bin/busybox')))).toEqual(Uint8Array.from({ length: 1001 }, (_, i) => i & 0xff));
    expect(readlinkSync(join(out, 'bin/sh'))).toBe('busybox');
  });

  it('refuses duplicate paths', () => {
    expect(() => sample().addFile('init', new Uint8Array(1))).toThrow(new LoaderError('cpio: "init" added twice'));
  });
});

describe('gzipStored', () => {
  it('produces gzip streams any reader accepts', () => {
    for (const n of [0, 1, 65535, 65536, 200_003]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7) ^ (i >> 8));
      const gz = gzipStored(data);
      expect(isGzip(gz)).toBe(true);
      expect(Buffer.compare(gunzipSync(gz), data)).toBe(0);
    }
    expect(crc32(Uint8Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0xcbf43926);
  });
});
