import { VIRTIO_ID_VSOCK } from '../defs.js';
import { readConfigBytes, type DeviceContext, type VirtioDevice } from '../device.js';
import { readFromChain, totalLength, writeToChain } from '../queue/chain.js';

// virtio 1.2 §5.10 Socket Device
const RX = 0;
const TX = 1;
const HDR = 44;
export const VSOCK_HOST_CID = 2;
const TYPE_STREAM = 1;
const OP = { REQUEST: 1, RESPONSE: 2, RST: 3, SHUTDOWN: 4, RW: 5, CREDIT_UPDATE: 6, CREDIT_REQUEST: 7 } as const;
const SHUTDOWN_RCV = 1;
const SHUTDOWN_SEND = 2;
/** What we advertise as our receive buffer per connection. */
const HOST_BUF_ALLOC = 256 * 1024;
const MAX_PAYLOAD = 64 * 1024;

interface Packet {
  srcCid: number;
  dstCid: number;
  srcPort: number;
  dstPort: number;
  type: number;
  op: number;
  flags: number;
  bufAlloc: number;
  fwdCnt: number;
  payload: Uint8Array;
}

/** One stream connection between the host and the guest. */
export class VsockConnection {
  /** Host side callbacks. */
  onData: (bytes: Uint8Array) => void = () => {};
  onClose: () => void = () => {};
  connected = false;
  closed = false;
  /** Bytes the guest has consumed of what we sent, and its buffer size (credit, §5.10.6.3). */
  peerBufAlloc = 0;
  peerFwdCnt = 0;
  txCnt = 0;
  /** Bytes we have passed to onData (our fwd_cnt). */
  fwdCnt = 0;
  private outbox: Uint8Array[] = [];

  constructor(
    private readonly dev: VirtioVsock,
    readonly hostPort: number,
    readonly guestPort: number,
  ) {}

  /** Sends bytes to the guest, as the guest's credit allows (the rest waits). */
  send(bytes: Uint8Array): void {
    if (this.closed) return;
    this.outbox.push(bytes.slice());
    this.dev.flush();
  }
  /** Closes both directions. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.dev.queuePacket(this, OP.SHUTDOWN, SHUTDOWN_RCV | SHUTDOWN_SEND);
  }

  /** Payload that fits the guest's credit now. */
  takeSendable(): Uint8Array | null {
    if (!this.connected || this.outbox.length === 0) return null;
    const credit = this.peerBufAlloc - (this.txCnt - this.peerFwdCnt);
    if (credit <= 0) return null;
    const head = this.outbox[0]!;
    const n = Math.min(head.length, credit, MAX_PAYLOAD);
    const chunk = head.subarray(0, n);
    if (n === head.length) this.outbox.shift();
    else this.outbox[0] = head.subarray(n);
    this.txCnt += n;
    return chunk;
  }
}

/**
 * virtio-vsock (virtio 1.2 §5.10): stream sockets between the guest (its CID) and the host
 * (CID 2). The host side is an API: `listen(port, accept)` for connections the guest opens
 * to the host, `connect(guestPort)` for connections to a guest listener. Credit-based flow
 * control is honoured both ways; a malformed packet is answered with RST.
 */
export class VirtioVsock implements VirtioDevice {
  readonly deviceId = VIRTIO_ID_VSOCK;
  readonly queueMaxSizes = [128, 128, 16];
  readonly features = 0n;
  private readonly config = new Uint8Array(8);
  private ctx: DeviceContext | null = null;
  private readonly listeners = new Map<number, (c: VsockConnection) => void>();
  private readonly conns = new Map<string, VsockConnection>();
  private readonly control: Packet[] = [];
  private nextHostPort = 49152;

  constructor(readonly guestCid: number) {
    if (!Number.isSafeInteger(guestCid) || guestCid < 3 || guestCid >= 2 ** 32) throw new Error(`vsock: guest CID must be 3..2^32-1 (got ${guestCid})`);
    new DataView(this.config.buffer).setUint32(0, guestCid, true);
  }

  listen(port: number, accept: (c: VsockConnection) => void): void {
    this.listeners.set(port >>> 0, accept);
  }

  connect(guestPort: number): VsockConnection {
    const c = new VsockConnection(this, this.nextHostPort++, guestPort >>> 0);
    this.conns.set(key(c.hostPort, c.guestPort), c);
    this.queuePacket(c, OP.REQUEST, 0);
    return c;
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    return readConfigBytes(this.config, offset, size);
  }
  writeConfig(): void {}
  activate(ctx: DeviceContext): void {
    this.ctx = ctx;
    this.flush();
  }
  reset(): void {
    this.ctx = null;
    for (const c of this.conns.values()) {
      c.closed = true;
      c.onClose();
    }
    this.conns.clear();
    this.control.length = 0;
  }

  notify(q: number): void {
    if (q === TX) this.transmit();
    this.flush();
  }

  /** Queues a control packet (no payload) for the guest. */
  queuePacket(c: VsockConnection, op: number, flags: number): void {
    this.control.push(this.packet(c, op, flags, new Uint8Array(0)));
    this.flush();
  }

  private packet(c: VsockConnection, op: number, flags: number, payload: Uint8Array = new Uint8Array(0)): Packet {
    return {
      srcCid: VSOCK_HOST_CID, dstCid: this.guestCid, srcPort: c.hostPort, dstPort: c.guestPort, type: TYPE_STREAM,
      op, flags, bufAlloc: HOST_BUF_ALLOC, fwdCnt: c.fwdCnt, payload,
    };
  }

  private transmit(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const queue = ctx.queues[TX]!;
    let any = false;
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const total = totalLength(chain.readable);
      const bytes = readFromChain(ctx.mem, chain, 0, Math.min(total, HDR + MAX_PAYLOAD));
      if (!bytes) return ctx.fail('virtio-vsock buffer outside guest RAM');
      queue.pushUsed(chain.head, 0);
      any = true;
      if (bytes.length >= HDR) this.receive(parse(bytes));
    }
    if (any) ctx.signalUsed(TX);
  }

  /** A packet from the guest. */
  private receive(p: Packet): void {
    const reply = (op: number) =>
      this.control.push({
        srcCid: VSOCK_HOST_CID, dstCid: this.guestCid, srcPort: p.dstPort, dstPort: p.srcPort, type: TYPE_STREAM,
        op, flags: 0, bufAlloc: HOST_BUF_ALLOC, fwdCnt: 0, payload: new Uint8Array(0),
      });
    if (p.srcCid !== this.guestCid || p.dstCid !== VSOCK_HOST_CID || p.type !== TYPE_STREAM) {
      if (p.op !== OP.RST) reply(OP.RST);
      return;
    }
    const k = key(p.dstPort, p.srcPort);
    let c = this.conns.get(k);
    if (p.op === OP.REQUEST) {
      const accept = this.listeners.get(p.dstPort);
      if (!accept || c) {
        reply(OP.RST);
        return;
      }
      c = new VsockConnection(this, p.dstPort, p.srcPort);
      c.connected = true;
      c.peerBufAlloc = p.bufAlloc;
      c.peerFwdCnt = p.fwdCnt;
      this.conns.set(k, c);
      this.control.push(this.packet(c, OP.RESPONSE, 0));
      accept(c);
      return;
    }
    if (!c) {
      if (p.op !== OP.RST) reply(OP.RST);
      return;
    }
    c.peerBufAlloc = p.bufAlloc;
    c.peerFwdCnt = p.fwdCnt;
    switch (p.op) {
      case OP.RESPONSE:
        c.connected = true;
        break;
      case OP.RW:
        if (p.payload.length) {
          c.fwdCnt += p.payload.length;
          c.onData(p.payload);
          // Keep the guest's view of our buffer fresh once it has used a good part of it.
          if (c.fwdCnt % (HOST_BUF_ALLOC / 4) < p.payload.length) this.control.push(this.packet(c, OP.CREDIT_UPDATE, 0));
        }
        break;
      case OP.CREDIT_REQUEST:
        this.control.push(this.packet(c, OP.CREDIT_UPDATE, 0));
        break;
      case OP.CREDIT_UPDATE:
        break;
      case OP.SHUTDOWN:
      case OP.RST:
        this.conns.delete(k);
        if (p.op === OP.SHUTDOWN) this.control.push(this.packet(c, OP.RST, 0));
        if (!c.closed) {
          c.closed = true;
          c.onClose();
        }
        break;
      default:
        this.control.push(this.packet(c, OP.RST, 0));
    }
  }

  /** Moves control packets and credit-permitted data into the guest's receive buffers. */
  flush(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const queue = ctx.queues[RX];
    if (!queue) return;
    let any = false;
    for (;;) {
      let p = this.control.shift();
      if (!p) {
        for (const c of this.conns.values()) {
          const data = c.takeSendable();
          if (data) {
            p = this.packet(c, OP.RW, 0, data);
            break;
          }
        }
      }
      if (!p) break;
      const chain = queue.pop();
      if (!chain) {
        // No receive buffer: the packet (data already charged to credit included) waits in front.
        this.control.unshift(p);
        break;
      }
      const room = totalLength(chain.writable);
      let payload = p.payload;
      if (HDR + payload.length > room) {
        // A guest posting tiny buffers: split the data (the rest goes back in front).
        const fit = Math.max(0, room - HDR);
        this.control.unshift({ ...p, payload: payload.subarray(fit) });
        payload = payload.subarray(0, fit);
      }
      const n = writeToChain(ctx.mem, chain, 0, serialize({ ...p, payload }));
      if (n < 0) return ctx.fail('virtio-vsock buffer outside guest RAM');
      queue.pushUsed(chain.head, n);
      any = true;
    }
    if (any) ctx.signalUsed(RX);
  }

  getState() {
    return { stateVersion: 1, guestCid: this.guestCid, connections: this.conns.size };
  }
}

function key(hostPort: number, guestPort: number): string {
  return `${hostPort}:${guestPort}`;
}

function parse(b: Uint8Array): Packet {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const len = dv.getUint32(24, true);
  return {
    srcCid: dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32,
    dstCid: dv.getUint32(8, true) + dv.getUint32(12, true) * 2 ** 32,
    srcPort: dv.getUint32(16, true),
    dstPort: dv.getUint32(20, true),
    type: dv.getUint16(28, true),
    op: dv.getUint16(30, true),
    flags: dv.getUint32(32, true),
    bufAlloc: dv.getUint32(36, true),
    fwdCnt: dv.getUint32(40, true),
    payload: b.subarray(HDR, HDR + Math.min(len, b.length - HDR)),
  };
}

function serialize(p: Packet): Uint8Array {
  const b = new Uint8Array(HDR + p.payload.length);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, p.srcCid % 2 ** 32, true);
  dv.setUint32(4, Math.floor(p.srcCid / 2 ** 32), true);
  dv.setUint32(8, p.dstCid % 2 ** 32, true);
  dv.setUint32(12, Math.floor(p.dstCid / 2 ** 32), true);
  dv.setUint32(16, p.srcPort, true);
  dv.setUint32(20, p.dstPort, true);
  dv.setUint32(24, p.payload.length, true);
  dv.setUint16(28, p.type, true);
  dv.setUint16(30, p.op, true);
  dv.setUint32(32, p.flags, true);
  dv.setUint32(36, p.bufAlloc, true);
  dv.setUint32(40, p.fwdCnt, true);
  b.set(p.payload, HDR);
  return b;
}
