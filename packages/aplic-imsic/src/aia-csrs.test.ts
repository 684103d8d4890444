import { Hart, InstructionClock, PhysicalMemory } from '@tsvisor/isa-core';
import { describe, expect, it } from 'vitest';
import { aia } from './aia-csrs.js';
import { ImsicFile } from './imsic.js';

const csrrs = (rd: number, csr: number, rs1 = 0): number => (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
const csrrw = (rd: number, csr: number, rs1: number): number => (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73;
const LOOP = 0x0000006f;
const RAM = 0x8000_0000;
const CODE = RAM, M_VEC = RAM + 0x1000, HS_VEC = RAM + 0x1100, VS_VEC = RAM + 0x1200;
const PRV_S = 1, PRV_M = 3;

interface Rig {
  hart: Hart;
  mem: PhysicalMemory;
  m: ImsicFile;
  s: ImsicFile;
  guests: ImsicFile[];
}

function rig(opts: { imsic?: boolean } = {}): Rig {
  const mem = new PhysicalMemory({ ramBase: RAM, ramSize: 2 ** 20 });
  const harts: Hart[] = [];
  const m = new ImsicFile({ irq: { set: (v) => harts[0]?.setIrqLine(11, v) } });
  const s = new ImsicFile({ irq: { set: (v) => harts[0]?.setIrqLine(9, v) } });
  const guests: ImsicFile[] = [];
  const files = opts.imsic === false ? undefined : { m, s, guests };
  const hart = new Hart({
    memory: mem, clock: new InstructionClock(), isa: 'rv64imafdc_zicsr_zifencei',
    extensions: aia({ files: () => files }),
  });
  harts.push(hart);
  for (const v of [M_VEC, HS_VEC, VS_VEC]) mem.store(v, 4, LOOP);
  hart.setCsr(0x305, BigInt(M_VEC));
  hart.setCsr(0x105, BigInt(HS_VEC));
  hart.setCsr(0x205, BigInt(VS_VEC));
  hart.setCsr(0x3b0, (1n << 54n) - 1n);
  hart.setCsr(0x3a0, 0x1fn);
  return { hart, mem, m, s, guests };
}

/** Runs `code` in the given mode; returns where it ended ('M'/'HS'/'VS' trap vector, or 'done'). */
function run(r: Rig, priv: number, virt: boolean, code: number[]): string {
  code.forEach((w, i) => r.mem.store(CODE + 4 * i, 4, w >>> 0));
  r.mem.store(CODE + 4 * code.length, 4, LOOP);
  r.hart.priv = priv;
  r.hart.virt = virt;
  r.hart.setPc(BigInt(CODE));
  r.hart.updateModes();
  r.hart.flushTlb();
  r.hart.run(code.length + 1);
  const pc = Number(r.hart.getPc());
  return pc === M_VEC ? 'M' : pc === HS_VEC ? 'HS' : pc === VS_VEC ? 'VS' : pc === CODE + 4 * code.length ? 'done' : `pc=${pc.toString(16)}`;
}
const x = (r: Rig, i: number) => r.hart.getX(i);
const cause = (r: Rig, at: 'M' | 'HS') => r.hart.getCsr(at === 'M' ? 0x342 : 0x142);

describe('AIA CSRs: machine level (Smaia)', () => {
  it("'smaia' and 'ssaia' are in the hart's extension set", () => {
    const r = rig();
    expect(r.hart.enabled.has('smaia') && r.hart.enabled.has('ssaia')).toBe(true);
  });

  it('miselect/mireg reach the M interrupt file: eidelivery, eithreshold, eie, eip', () => {
    const r = rig();
    r.hart.setX(5, 0x70n); r.hart.setX(6, 1n);
    r.hart.setX(7, 0xc0n); r.hart.setX(8, 1n << 40n);
    expect(run(r, PRV_M, false, [csrrw(0, 0x350, 5), csrrw(0, 0x351, 6), csrrw(0, 0x350, 7), csrrw(0, 0x351, 8), csrrs(10, 0x351)])).toBe('done');
    expect(r.m.eidelivery).toBe(1);
    expect(x(r, 10)).toBe(1n << 40n);
    r.m.write(0, 4, 40); // MSI 40 to the M file
    expect((r.hart.getCsr(0x344)! >> 11n) & 1n).toBe(1n); // mip.MEIP
  });

  it('mtopei reads identity/priority and claims on write (csrrw rd, mtopei, x0)', () => {
    const r = rig();
    r.m.writeReg(0x70, 1, 0);
    r.m.writeReg(0xc0, -1, -1);
    r.m.write(0, 4, 12);
    r.m.write(0, 4, 30);
    expect(run(r, PRV_M, false, [csrrw(10, 0x35c, 0), csrrs(11, 0x35c)])).toBe('done');
    expect(x(r, 10)).toBe(BigInt((12 << 16) | 12));
    expect(x(r, 11)).toBe(BigInt((30 << 16) | 30));
  });

  it('mireg: odd eip/eie and iprio numbers and unassigned selects are illegal; iprio reads zero', () => {
    for (const sel of [0x81, 0xc3, 0x31, 0x00, 0x40, 0x100]) {
      const r = rig();
      r.hart.setX(5, BigInt(sel));
      expect(run(r, PRV_M, false, [csrrw(0, 0x350, 5), csrrs(10, 0x351)])).toBe('M');
      expect(cause(r, 'M')).toBe(2n);
    }
    const r = rig();
    r.hart.setX(5, 0x30n); r.hart.setX(6, -1n);
    expect(run(r, PRV_M, false, [csrrw(0, 0x350, 5), csrrw(0, 0x351, 6), csrrs(10, 0x351)])).toBe('done');
    expect(x(r, 10)).toBe(0n);
  });

  it('without an IMSIC, mireg 0x70-0xFF and mtopei are illegal instructions', () => {
    const r = rig({ imsic: false });
    r.hart.setX(5, 0x70n);
    expect(run(r, PRV_M, false, [csrrw(0, 0x350, 5), csrrs(10, 0x351)])).toBe('M');
    expect(run(r, PRV_M, false, [csrrs(10, 0x35c)])).toBe('M');
  });

  it('mtopi: top pending-and-enabled interrupt not delegated, in default order, IPRIO 1', () => {
    const r = rig();
    r.hart.setCsr(0x304, (1n << 11n) | (1n << 7n) | (1n << 9n)); // mie: MEIE, MTIE, SEIE
    r.hart.setCsr(0x303, 1n << 9n); // mideleg SEI
    r.hart.setIrqLine(7, true);
    r.hart.setIrqLine(9, true);
    expect(r.hart.getCsr(0xfb0)).toBe(BigInt((7 << 16) | 1));
    r.hart.setIrqLine(11, true);
    expect(r.hart.getCsr(0xfb0)).toBe(BigInt((11 << 16) | 1));
    r.hart.setIrqLine(11, false);
    r.hart.setIrqLine(7, false);
    expect(r.hart.getCsr(0xfb0)).toBe(0n); // SEI is delegated: not an M-level interrupt
    expect(r.hart.getCsr(0xdb0)).toBe(BigInt((9 << 16) | 1));
  });

  it('mvien is read-only zero; mvip bits 1, 5, 9 alias the writable SSIP, STIP, SEIP of mip', () => {
    const r = rig();
    r.hart.setCsr(0x308, -1n);
    expect(r.hart.getCsr(0x308)).toBe(0n);
    r.hart.setCsr(0x309, -1n);
    expect(r.hart.getCsr(0x309)).toBe(0x222n);
    expect(r.hart.getCsr(0x344)! & 0x222n).toBe(0x222n);
    r.hart.setCsr(0x344, 0n);
    expect(r.hart.getCsr(0x309)).toBe(0n);
  });
});

describe('AIA CSRs: supervisor level (Ssaia)', () => {
  it('siselect/sireg/stopei reach the S file from S-mode; stopei claims', () => {
    const r = rig();
    r.hart.setX(5, 0x70n); r.hart.setX(6, 1n); r.hart.setX(7, 0xc0n); r.hart.setX(8, -1n);
    expect(run(r, PRV_S, false, [csrrw(0, 0x150, 5), csrrw(0, 0x151, 6), csrrw(0, 0x150, 7), csrrw(0, 0x151, 8)])).toBe('done');
    r.s.write(0, 4, 3);
    expect((r.hart.getCsr(0x344)! >> 9n) & 1n).toBe(1n); // SEIP from the S file
    expect(run(r, PRV_S, false, [csrrw(10, 0x15c, 0), csrrs(11, 0x15c)])).toBe('done');
    expect(x(r, 10)).toBe(BigInt((3 << 16) | 3));
    expect(x(r, 11)).toBe(0n);
    expect((r.hart.getCsr(0x344)! >> 9n) & 1n).toBe(0n);
  });

  it('S-mode cannot reach the M-level CSRs', () => {
    const r = rig();
    expect(run(r, PRV_S, false, [csrrs(10, 0x35c)])).toBe('M');
    expect(cause(r, 'M')).toBe(2n);
    expect(run(r, PRV_S, false, [csrrs(10, 0xfb0)])).toBe('M');
  });
});

