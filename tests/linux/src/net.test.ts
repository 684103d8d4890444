// virtio-net met by Debian's virtio_net driver: two guests in this process, built with
// createVirtMachine and virtioSlot(), on one NetworkSwitch, ping each other. Both machines'
// run() loops yield to the event loop, so they run side by side on one thread.
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtMachine, virtioSlot, type VirtMachine } from '@tsvisor/board-virt';
import { NetworkSwitch, VirtioNet } from '@tsvisor/virtio';
import { guestOrFail, initramfsWithScript, OPENSBI, requireTools, section, TEST_BOOTARGS, TEST_JIT } from './harness.js';

const MiB = 2 ** 20;
const mac = (i: number) => Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x60 + i);
const macText = (i: number) => Array.from(mac(i), (b) => b.toString(16).padStart(2, '0')).join(':');
const ip = (i: number) => `10.0.2.${15 + i}`;

interface Guest {
  machine: VirtMachine;
  net: VirtioNet;
  output: string;
  done: Promise<number>;
}

describe('two Debian guests on one NetworkSwitch (virtio-net)', () => {
  const guests: Guest[] = [];
  const sw = new NetworkSwitch((fn) => setImmediate(fn));
  let seconds = 0;

  beforeAll(async () => {
    requireTools([]);
    const guest = guestOrFail();
    const image = new Uint8Array(readFileSync(guest.image));
    const bios = new Uint8Array(readFileSync(OPENSBI));
    const started = Date.now();
    for (const i of [0, 1]) {
      const peer = 1 - i;
      const script = `
step link
load-modules virtio_mmio virtio_net; echo "load-status=$?"
ip link set lo up
ip addr add ${ip(i)}/24 dev eth0
ip link set eth0 up
echo "mac=$(cat /sys/class/net/eth0/address)"
echo "driver=$(basename "$(readlink /sys/class/net/eth0/device/driver)")"
ip -4 addr show dev eth0
# The peer boots at its own pace: probe until it answers, then measure.
n=0
until ping -c 1 -W 2 ${ip(peer)} > /dev/null 2>&1; do n=$((n + 1)); [ $n -ge 600 ] && break; done
echo "peer-probes=$n"
step ping
ping -c 3 ${ip(peer)}; echo "ping-status=$?"
step ping-done
# Stay up until the host stops both machines: the peer may still be pinging this guest.
sleep 3600
`;
      const net = new VirtioNet(sw.connect(), mac(i));
      const g: Guest = { net, output: '', done: Promise.resolve(0), machine: undefined as unknown as VirtMachine };
      g.machine = createVirtMachine({
        memory: 256 * MiB,
        bios: { bytes: bios, name: 'fw_dynamic.bin' },
        kernel: { bytes: image, name: 'Image' },
        initrd: { bytes: initramfsWithScript(guest, script), name: 'initramfs' },
        bootargs: TEST_BOOTARGS,
        jit: TEST_JIT,
        // Wall time that never runs ahead of the harts (as `tsvisor machine` does by default):
        // on a busy host the guests see no lockups and spend no time in catch-up timer ticks.
        clock: 'paced',
        virtio: [virtioSlot(net)],
        output: (b) => {
          g.output += Buffer.from(b).toString('latin1');
          if (process.env.TSVISOR_GUEST_LOG) appendFileSync(`${process.env.TSVISOR_GUEST_LOG}.net${i}`, b);
          if (guests.length === 2 && guests.every((x) => /^@@ ping-done\r?$/m.test(x.output))) for (const x of guests) x.machine.stop(0);
        },
      });
      guests.push(g);
    }
    for (const g of guests) g.done = g.machine.run();
    await Promise.all(guests.map((g) => g.done));
    seconds = (Date.now() - started) / 1000;
    console.log(`two guests booted and pinged each other in ${seconds.toFixed(0)} s`);
  });

  afterAll(() => {
    for (const g of guests) g.machine.stop(0);
  });

  it('binds Debian virtio_net to each device, with our MAC address', () => {
    for (const [i, g] of guests.entries()) {
      const s = section(g.output, 'link');
      expect(s).toContain('load-status=0');
      expect(s).toContain(`mac=${macText(i)}`);
      expect(s).toContain('driver=virtio_net');
      expect(s).toContain(`inet ${ip(i)}/24`);
    }
  });

  it('each guest pings the other: 3 packets sent, 3 received', () => {
    for (const [i, g] of guests.entries()) {
      const s = section(g.output, 'ping');
      expect(s).toContain(`PING ${ip(1 - i)}`);
      expect(s).toMatch(/3 packets transmitted, 3 packets received, 0% packet loss/);
      expect(s).toContain('ping-status=0');
      expect(g.net.stats.txFrames).toBeGreaterThanOrEqual(3);
      expect(g.net.stats.rxFrames).toBeGreaterThanOrEqual(3);
    }
    expect(sw.frames).toBeGreaterThanOrEqual(12);
  });
});
