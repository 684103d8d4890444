/**
 * Command-line virtio devices, shared by `tsvisor machine` and `tsvisor run` (kvmtool's
 * `--disk`, `--9p`, `--rng`, `--balloon`, `--vsock`, `--network`).
 */
import { existsSync } from 'node:fs';
import { virtioSlot, type VirtioSlotDevice } from '@tsvisor/board-virt';
import { NetworkSwitch, SnapshotBackend, Virtio9p, VirtioBalloon, VirtioBlk, VirtioNet, VirtioRng, VirtioVsock, type NetBackend, type VirtioDevice } from '@tsvisor/virtio';
import { FileBlockBackend } from './adapters/block-file.js';
import { HostFolderFs } from './adapters/host-fs.js';
import { SocketNetBackend } from './adapters/net-socket.js';
import { CliError } from './errors.js';

export interface VirtioCliOptions {
  disk?: string[];
  p9?: string[];
  rng?: boolean;
  balloon?: boolean;
  vsock?: string;
  network?: string[];
  virtioTransport?: string;
}

/** A MAC address derived from the device's position, in QEMU's locally administered 52:54:00 range. */
function mac(index: number): Uint8Array {
  return Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56 + index);
}

const sharedSwitch = new NetworkSwitch((fn) => setImmediate(fn));

async function netBackend(spec: string): Promise<NetBackend> {
  const [kind, arg] = spec.split('=', 2) as [string, string | undefined];
  const port = (what: string) => {
    const n = Number(arg);
    if (!arg || !Number.isInteger(n) || n < 1 || n > 65535) throw new CliError(`--network ${spec}: ${what} needs a TCP port (1-65535)`);
    return n;
  };
  switch (kind) {
    case 'switch':
      return sharedSwitch.connect();
    case 'listen':
      return SocketNetBackend.listen(port('listen'));
    case 'connect':
      try {
        return await SocketNetBackend.connect(port('connect'));
      } catch (e) {
        throw new CliError(`--network ${spec}: cannot connect (${(e as Error).message})`);
      }
    default:
      throw new CliError(`--network ${spec}: unknown backend (use switch, listen=PORT or connect=PORT)`);
  }
}

/** Builds the virtio slot devices the options ask for, for the virt board. */
export async function virtioDevices(o: VirtioCliOptions): Promise<VirtioSlotDevice[]> {
  const transport = o.virtioTransport ?? 'mmio';
  if (transport !== 'mmio' && transport !== 'mmio-legacy') {
    throw new CliError(`--virtio-transport ${transport}: only mmio and mmio-legacy exist here`);
  }
  const devices = await virtioDeviceList(o);
  if (devices.length > 8) throw new CliError(`too many virtio devices (${devices.length}): the virt board has 8 virtio-mmio slots`);
  return devices.map((d) => virtioSlot(d, { legacy: transport === 'mmio-legacy' }));
}

/** The virtio devices the options ask for, in kvmtool's order (disks, 9p, network, rng, balloon, vsock). */
export async function virtioDeviceList(o: VirtioCliOptions): Promise<VirtioDevice[]> {
  const out: VirtioDevice[] = [];
  for (const spec of o.disk ?? []) {
    const [path, ...flags] = spec.split(',');
    if (!path || !existsSync(path)) throw new CliError(`--disk ${spec}: no such file '${path ?? ''}'`);
    for (const f of flags) if (f !== 'ro' && f !== 'snapshot') throw new CliError(`--disk ${spec}: unknown flag '${f}' (ro, snapshot)`);
    const snapshot = flags.includes('snapshot');
    const readOnly = flags.includes('ro');
    const file = new FileBlockBackend(path, readOnly || snapshot);
    if (file.size % 512 !== 0) throw new CliError(`--disk ${spec}: size ${file.size} is not a multiple of 512 bytes`);
    out.push(new VirtioBlk(snapshot ? new SnapshotBackend(file) : file, { readOnly, serial: `tsvisor-disk${out.length}` }));
  }
  for (const spec of o.p9 ?? []) {
    const [dir, tag, ...flags] = spec.split(',');
    if (!dir || !tag) throw new CliError(`--9p ${spec}: expected DIR,TAG[,ro]`);
    if (!existsSync(dir)) throw new CliError(`--9p ${spec}: no such folder '${dir}'`);
    out.push(new Virtio9p(new HostFolderFs(dir, flags.includes('ro')), tag));
  }
  for (const [i, spec] of (o.network ?? []).entries()) {
    out.push(new VirtioNet(await netBackend(spec), mac(i)));
  }
  if (o.rng) out.push(new VirtioRng());
  if (o.balloon) out.push(new VirtioBalloon());
  if (o.vsock !== undefined) {
    const cid = Number(o.vsock);
    if (!Number.isInteger(cid) || cid < 3) throw new CliError(`--vsock ${o.vsock}: a guest CID is a whole number of at least 3`);
    out.push(new VirtioVsock(cid));
  }
  return out;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Adds the virtio options to a commander command. */
export function addVirtioOptions<T extends { option: (...a: never[]) => T }>(cmd: T): T {
  const c = cmd as unknown as import('commander').Command;
  c.option('-d, --disk <image[,ro|,snapshot]>', 'virtio-blk disk backed by a file (repeatable)', collect)
    .option('--9p <dir,tag[,ro]>', 'share a host folder over virtio-9p (repeatable)', collect)
    .option('-n, --network <backend>', 'virtio-net: switch (guests of this process), listen=PORT or connect=PORT (QEMU -netdev socket framing)', collect)
    .option('--rng', 'virtio-rng entropy device')
    .option('--balloon', 'virtio memory balloon')
    .option('--vsock <cid>', 'virtio-vsock with this guest CID')
    .option('--virtio-transport <kind>', 'mmio (version 2) or mmio-legacy (version 1)', 'mmio');
  return cmd;
}
