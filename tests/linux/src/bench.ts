// virtio throughput inside Debian guests on tsvisor, for `pnpm bench`:
//   const { benchVirtio } = await import('../../tests/linux/src/bench.ts');
//   const r = await benchVirtio();   // { blkReadMBs, blkWriteMBs, netMBs, seconds }
// or on its own: node --conditions=@tsvisor/source --import tsx tests/linux/src/bench.ts
// Two guests in one process on a NetworkSwitch; guest 0 also has a 64 MiB in-memory disk.
// Guest 0 measures sequential reads and writes of its raw disk with dd (O_DIRECT, so the page
// cache does not answer), while guest 1 idles in `nc -l`; then guest 0 sends 4 MiB to guest 1
// over TCP. Figures are MB/s (10^6 bytes) of wall time, as the guests measure it.
import { appendFileSync, readFileSync } from 'node:fs';
import { createVirtMachine, virtioSlot, type VirtMachine } from '@tsvisor/board-virt';
import { MemoryBackend, NetworkSwitch, VirtioBlk, VirtioNet } from '@tsvisor/virtio';
import { guestOrFail, initramfsWithScript, OPENSBI, section, TEST_BOOTARGS, TEST_JIT } from './harness.js';

const MiB = 2 ** 20;

export interface VirtioBenchResult {
  blkReadMBs: number;
  blkWriteMBs: number;
  netMBs: number;
  /** Wall time of the whole run (two boots included). */
  seconds: number;
}

const ELAPSED = `t() { cut -d' ' -f1 /proc/uptime; }
rate() { awk -v b="$1" -v s="$2" -v e="$3" 'BEGIN { printf "%.2f", b / (e - s) / 1e6 }'; }`;

function script(i: number, diskMiB: number, netMiB: number): string {
  const me = `10.0.2.${15 + i}`;
  const peer = `10.0.2.${16 - i}`;
  const common = `${ELAPSED}
load-modules virtio_mmio virtio_blk virtio_net
ip link set lo up; ip addr add ${me}/24 dev eth0; ip link set eth0 up
`;
  if (i === 1) return `${common}step ready
nc -l -p 5001 > /dev/null; echo "nc-status=$?"
step done
sleep 3600
`;
  return `${common}n=0
until ping -c 1 -W 2 ${peer} > /dev/null 2>&1; do n=$((n + 1)); [ $n -ge 600 ] && break; done
dev=$(ls /dev/vd* | head -n 1)
step blk
s=$(t); dd if=/dev/zero of=$dev bs=1M count=${diskMiB} oflag=direct 2>/dev/null; e=$(t); echo "blk-write=$(rate ${diskMiB * MiB} $s $e)"
s=$(t); dd if=$dev of=/dev/null bs=1M count=${diskMiB} iflag=direct 2>/dev/null; e=$(t); echo "blk-read=$(rate ${diskMiB * MiB} $s $e)"
step net
sleep 2
s=$(t); dd if=/dev/zero bs=64k count=${netMiB * 16} 2>/dev/null | nc ${peer} 5001; e=$(t); echo "net=$(rate ${netMiB * MiB} $s $e)"
step done
sleep 3600
`;
}

/** Boots two guests and measures virtio-blk and virtio-net throughput inside them. */
export async function benchVirtio(options: { diskMiB?: number; netMiB?: number; log?: (line: string) => void } = {}): Promise<VirtioBenchResult> {
  const diskMiB = options.diskMiB ?? 32;
  const netMiB = options.netMiB ?? 4;
  const guest = guestOrFail();
  const image = new Uint8Array(readFileSync(guest.image));
  const bios = new Uint8Array(readFileSync(OPENSBI));
  const sw = new NetworkSwitch((fn) => setImmediate(fn));
  const started = Date.now();
  const outputs = ['', ''];
  const machines: VirtMachine[] = [];
  for (const i of [0, 1]) {
    const devices = [virtioSlot(new VirtioNet(sw.connect(), Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x35, i)))];
    if (i === 0) devices.push(virtioSlot(new VirtioBlk(new MemoryBackend(new Uint8Array(2 * diskMiB * MiB)))));
    machines.push(
      createVirtMachine({
        memory: 256 * MiB,
        bios: { bytes: bios, name: 'fw_dynamic.bin' },
        kernel: { bytes: image, name: 'Image' },
        initrd: { bytes: initramfsWithScript(guest, script(i, diskMiB, netMiB)), name: 'initramfs' },
        bootargs: TEST_BOOTARGS,
        jit: TEST_JIT,
        virtio: devices,
        output: (b) => {
          outputs[i] += Buffer.from(b).toString('latin1');
          if (process.env.TSVISOR_GUEST_LOG) appendFileSync(`${process.env.TSVISOR_GUEST_LOG}.bench${i}`, b);
          if (outputs.every((o) => /^@@ done\r?$/m.test(o))) for (const m of machines) m.stop(0);
        },
      }),
    );
  }
  await Promise.all(machines.map((m) => m.run()));
  const value = (name: string, key: string) => {
    const m = new RegExp(`^${key}=([0-9.]+)$`, 'm').exec(section(outputs[0]!, name));
    if (!m) throw new Error(`guest 0 printed no ${key}= figure:\n${outputs[0]!.slice(-2000)}`);
    return Number(m[1]);
  };
  return { blkWriteMBs: value('blk', 'blk-write'), blkReadMBs: value('blk', 'blk-read'), netMBs: value('net', 'net'), seconds: (Date.now() - started) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchVirtio();
  console.log(`virtio-blk sequential write ${r.blkWriteMBs} MB/s, read ${r.blkReadMBs} MB/s (dd bs=1M O_DIRECT in the guest)`);
  console.log(`virtio-net guest-to-guest TCP ${r.netMBs} MB/s (busybox nc); run took ${r.seconds.toFixed(0)} s`);
  process.exit(0);
}
