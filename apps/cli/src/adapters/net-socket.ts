import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { NetBackend } from '@tsvisor/virtio';

/**
 * A virtio-net backend that carries Ethernet frames over a TCP stream, each frame preceded
 * by its length as a 32-bit big-endian number: the framing of QEMU's `-netdev socket`, so a
 * tsvisor guest can share a link with another tsvisor process or with a QEMU guest.
 * `listen` waits for one peer; `connect` dials one.
 */
export class SocketNetBackend implements NetBackend {
  private socket: Socket | null = null;
  private server: Server | null = null;
  private receive: ((frame: Uint8Array) => void) | null = null;
  private pending = Buffer.alloc(0);
  /** Frames sent before the peer was there are dropped, as on an unplugged cable. */
  dropped = 0;

  static listen(port: number, host = '127.0.0.1'): Promise<SocketNetBackend> {
    const b = new SocketNetBackend();
    return new Promise((resolve, reject) => {
      b.server = createServer((s) => {
        if (b.socket) return s.destroy();
        b.adopt(s);
      });
      b.server.once('error', reject);
      b.server.listen(port, host, () => resolve(b));
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<SocketNetBackend> {
    const b = new SocketNetBackend();
    return new Promise((resolve, reject) => {
      const s = createConnection({ port, host }, () => {
        b.adopt(s);
        resolve(b);
      });
      s.once('error', reject);
    });
  }

  /** The port a listening backend got (useful with port 0). */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  private adopt(s: Socket): void {
    this.socket = s;
    s.setNoDelay(true);
    s.on('data', (chunk: Buffer) => {
      this.pending = Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= 4) {
        const len = this.pending.readUInt32BE(0);
        if (len > 65550) {
          // A peer speaking nonsense: drop the link rather than buffer without bound.
          s.destroy();
          this.pending = Buffer.alloc(0);
          return;
        }
        if (this.pending.length < 4 + len) break;
        const frame = new Uint8Array(this.pending.subarray(4, 4 + len));
        this.pending = this.pending.subarray(4 + len);
        this.receive?.(frame);
      }
    });
    s.on('close', () => {
      if (this.socket === s) this.socket = null;
    });
    s.on('error', () => {});
  }

  send(frame: Uint8Array): void {
    if (!this.socket) {
      this.dropped++;
      return;
    }
    const hdr = Buffer.alloc(4);
    hdr.writeUInt32BE(frame.length, 0);
    this.socket.write(Buffer.concat([hdr, frame]));
  }

  attach(receive: (frame: Uint8Array) => void): void {
    this.receive = receive;
  }

  close(): void {
    this.socket?.destroy();
    this.server?.close();
  }
}
