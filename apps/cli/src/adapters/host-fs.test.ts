import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsError, MemoryBackend, P9Server, VirtioBlk } from '@tsvisor/virtio';
import { MockDriver } from '@tsvisor/virtio/test';
import { FileBlockBackend } from './block-file.js';
import { HostFolderFs } from './host-fs.js';

describe('host adapters for virtio', () => {
  it('a 9p share reads and writes a host folder and refuses paths through symlinks out of it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tsv-out-'));
    writeFileSync(join(outside, 'secret'), 'no');
    const root = mkdtempSync(join(tmpdir(), 'tsv-share-'));
    mkdirSync(join(root, 'dir'));
    writeFileSync(join(root, 'dir', 'f.txt'), 'host data');
    symlinkSync(outside, join(root, 'escape'));
    const fs = new HostFolderFs(root, false);
    expect(fs.readdir('').sort()).toEqual(['dir', 'escape']);
    const h = fs.open('dir/f.txt', 2, 0);
    expect(new TextDecoder().decode(fs.read(h, 0, 100))).toBe('host data');
    fs.write(h, 0, new TextEncoder().encode('HOST'));
    fs.close(h);
    expect(readFileSync(join(root, 'dir', 'f.txt'), 'utf8')).toBe('HOST data');
    expect(() => fs.lstat('escape/secret')).toThrow(FsError);
    expect(() => fs.open('escape', 0, 0)).toThrow(FsError); // O_NOFOLLOW on the last component
    expect(new P9Server(fs)).toBeTruthy();
    const ro = new HostFolderFs(root, true);
    expect(() => ro.mkdir('x', 0o755)).toThrow(/errno 30|EROFS/);
  });

  it('virtio-blk writes reach the host file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsv-blk-'));
    const path = join(dir, 'disk.img');
    writeFileSync(path, new Uint8Array(8192));
    const backend = new FileBlockBackend(path, false);
    const drv = new MockDriver(new VirtioBlk(backend));
    drv.init();
    const hdr = new Uint8Array(16);
    new DataView(hdr.buffer).setUint32(0, 1, true);
    new DataView(hdr.buffer).setBigUint64(8, 3n, true);
    drv.submit(0, [{ data: hdr }, { data: new Uint8Array(512).fill(0x42) }, { writable: 1 }]);
    const flush = new Uint8Array(16);
    new DataView(flush.buffer).setUint32(0, 4, true);
    drv.submit(0, [{ data: flush }, { writable: 1 }]);
    backend.close();
    const img = readFileSync(path);
    expect(img.subarray(1536, 2048).every((b) => b === 0x42)).toBe(true);
    expect(new MemoryBackend(new Uint8Array(1)).size).toBe(1);
  });
});
