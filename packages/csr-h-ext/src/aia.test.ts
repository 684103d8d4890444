/** The AIA extension (@tsvisor/aplic-imsic) composed with H: the VS-level AIA CSRs and the V=1 redirection. */
import { Hart, InstructionClock, PhysicalMemory } from '@tsvisor/isa-core';
import { H_1_0, hypervisor, type HypervisorExtension } from './index.js';
import { aia, ImsicFile } from '@tsvisor/aplic-imsic';
import { describe, expect, it } from 'vitest';

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
  h?: HypervisorExtension;
}

function rig(opts: { h?: boolean; imsic?: boolean } = {}): Rig {
  const mem = new PhysicalMemory({ ramBase: RAM, ramSize: 2 ** 20 });
  const harts: Hart[] = [];
  const h = opts.h ? hypervisor(H_1_0, { geilen: 2 }) : undefined;
  const m = new ImsicFile({ irq: { set: (v) => harts[0]?.setIrqLine(11, v) } });
  const s = new ImsicFile({ irq: { set: (v) => harts[0]?.setIrqLine(9, v) } });
  const guests = [1, 2].map((g) => new ImsicFile({ irq: { set: (v) => h && harts[0] && h.setGuestExternalInterrupt(harts[0], g, v) } }));
  const files = opts.imsic === false ? undefined : { m, s, guests };
  const hart = new Hart({
    memory: mem, clock: new InstructionClock(), isa: opts.h ? 'rv64imafdch_zicsr_zifencei' : 'rv64imafdc_zicsr_zifencei',
    extensions: [...(h ? [h] : []), ...aia({ files: () => files })],
  });
  harts.push(hart);
  for (const v of [M_VEC, HS_VEC, VS_VEC]) mem.store(v, 4, LOOP);
  hart.setCsr(0x305, BigInt(M_VEC));
  hart.setCsr(0x105, BigInt(HS_VEC));
  hart.setCsr(0x205, BigInt(VS_VEC));
  hart.setCsr(0x3b0, (1n << 54n) - 1n);
  hart.setCsr(0x3a0, 0x1fn);
  return { hart, mem, m, s, guests, h };
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

describe('AIA CSRs: VS level with the H extension', () => {
  it('hstatus.VGEIN picks the guest file for vsiselect/vsireg and vstopei; the file drives hgeip', () => {
    const r = rig({ h: true });
    r.hart.setCsr(0x600, 2n << 12n); // VGEIN = 2
    r.hart.setX(5, 0x70n); r.hart.setX(6, 1n); r.hart.setX(7, 0xc0n); r.hart.setX(8, 1n << 5n);
    expect(run(r, PRV_S, false, [csrrw(0, 0x250, 5), csrrw(0, 0x251, 6), csrrw(0, 0x250, 7), csrrw(0, 0x251, 8)])).toBe('done');
    expect(r.guests[1]!.eidelivery).toBe(1);
    r.guests[1]!.write(0, 4, 5);
    expect(r.h!.readCsr(r.hart, 'hgeip')).toBe(1n << 2n);
    expect((r.hart.getCsr(0x644)! >> 10n) & 1n).toBe(1n); // hip.VSEIP from hgeip[VGEIN]
    expect(r.hart.getCsr(0x25c)).toBe(BigInt((5 << 16) | 5));
  });

  it('from VS, sireg/stopei are the guest file (redirected to vsireg/vstopei)', () => {
    const r = rig({ h: true });
    r.hart.setCsr(0x600, 1n << 12n); // VGEIN = 1
    r.guests[0]!.writeReg(0x70, 1, 0);
    r.guests[0]!.writeReg(0xc0, -1, -1);
    r.guests[0]!.write(0, 4, 9);
    r.hart.setX(5, 0x70n);
    expect(run(r, PRV_S, true, [csrrw(0, 0x150, 5), csrrs(10, 0x151), csrrw(11, 0x15c, 0)])).toBe('done');
    expect(x(r, 10)).toBe(1n);
    expect(x(r, 11)).toBe(BigInt((9 << 16) | 9));
    expect(r.guests[0]!.pending(9)).toBe(false);
    expect(r.s.pending(9)).toBe(false);
  });

  it('invalid VGEIN: vstopei is illegal from HS and a virtual-instruction exception from VS', () => {
    const r = rig({ h: true });
    expect(run(r, PRV_S, false, [csrrs(10, 0x25c)])).toBe('M');
    expect(cause(r, 'M')).toBe(2n);
    const v = rig({ h: true });
    v.hart.setCsr(0x600, 3n << 12n); // VGEIN 3 > GEILEN 2
    expect(run(v, PRV_S, true, [csrrs(10, 0x15c)])).toBe('M');
    expect(cause(v, 'M')).toBe(22n);
  });

  it('vsireg: iprio selects (0x30-0x3F) are virtual-instruction from VS, illegal from HS', () => {
    const r = rig({ h: true });
    r.hart.setCsr(0x600, 1n << 12n);
    r.hart.setX(5, 0x30n);
    expect(run(r, PRV_S, true, [csrrw(0, 0x150, 5), csrrs(10, 0x151)])).toBe('M');
    expect(cause(r, 'M')).toBe(22n);
    expect(run(r, PRV_S, false, [csrrs(10, 0x251)])).toBe('M');
    expect(cause(r, 'M')).toBe(2n);
  });

  it('vstopi: VS external interrupt with the guest file priority when hvictl.IPRIOM = 1', () => {
    const r = rig({ h: true });
    r.hart.setCsr(0x600, 1n << 12n);
    r.hart.setCsr(0x604, 1n << 10n); // hie.VSEIE
    r.hart.setCsr(0x603, 1n << 10n); // hideleg VSEI
    r.guests[0]!.writeReg(0x70, 1, 0);
    r.guests[0]!.writeReg(0xc0, -1, -1);
    r.guests[0]!.write(0, 4, 7);
    expect(r.hart.getCsr(0xeb0)).toBe(BigInt((9 << 16) | 1));
    r.hart.setCsr(0x609, 1n << 8n); // IPRIOM
    expect(r.hart.getCsr(0xeb0)).toBe(BigInt((9 << 16) | 7));
    r.hart.setCsr(0x609, -1n);
    expect(r.hart.getCsr(0x609)).toBe(BigInt((1 << 30) | (0xfff << 16) | 0x3ff));
    expect(r.hart.getCsr(0x646)).toBe(0n);
    expect(r.hart.getCsr(0x608)).toBe(0n);
  });

  it('state saves and restores the select registers', () => {
    const r = rig({ h: true });
    r.hart.setCsr(0x350, 0x72n);
    r.hart.setCsr(0x150, 0xc2n);
    r.hart.setCsr(0x250, 0x80n);
    const s = JSON.parse(JSON.stringify(r.hart.getState()));
    const q = rig({ h: true });
    q.hart.setCsr(0x350, 0n);
    const ext = q.hart.extensions;
    const h2 = Hart.fromState(s, { memory: q.mem, clock: new InstructionClock(), extensions: ext });
    expect([h2.getCsr(0x350), h2.getCsr(0x150), h2.getCsr(0x250)]).toEqual([0x72n, 0xc2n, 0x80n]);
  });
});
