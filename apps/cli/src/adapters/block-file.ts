import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import type { BlockBackend } from '@tsvisor/virtio';

/**
 * A virtio-blk backend over a host file, synchronous so that a request completes only
 * once the host has it: a write the guest saw complete is in the host's page cache, and
 * after a guest FLUSH it is on the disk (fsync), even if the VMM is killed right after.
 */
export class FileBlockBackend implements BlockBackend {
  private readonly fd: number;
  readonly size: number;

  constructor(readonly path: string, readOnly: boolean) {
    this.fd = openSync(path, readOnly ? 'r' : 'r+');
    this.size = fstatSync(this.fd).size;
  }
  read(offset: number, into: Uint8Array): void {
    let done = 0;
    while (done < into.length) {
      const n = readSync(this.fd, into, done, into.length - done, offset + done);
      if (n === 0) {
        into.fill(0, done);
        return;
      }
      done += n;
    }
  }
  write(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) done += writeSync(this.fd, data, done, data.length - done, offset + done);
  }
  flush(): void {
    fsyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}
