import { describe, expect, it } from 'vitest';
import { SocketNetBackend } from './net-socket.js';

describe('socket network backend', () => {
  it('carries frames both ways over loopback with length framing', async () => {
    const a = await SocketNetBackend.listen(0);
    const b = await SocketNetBackend.connect(a.port);
    const gotA: Uint8Array[] = [];
    const gotB: Uint8Array[] = [];
    a.attach((f) => gotA.push(f));
    b.attach((f) => gotB.push(f));
    await new Promise((r) => setTimeout(r, 50));
    b.send(Uint8Array.of(1, 2, 3));
    a.send(new Uint8Array(1500).fill(7));
    a.send(Uint8Array.of(9));
    for (let i = 0; i < 100 && (gotA.length < 1 || gotB.length < 2); i++) await new Promise((r) => setTimeout(r, 10));
    expect(Array.from(gotA[0]!)).toEqual([1, 2, 3]);
    expect(gotB.map((f) => f.length)).toEqual([1500, 1]);
    a.close();
    b.close();
  });
});
