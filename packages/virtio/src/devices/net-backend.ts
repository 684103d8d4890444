/** Where a virtio-net device's frames go: an in-process switch, a socket, a tap... */
export interface NetBackend {
  /** A frame the guest sent (Ethernet, without the virtio header). */
  send(frame: Uint8Array): void;
  /** Registers the receiver of frames for the guest. */
  attach(receive: (frame: Uint8Array) => void): void;
}

/** One port of a NetworkSwitch. */
class SwitchPort implements NetBackend {
  receive: ((frame: Uint8Array) => void) | null = null;
  constructor(private readonly sw: NetworkSwitch) {}
  send(frame: Uint8Array): void {
    this.sw.forward(this, frame);
  }
  attach(receive: (frame: Uint8Array) => void): void {
    this.receive = receive;
  }
}

/**
 * An Ethernet switch inside one process: it learns source MACs, sends unicast frames to the
 * port that owns the destination and floods broadcast, multicast and unknown destinations.
 * Delivery is deferred (microtask-free: through an injected scheduler) so a guest's
 * transmit never re-enters another device while it runs.
 */
export class NetworkSwitch {
  private readonly ports: SwitchPort[] = [];
  private readonly table = new Map<string, SwitchPort>();
  /** Frames switched, for statistics. */
  frames = 0;

  constructor(private readonly defer: (fn: () => void) => void = (fn) => (globalThis as unknown as { queueMicrotask(f: () => void): void }).queueMicrotask(fn)) {}

  /** A new port to give a virtio-net device as its backend. */
  connect(): NetBackend {
    const port = new SwitchPort(this);
    this.ports.push(port);
    return port;
  }

  forward(from: SwitchPort, frame: Uint8Array): void {
    if (frame.length < 14) return;
    this.frames++;
    const mac = (off: number) => Array.from(frame.subarray(off, off + 6), (b) => b.toString(16).padStart(2, '0')).join(':');
    this.table.set(mac(6), from);
    const dst = frame[0]! & 1 ? undefined : this.table.get(mac(0));
    const copy = frame.slice();
    const targets = dst ? [dst] : this.ports.filter((p) => p !== from);
    for (const p of targets) if (p !== from) this.defer(() => p.receive?.(copy));
  }
}
