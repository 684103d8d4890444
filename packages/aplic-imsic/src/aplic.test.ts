import { describe, expect, it } from 'vitest';
import {
  AplicDomain, APLIC_CLRIE, APLIC_CLRIENUM, APLIC_CLRIPNUM, APLIC_GENMSI, APLIC_IN_CLRIP, APLIC_MMSIADDRCFG,
  APLIC_MMSIADDRCFGH, APLIC_SETIE, APLIC_SETIENUM, APLIC_SETIP, APLIC_SETIPNUM, APLIC_SETIPNUM_BE, APLIC_SETIPNUM_LE,
  APLIC_SMSIADDRCFG, APLIC_SMSIADDRCFGH, aplicDomainSize,
} from './aplic.js';

class Line {
  level = false;
  set(v: boolean) {
    this.level = v;
  }
}
const SRC = (i: number) => 4 * i;
const TARGET = (i: number) => 0x3000 + 4 * i;
const IDC = (h: number, r: number) => 0x4000 + 32 * h + r;
const IE = 1 << 8;

function direct(harts = 2) {
  const idc = Array.from({ length: harts }, () => new Line());
  const d = new AplicDomain({ level: 'machine', harts, delivery: 'direct', idc });
  return { d, idc };
}

function msi() {
  const sent: [number, number][] = [];
  const sink = { write: (a: number, v: number) => void sent.push([a, v]) };
  const m = new AplicDomain({ level: 'machine', harts: 2, delivery: 'msi', msi: sink });
  const s = new AplicDomain({ level: 'supervisor', harts: 2, delivery: 'msi', msi: sink, parent: m, geilen: 3 });
  return { m, s, sent };
}

describe('aplic domaincfg and sourcecfg (AIA 4.5.1-4.5.2)', () => {
  it('domaincfg reads 0x80 in bits 31:24; IE writable; DM fixed by the delivery mode; BE read-only 0', () => {
    const { d } = direct();
    expect(d.read(0, 4)).toBe(0x80000000);
    d.write(0, 4, 0xffffffff);
    expect(d.read(0, 4)).toBe(0x80000100);
    expect(msi().m.read(0, 4)).toBe(0x80000004);
  });

  it('sourcecfg: reserved modes 2-3 read Inactive; sources above the count are read-only zero', () => {
    const { d } = direct();
    d.write(SRC(5), 4, 2);
    expect(d.read(SRC(5), 4)).toBe(0);
    d.write(SRC(5), 4, 6);
    expect(d.read(SRC(5), 4)).toBe(6);
    d.write(SRC(97), 4, 6);
    expect(d.read(SRC(97), 4)).toBe(0);
  });

  it('a leaf domain cannot delegate: writing D=1 zeroes the register', () => {
    const { d } = direct();
    d.write(SRC(3), 4, 4);
    d.write(SRC(3), 4, 0x400);
    expect(d.read(SRC(3), 4)).toBe(0);
  });

  it('delegation: the child sees the source only while delegated to it, and starts from zero', () => {
    const { m, s } = msi();
    s.write(SRC(7), 4, 6);
    expect(s.read(SRC(7), 4)).toBe(0); // not delegated yet: read-only zero
    m.write(SRC(7), 4, 0x400);
    expect(m.read(SRC(7), 4)).toBe(0x400);
    expect(s.read(SRC(7), 4)).toBe(0);
    s.write(SRC(7), 4, 6);
    s.write(APLIC_SETIENUM, 4, 7);
    expect(s.read(SRC(7), 4)).toBe(6);
    expect(s.read(APLIC_SETIE, 4)).toBe(1 << 7);
    m.write(SRC(7), 4, 4); // taken back
    expect(s.read(SRC(7), 4)).toBe(0);
    expect(s.read(APLIC_SETIE, 4)).toBe(0);
    m.write(SRC(7), 4, 0x401); // child index 1 does not exist (WLRL): zero
    expect(m.read(SRC(7), 4)).toBe(0);
  });

  it('an inactive source has read-only zero pending, enable and target', () => {
    const { d } = direct();
    d.write(APLIC_SETIENUM, 4, 4);
    d.write(APLIC_SETIPNUM, 4, 4);
    d.write(TARGET(4), 4, 0x40005);
    expect([d.read(APLIC_SETIP, 4), d.read(APLIC_SETIE, 4), d.read(TARGET(4), 4)]).toEqual([0, 0, 0]);
  });
});

describe('aplic pending bits (AIA 4.7)', () => {
  it('edge: rising rectified input or setip sets; claim, in_clrip, clripnum clear; Edge0 is inverted', () => {
    const { d } = direct();
    d.write(SRC(1), 4, 4); // Edge1
    d.write(SRC(2), 4, 5); // Edge0
    d.source(1).set(true);
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 1);
    d.write(APLIC_IN_CLRIP, 4, 1 << 1);
    expect(d.read(APLIC_SETIP, 4)).toBe(0);
    d.source(2).set(true);
    d.source(2).set(false); // falling edge on the wire = rising rectified input
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 2);
    d.write(APLIC_CLRIPNUM, 4, 2);
    d.write(APLIC_SETIP, 4, 1 << 1);
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 1);
    // in_clrip reads the rectified inputs: source 1 wire high; source 2 wire low under Edge0 = 1.
    expect(d.read(APLIC_IN_CLRIP, 4)).toBe((1 << 1) | (1 << 2));
  });

  it('level in direct mode: the pending bit is a copy of the rectified input; software cannot change it', () => {
    const { d } = direct();
    d.write(SRC(3), 4, 6);
    d.write(APLIC_SETIPNUM, 4, 3);
    expect(d.read(APLIC_SETIP, 4)).toBe(0);
    d.source(3).set(true);
    d.write(APLIC_CLRIPNUM, 4, 3);
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 3);
    d.source(3).set(false);
    expect(d.read(APLIC_SETIP, 4)).toBe(0);
    d.write(SRC(4), 4, 7); // Level0 with the wire low: pending at once
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 4);
  });

  it('detached: only setip sets; the wire is ignored', () => {
    const { d } = direct();
    d.write(SRC(6), 4, 1);
    d.source(6).set(true);
    expect(d.read(APLIC_SETIP, 4)).toBe(0);
    d.write(APLIC_SETIPNUM_LE, 4, 6);
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 6);
    d.write(APLIC_CLRIPNUM, 4, 6);
    d.write(APLIC_SETIPNUM_BE, 4, 0x06000000);
    expect(d.read(APLIC_SETIP, 4)).toBe(1 << 6);
  });

  it('level in MSI mode: setip works only while the input is high; forwarding clears it', () => {
    const { m, sent } = msi();
    m.write(APLIC_MMSIADDRCFG, 4, 0x24000);
    m.write(SRC(9), 4, 6);
    m.write(TARGET(9), 4, (1 << 18) | 33);
    m.write(APLIC_SETIPNUM, 4, 9);
    expect(m.read(APLIC_SETIP, 4)).toBe(0);
    m.source(9).set(true);
    expect(m.read(APLIC_SETIP, 4)).toBe(1 << 9); // IE = 0, not enabled: stays pending
    m.write(APLIC_SETIENUM, 4, 9);
    m.write(0, 4, IE);
    expect(sent).toEqual([[0x24000000, 33]]); // LHXW = 0: every hart index maps to the base
    expect(m.read(APLIC_SETIP, 4)).toBe(0);
    m.write(APLIC_SETIPNUM, 4, 9); // input still high: a re-trigger (what Linux does after handling)
    expect(sent.length).toBe(2);
    m.source(9).set(false);
    m.write(APLIC_SETIPNUM, 4, 9);
    expect(sent.length).toBe(2);
  });
});

describe('aplic direct delivery (AIA 4.8)', () => {
  it('IDC: delivery needs IE, idelivery and an enabled pending source; topi/claimi report source and priority', () => {
    const { d, idc } = direct();
    d.write(SRC(10), 4, 4);
    d.write(TARGET(10), 4, (1 << 18) | 0); // hart 1, IPRIO 0 is stored as 1
    expect(d.read(TARGET(10), 4)).toBe((1 << 18) | 1);
    d.write(APLIC_SETIENUM, 4, 10);
    d.source(10).set(true);
    expect(d.read(IDC(1, 0x18), 4)).toBe((10 << 16) | 1);
    expect(idc[1]!.level).toBe(false);
    d.write(0, 4, IE);
    expect(idc[1]!.level).toBe(false);
    d.write(IDC(1, 0), 4, 1);
    expect(idc[1]!.level).toBe(true);
    expect(idc[0]!.level).toBe(false);
    expect(d.read(IDC(1, 0x1c), 4)).toBe((10 << 16) | 1);
    expect(idc[1]!.level).toBe(false);
    expect(d.read(IDC(1, 0x1c), 4)).toBe(0);
  });

  it('lower priority numbers win, ties to the lower source; ithreshold masks priorities >= it', () => {
    const { d } = direct(1);
    for (const [src, prio] of [[5, 3], [6, 2], [7, 2]] as const) {
      d.write(SRC(src), 4, 1);
      d.write(TARGET(src), 4, prio);
      d.write(APLIC_SETIENUM, 4, src);
      d.write(APLIC_SETIPNUM, 4, src);
    }
    expect(d.read(IDC(0, 0x18), 4)).toBe((6 << 16) | 2);
    d.write(IDC(0, 8), 4, 2);
    expect(d.read(IDC(0, 0x18), 4)).toBe(0);
    d.write(IDC(0, 8), 4, 3);
    expect(d.read(IDC(0, 0x18), 4)).toBe((6 << 16) | 2);
    d.write(APLIC_CLRIENUM, 4, 6);
    expect(d.read(IDC(0, 0x18), 4)).toBe((7 << 16) | 2);
    d.write(APLIC_CLRIE, 4, 1 << 7);
    expect(d.read(APLIC_SETIE, 4)).toBe(1 << 5);
  });

  it('iforce raises a spurious interrupt; a zero claim clears it', () => {
    const { d, idc } = direct(1);
    d.write(0, 4, IE);
    d.write(IDC(0, 0), 4, 1);
    d.write(IDC(0, 4), 4, 1);
    expect(idc[0]!.level).toBe(true);
    expect(d.read(IDC(0, 0x1c), 4)).toBe(0);
    expect(d.read(IDC(0, 4), 4)).toBe(0);
    expect(idc[0]!.level).toBe(false);
  });

  it('a level source stays pending after a claim while its input is high', () => {
    const { d } = direct(1);
    d.write(SRC(2), 4, 6);
    d.write(APLIC_SETIENUM, 4, 2);
    d.source(2).set(true);
    expect(d.read(IDC(0, 0x1c), 4) >>> 16).toBe(2);
    expect(d.read(IDC(0, 0x18), 4) >>> 16).toBe(2);
  });
});

describe('aplic MSI forwarding (AIA 4.9)', () => {
  it('MSI addresses follow the root msiaddrcfg registers, with a guest index from a supervisor domain', () => {
    const { m, s, sent } = msi();
    // QEMU virt, 2 harts: M files at 0x24000000, S files at 0x28000000 with 2 guest pages each (stride 4 pages).
    m.write(APLIC_MMSIADDRCFG, 4, 0x24000);
    m.write(APLIC_MMSIADDRCFGH, 4, 1 << 12); // LHXW 1
    m.write(APLIC_SMSIADDRCFG, 4, 0x28000);
    m.write(APLIC_SMSIADDRCFGH, 4, 2 << 20); // LHXS 2
    expect(s.read(APLIC_SMSIADDRCFG, 4)).toBe(0); // not implemented below the root
    m.write(SRC(1), 4, 0x400);
    s.write(SRC(1), 4, 4);
    s.write(TARGET(1), 4, (1 << 18) | (2 << 12) | 0x7ff);
    expect(s.read(TARGET(1), 4)).toBe((1 << 18) | (2 << 12) | 0xff); // EIID: 8 bits for 255 identities
    s.write(TARGET(1), 4, (1 << 18) | (5 << 12) | 17); // guest 5 > GEILEN 3 (WLRL): not kept
    expect(s.read(TARGET(1), 4)).toBe((1 << 18) | 17);
    s.write(TARGET(1), 4, (1 << 18) | (2 << 12) | 17);
    s.write(APLIC_SETIENUM, 4, 1);
    s.write(0, 4, IE);
    m.source(1).set(true);
    expect(sent).toEqual([[0x28000000 + 4 * 0x1000 + 2 * 0x1000, 17]]);
    // genmsi: extempore, even with IE = 0, from the M domain to hart 1's M file.
    m.write(0, 4, 0);
    m.write(APLIC_GENMSI, 4, (1 << 18) | 44);
    expect(sent[1]).toEqual([0x24001000, 44]);
    expect(m.read(APLIC_GENMSI, 4)).toBe((1 << 18) | 44);
  });

  it('mmsiaddrcfgh.L locks all four address registers', () => {
    const { m } = msi();
    m.write(APLIC_MMSIADDRCFGH, 4, 0x80000000);
    m.write(APLIC_MMSIADDRCFG, 4, 5);
    m.write(APLIC_SMSIADDRCFG, 4, 5);
    expect([m.read(APLIC_MMSIADDRCFG, 4), m.read(APLIC_SMSIADDRCFG, 4), m.read(APLIC_MMSIADDRCFGH, 4)]).toEqual([0, 0, 0x80000000]);
  });

  it('an MSI aimed back at the APLIC itself does not loop forever', () => {
    let d: AplicDomain | undefined;
    let writes = 0;
    const sink = { write: (_a: number, v: number) => { writes++; d!.write(APLIC_SETIPNUM_LE, 4, v); } };
    d = new AplicDomain({ level: 'machine', harts: 1, delivery: 'msi', msi: sink });
    d.write(SRC(3), 4, 1);
    d.write(TARGET(3), 4, 3);
    d.write(APLIC_SETIENUM, 4, 3);
    d.write(0, 4, IE);
    d.write(APLIC_SETIPNUM, 4, 3);
    expect(writes).toBe(1);
    d.poll();
    expect(writes).toBe(2);
  });

  it('IDCs are absent in MSI mode; genmsi is read-only zero in direct mode', () => {
    const { m } = msi();
    m.write(IDC(0, 0), 4, 1);
    expect(m.read(IDC(0, 0), 4)).toBe(0);
    const { d } = direct();
    d.write(APLIC_GENMSI, 4, 5);
    expect(d.read(APLIC_GENMSI, 4)).toBe(0);
  });

  it('state round-trips; region size as QEMU sizes it', () => {
    const { d, idc } = direct(1);
    d.write(SRC(2), 4, 4);
    d.write(APLIC_SETIENUM, 4, 2);
    d.write(0, 4, IE);
    d.write(IDC(0, 0), 4, 1);
    d.source(2).set(true);
    const line = new Line();
    const e = new AplicDomain({ level: 'machine', harts: 1, delivery: 'direct', idc: [line] });
    e.restoreState(JSON.parse(JSON.stringify(d.getState())));
    expect(line.level).toBe(idc[0]!.level);
    expect(line.level).toBe(true);
    expect(aplicDomainSize(2)).toBe(0x8000);
  });
});
