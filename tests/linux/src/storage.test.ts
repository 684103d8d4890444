// virtio-blk, virtio-rng and virtio-9p met by Debian's own drivers (modules from the Debian
// kernel package), all checked from inside the guest in one boot of `tsvisor machine`, then
// on the host after the VMM is gone. The boot ends with the "no data lost" check: the guest
// writes and syncs, the host kills the VMM with SIGKILL on the marker, and the data is there.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ext4Cat, guestOrFail, host, initramfsWithScript, requireTools, runMachineCli, section, TEST_BOOTARGS, TEST_JIT, type CliRun } from './harness.js';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('Debian guest with virtio-blk, virtio-rng and virtio-9p (tsvisor machine)', () => {
  let dir: string;
  let run: CliRun;
  const token = randomBytes(6).toString('hex');
  const img = { rw: '', snap: '', ro: '' };
  const before = { snap: '', ro: '' };
  let share: string;

  beforeAll(async () => {
    requireTools([['mke2fs', 'e2fsprogs'], ['debugfs', 'e2fsprogs'], ['e2fsck', 'e2fsprogs']]);
    const guest = guestOrFail();
    dir = mkdtempSync(join(tmpdir(), 'tsvisor-linux-'));
    const files = join(dir, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'hello.txt'), `hello from the host ${token}\n`);
    for (const k of ['rw', 'snap', 'ro'] as const) img[k] = join(dir, `${k}.img`);
    // One ext4 image made on the host with its files (mke2fs -d), copied for each disk.
    host('mke2fs', ['-q', '-F', '-t', 'ext4', '-d', files, img.rw, '16M']);
    copyFileSync(img.rw, img.snap);
    copyFileSync(img.rw, img.ro);
    before.snap = sha256(img.snap);
    before.ro = sha256(img.ro);
    share = join(dir, 'share');
    mkdirSync(join(share, 'sub'), { recursive: true });
    writeFileSync(join(share, 'host.txt'), `shared by the host ${token}\n`);
    writeFileSync(join(share, 'sub', 'deep.txt'), 'deep\n');

    const script = `
step modules
load-modules virtio_mmio virtio_blk virtio-rng ext4 9p 9pnet_virtio; echo "load-status=$?"
ls /sys/bus/virtio/drivers
step rng
cat /sys/class/misc/hw_random/rng_available
echo "rng_current=$(cat /sys/class/misc/hw_random/rng_current)"
dd if=/dev/hwrng bs=16 count=1 2>/dev/null | od -x
step blk-rw
dev=$(disk tsvisor-disk0); echo "dev=$dev"
mkdir -p /mnt/rw /mnt/snap /mnt/ro /mnt/p9
mount -t ext4 "$dev" /mnt/rw && echo mounted
cat /mnt/rw/hello.txt
echo "written by the guest ${token} on $(uname -r)" > /mnt/rw/guest.txt && sync && echo synced
umount /mnt/rw && echo unmounted
step blk-snapshot
mount -t ext4 "$(disk tsvisor-disk1)" /mnt/snap && echo mounted
echo "snapshot write ${token}" > /mnt/snap/snap.txt && sync && echo synced
rm /mnt/snap/hello.txt && sync
umount /mnt/snap && mount -t ext4 "$(disk tsvisor-disk1)" /mnt/snap && echo remounted
cat /mnt/snap/snap.txt; ls /mnt/snap
umount /mnt/snap
step blk-ro
dev=$(disk tsvisor-disk2)
echo "sysfs-ro=$(cat /sys/block/\${dev#/dev/}/ro)"
mount -t ext4 -o ro "$dev" /mnt/ro && echo mounted
cat /mnt/ro/hello.txt
echo x > /mnt/ro/x.txt; echo "write-status=$?"
mount -o remount,rw /mnt/ro; echo "remount-rw-status=$?"
dd if=/dev/zero of="$dev" bs=512 count=1 seek=100; echo "raw-write-status=$?"
umount /mnt/ro
step 9p
mount -t 9p -o trans=virtio,version=9p2000.L host /mnt/p9 && echo mounted
ls /mnt/p9 /mnt/p9/sub
cat /mnt/p9/host.txt
echo "written over 9p by the guest ${token}" > /mnt/p9/guest.txt && echo written
mkdir /mnt/p9/made-by-guest && mv /mnt/p9/sub/deep.txt /mnt/p9/made-by-guest/ && echo moved
umount /mnt/p9 && echo unmounted
step kill
mount -t ext4 "$(disk tsvisor-disk0)" /mnt/rw
head -c 65536 /dev/urandom > /mnt/rw/random.bin
sha256sum /mnt/rw/random.bin
echo "survives a SIGKILL ${token}" > /mnt/rw/last.txt
sync
step synced
sleep 3600
`;
    const initrd = join(dir, 'initramfs.cpio.gz');
    writeFileSync(initrd, initramfsWithScript(guest, script));
    let killed = false;
    run = await runMachineCli(
      ['-m', '512M', '--jit', TEST_JIT ? 'on' : 'off', '--kernel', guest.image, '--initrd', initrd, '--append', TEST_BOOTARGS,
        '--disk', img.rw, '--disk', `${img.snap},snapshot`, '--disk', `${img.ro},ro`, '--9p', `${share},host`, '--rng'],
      {
        timeoutMs: 3_000_000,
        // The guest saw its writes complete after sync: kill the VMM at once, without any warning.
        watch: (out, child) => {
          if (!killed && /^@@ synced\r?$/m.test(out)) {
            killed = true;
            child.kill('SIGKILL');
          }
        },
      },
    );
    console.log(`storage boot: ${run.seconds.toFixed(0)} s until the SIGKILL`);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads Debian virtio_mmio, virtio_blk, virtio-rng, ext4 and 9p modules, which bind to our devices', () => {
    const s = section(run.output, 'modules');
    expect(s).toContain('load-status=0');
    for (const driver of ['virtio_blk', 'virtio_rng', '9pnet_virtio']) expect(s).toContain(driver);
  });

  it('virtio-rng: /dev/hwrng gives bytes and hw_random uses the virtio device', () => {
    const s = section(run.output, 'rng');
    expect(s).toMatch(/^rng_current=virtio_rng\.\d+$/m);
    const words = /^0000000((?: [0-9a-f]{4}){8})$/m.exec(s)?.[1]?.trim().split(' ');
    expect(words, s).toHaveLength(8);
    expect(new Set(words).size).toBeGreaterThan(1);
  });

  it('virtio-blk: mounts a host-made ext4 image, reads it, and the host sees what the guest wrote', () => {
    const s = section(run.output, 'blk-rw');
    expect(s).toMatch(/^dev=\/dev\/vd[a-z]$/m);
    expect(s).toContain('mounted');
    expect(s).toContain(`hello from the host ${token}`);
    expect(s).toContain('synced');
    expect(s).toContain('unmounted');
    expect(ext4Cat(img.rw, '/guest.txt')).toMatch(new RegExp(`^written by the guest ${token} on 6\\.\\S+-riscv64\\n$`));
  });

  it('virtio-blk ,snapshot: the guest reads back its writes, the image stays untouched', () => {
    const s = section(run.output, 'blk-snapshot');
    expect(s).toContain('remounted');
    expect(s).toContain(`snapshot write ${token}`);
    expect(s).not.toContain('hello.txt');
    expect(sha256(img.snap)).toBe(before.snap);
  });

  it('virtio-blk ,ro: a read-only disk the guest can read but not write', () => {
    const s = section(run.output, 'blk-ro');
    expect(s).toContain('sysfs-ro=1');
    expect(s).toContain(`hello from the host ${token}`);
    expect(s).toMatch(/Read-only file system/);
    expect(s).toMatch(/^write-status=[1-9]/m);
    expect(s).toMatch(/^remount-rw-status=[1-9]/m);
    expect(s).toMatch(/^raw-write-status=[1-9]/m);
    expect(sha256(img.ro)).toBe(before.ro);
  });

  it('virtio-9p: mounts a host folder, lists and reads it, and the host sees the guest\'s changes', () => {
    const s = section(run.output, '9p');
    expect(s).toContain('mounted');
    expect(s).toMatch(/host\.txt/);
    expect(s).toMatch(/deep\.txt/);
    expect(s).toContain(`shared by the host ${token}`);
    expect(s).toContain('moved');
    expect(s).toContain('unmounted');
    expect(readFileSync(join(share, 'guest.txt'), 'utf8')).toBe(`written over 9p by the guest ${token}\n`);
    expect(readFileSync(join(share, 'made-by-guest', 'deep.txt'), 'utf8')).toBe('deep\n');
  });

  it('no data lost: what the guest synced is in the image after the VMM was killed with SIGKILL', () => {
    expect(run.signal).toBe('SIGKILL');
    const s = section(run.output, 'kill');
    const guestSum = /^([0-9a-f]{64})\s+\/mnt\/rw\/random\.bin$/m.exec(s)?.[1];
    expect(guestSum, s).toBeDefined();
    // The file system was never unmounted: replay its journal as the next mount would (e2fsck),
    // then read the files without mounting.
    const fsck = spawnSync('e2fsck', ['-fy', img.rw], { encoding: 'utf8' });
    // 0: clean, 1: errors corrected (the journal replayed), 2: corrected, reboot advised.
    expect(fsck.status, `${fsck.stdout}${fsck.stderr}`).toBeLessThan(4);
    expect(ext4Cat(img.rw, '/last.txt')).toBe(`survives a SIGKILL ${token}\n`);
    const dumped = join(dir, 'random.bin');
    host('debugfs', ['-R', `dump /random.bin ${dumped}`, img.rw]);
    expect(sha256(dumped)).toBe(guestSum);
  });
});
