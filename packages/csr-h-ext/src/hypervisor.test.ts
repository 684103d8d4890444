import { describe, expect, it } from 'vitest';
import { Hart, InstructionClock, PhysicalMemory } from '@tsvisor/isa-core';
import { H_0_6_1, H_1_0, hypervisor, type HypervisorExtension, type HypervisorSpec } from './index.js';

// ---- a tiny encoder for the instructions the tests execute ----
const csrrs = (rd: number, csr: number, rs1 = 0): number => (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
const csrrw = (rd: number, csr: number, rs1: number): number => (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73;
const lw = (rd: number, rs1: number, imm = 0): number => ((imm & 0xfff) << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x03;
const hlvW = (rd: number, rs1: number): number => 0x68004073 | (rs1 << 15) | (rd << 7);
const hlvxHu = (rd: number, rs1: number): number => 0x64304073 | (rs1 << 15) | (rd << 7);
const hsvD = (rs2: number, rs1: number): number => 0x6e004073 | (rs2 << 20) | (rs1 << 15);
const HFENCE_GVMA = 0x62000073, HFENCE_VVMA = 0x22000073;
const ECALL = 0x00000073, WFI = 0x10500073, SRET = 0x10200073, MRET = 0x30200073, LOOP = 0x0000006f;

const RAM = 0x8000_0000;
const CODE = RAM, M_VEC = RAM + 0x1000, HS_VEC = RAM + 0x1100, VS_VEC = RAM + 0x1200;
const PRV_U = 0, PRV_S = 1, PRV_M = 3;

interface Rig { hart: Hart; mem: PhysicalMemory; ext: HypervisorExtension }

function rig(spec: HypervisorSpec = H_1_0, geilen = 0, isaExtra = ''): Rig {
  const mem = new PhysicalMemory({ ramBase: RAM, ramSize: 4 * 2 ** 20 });
  const ext = hypervisor(spec, { geilen });
  const hart = new Hart({ memory: mem, clock: new InstructionClock(), isa: `rv64imafdch_zicsr_zifencei_sstc${isaExtra}`, extensions: [ext] });
  for (const v of [M_VEC, HS_VEC, VS_VEC]) mem.store(v, 4, LOOP);
  hart.setCsr(0x305, BigInt(M_VEC));
  hart.setCsr(0x105, BigInt(HS_VEC));
  hart.setCsr(0x205, BigInt(VS_VEC));
  hart.setCsr(0x306, 0xffffffffn); // mcounteren
  hart.setCsr(0x606, 0xffffffffn); // hcounteren
  hart.setCsr(0x106, 0xffffffffn); // scounteren
  hart.setCsr(0x3b0, (1n << 54n) - 1n); // pmpaddr0: everything
  hart.setCsr(0x3a0, 0x1fn); // pmpcfg0: NAPOT, RWX (S and U may access memory)
  return { hart, mem, ext };
}

/** Place `code` at CODE and run it in the given mode until it lands in a trap vector's loop. */
function runIn(r: Rig, priv: number, virt: boolean, code: number[], steps = code.length + 2): void {
  code.forEach((w, i) => r.mem.store(CODE + 4 * i, 4, w >>> 0));
  r.hart.priv = priv;
  r.hart.virt = virt;
  r.hart.setPc(BigInt(CODE));
  r.hart.updateModes();
  r.hart.flushTlb();
  r.hart.run(steps);
}

const csr = (r: Rig, n: number): bigint => r.hart.getCsr(n) ?? -1n;
const where = (r: Rig): string => {
  const pc = Number(r.hart.getPc());
  return pc === M_VEC ? 'M' : pc === HS_VEC ? 'HS' : pc === VS_VEC ? 'VS' : `pc=0x${pc.toString(16)}`;
};

describe('spec modules', () => {
  it('state spec, version and status', () => {
    expect([H_1_0.version, H_1_0.status]).toEqual(['1.0', 'ratified']);
    expect([H_0_6_1.version, H_0_6_1.status]).toEqual(['0.6.1', 'draft']);
    expect(H_0_6_1.specificationVersion).toBe(H_1_0.specificationVersion);
  });
});

describe('CSR masks per module', () => {
  it('misa.H and the mideleg read-only-one bits (12 only with GEILEN > 0)', () => {
    const r = rig(H_1_0, 0);
    expect((csr(r, 0x301) >> 7n) & 1n).toBe(1n);
    r.hart.setCsr(0x303, 0n);
    expect(csr(r, 0x303)).toBe(0x444n);
    const g = rig(H_1_0, 5);
    g.hart.setCsr(0x303, 0n);
    expect(csr(g, 0x303)).toBe(0x1444n);
  });

  it('hstatus: defined fields writable, VSXL reads 2, VSBE and WPRI read 0', () => {
    const r = rig();
    r.hart.setCsr(0x600, -1n);
    expect(csr(r, 0x600)).toBe(0x2_0070_03c0n | (0x3fn << 12n));
    r.hart.setCsr(0x600, 0n);
    expect(csr(r, 0x600)).toBe(0x2_0000_0000n);
  });

  it.each([[H_1_0, 0xb1ffn], [H_0_6_1, 0xb5ffn]] as const)('hedeleg <- ~0 (%s.version)', (spec, want) => {
    const r = rig(spec);
    r.hart.setCsr(0x602, -1n);
    expect(csr(r, 0x602)).toBe(want);
  });

  it('hideleg: 10, 6, 2 writable', () => {
    const r = rig();
    r.hart.setCsr(0x603, -1n);
    expect(csr(r, 0x603)).toBe(0x444n);
  });

  it.each([[H_1_0, 0x444n], [H_0_6_1, 0x0n]] as const)('hvip <- ~0 with hideleg = 0', (spec, want) => {
    const r = rig(spec);
    r.hart.setCsr(0x645, -1n);
    expect(csr(r, 0x645)).toBe(want);
    r.hart.setCsr(0x603, 0x40n);
    r.hart.setCsr(0x645, -1n);
    expect(csr(r, 0x645)).toBe(spec === H_1_0 ? 0x444n : 0x40n);
  });

  it('hip: only VSSIP writable, an alias of hvip.VSSIP and mip bit 2', () => {
    const r = rig();
    r.hart.setCsr(0x644, -1n);
    expect(csr(r, 0x644)).toBe(0x4n);
    expect(csr(r, 0x645)).toBe(0x4n);
    expect(csr(r, 0x344) & 0x4n).toBe(0x4n);
    expect(csr(r, 0x144) & 0x4n).toBe(0n); // not in sip
  });

  it('hgeie: bits GEILEN:1; hgeip read-only, driven by setGuestExternalInterrupt', () => {
    const r = rig(H_1_0, 5);
    r.hart.setCsr(0x607, -1n);
    expect(csr(r, 0x607)).toBe(0x3en);
    expect(r.hart.setCsr(0xe12, -1n)).toBe(false);
    r.ext.setGuestExternalInterrupt(r.hart, 3, true);
    r.ext.setGuestExternalInterrupt(r.hart, 9, true); // beyond GEILEN: no such line
    expect(csr(r, 0xe12)).toBe(0x8n);
    expect(csr(r, 0x644) & 0x1000n).toBe(0x1000n); // SGEIP = OR(hgeip & hgeie)
    expect(csr(r, 0x644) & 0x400n).toBe(0n);
    r.hart.setCsr(0x600, 3n << 12n); // VGEIN = 3 selects hgeip[3] for VSEIP
    expect(csr(r, 0x644) & 0x400n).toBe(0x400n);
  });

  it.each([[H_1_0, 10n], [H_0_6_1, 0n]] as const)('hgatp: Sv57x4 (MODE 10) accepted only by 1.0', (spec, mode) => {
    const r = rig(spec);
    r.hart.setCsr(0x680, (10n << 60n) | (0x3fffn << 44n) | 0x1234n);
    expect(csr(r, 0x680) >> 60n).toBe(mode);
    expect((csr(r, 0x680) >> 44n) & 0x3fffn).toBe(0x3fffn);
    r.hart.setCsr(0x680, 5n << 60n);
    expect(csr(r, 0x680) >> 60n).toBe(0n);
  });

  it('hgatp: PPN[1:0] read as zeros in Sv39x4/Sv48x4/Sv57x4 (16 KiB-aligned root)', () => {
    const r = rig(H_1_0);
    for (const mode of [8n, 9n, 10n]) {
      r.hart.setCsr(0x680, (mode << 60n) | 0x80407n);
      expect(csr(r, 0x680)).toBe((mode << 60n) | 0x80404n);
    }
    r.hart.setCsr(0x680, 5n << 60n);
    expect(csr(r, 0x680) >> 60n).toBe(0n);
  });

  it('henvcfg exists in 1.0 only; STCE reads 0 while menvcfg.STCE is 0', () => {
    expect(rig(H_0_6_1).hart.getCsr(0x60a)).toBeUndefined();
    const r = rig(H_1_0);
    r.hart.setCsr(0x60a, -1n);
    expect(csr(r, 0x60a)).toBe(1n);
    r.hart.setCsr(0x30a, 1n << 63n);
    expect(csr(r, 0x60a)).toBe((1n << 63n) | 1n);
  });

  it('vsstatus: SIE SPIE SPP FS SUM MXR writable, UXL = 2, SD follows FS', () => {
    const r = rig();
    r.hart.setCsr(0x200, -1n);
    expect(csr(r, 0x200)).toBe((1n << 63n) | (2n << 32n) | 0xc6122n);
  });

  it('mstatus.MPV and GVA are writable', () => {
    const r = rig();
    r.hart.setCsr(0x300, (1n << 39n) | (1n << 38n));
    expect(csr(r, 0x300) & (3n << 38n)).toBe(3n << 38n);
  });
});

describe('trap routing M -> HS -> VS', () => {
  it('VS ecall goes to M with MPV=1, MPP=S when not delegated', () => {
    const r = rig();
    runIn(r, PRV_S, true, [ECALL]);
    expect(where(r)).toBe('M');
    expect(csr(r, 0x342)).toBe(10n);
    expect((csr(r, 0x300) >> 39n) & 1n).toBe(1n);
    expect((csr(r, 0x300) >> 11n) & 3n).toBe(1n);
    expect(r.hart.virt).toBe(false);
  });

  it('medeleg sends it to HS: SPV, SPVP, sepc, V=0', () => {
    const r = rig();
    r.hart.setCsr(0x302, 1n << 10n);
    runIn(r, PRV_S, true, [ECALL]);
    expect(where(r)).toBe('HS');
    expect([r.hart.priv, r.hart.virt]).toEqual([PRV_S, false]);
    expect(csr(r, 0x142)).toBe(10n);
    expect(csr(r, 0x600) & 0x1c0n).toBe(0x180n); // SPV | SPVP, GVA = 0
    expect(csr(r, 0x141)).toBe(BigInt(CODE));
  });

  it('hedeleg sends a VU ecall on to VS; SRET in VS returns to VU', () => {
    const r = rig();
    r.hart.setCsr(0x302, 1n << 8n);
    r.hart.setCsr(0x602, 1n << 8n);
    runIn(r, PRV_U, true, [ECALL]);
    expect(where(r)).toBe('VS');
    expect([r.hart.priv, r.hart.virt]).toEqual([PRV_S, true]);
    expect(csr(r, 0x242)).toBe(8n);
    expect(csr(r, 0x241)).toBe(BigInt(CODE));
    expect(csr(r, 0x142)).toBe(0n); // HS scause untouched
    // sret from VS: back to VU at vsepc + 4
    r.hart.setCsr(0x241, BigInt(CODE + 4));
    r.mem.store(CODE + 4, 4, LOOP);
    r.mem.store(VS_VEC, 4, SRET);
    r.hart.run(2);
    expect([r.hart.priv, r.hart.virt, Number(r.hart.getPc())]).toEqual([PRV_U, true, CODE + 4]);
    r.mem.store(VS_VEC, 4, LOOP);
  });

  it('MRET with MPV=1 enters VS; SRET in HS with SPV=1 enters VS', () => {
    const r = rig();
    r.hart.setCsr(0x341, BigInt(CODE + 8));
    r.hart.setCsr(0x300, (1n << 39n) | (1n << 11n));
    runIn(r, PRV_M, false, [MRET, LOOP, LOOP], 2);
    expect([r.hart.priv, r.hart.virt, Number(r.hart.getPc())]).toEqual([PRV_S, true, CODE + 8]);
    const s = rig();
    s.hart.setCsr(0x600, 1n << 7n);
    s.hart.setCsr(0x100, 0n); // SPP = U
    s.hart.setCsr(0x141, BigInt(CODE + 8));
    runIn(s, PRV_S, false, [SRET, LOOP, LOOP], 2);
    expect([s.hart.priv, s.hart.virt]).toEqual([PRV_U, true]);
  });
});

describe('virtual-instruction exceptions', () => {
  it.each([
    ['VS csrr hstatus', PRV_S, [csrrs(5, 0x600)], 0n, 22n, 22n],
    ['VS csrw hgeip (read-only)', PRV_S, [csrrw(0, 0xe12, 5)], 0n, 2n, 22n],
    ['VU csrr sstatus', PRV_U, [csrrs(5, 0x100)], 0n, 22n, 22n],
    ['VU wfi, TW=1', PRV_U, [WFI], 1n << 21n, 2n, 22n],
    ['VU wfi, TW=0', PRV_U, [WFI], 0n, 22n, 22n],
    ['VS hlv.w', PRV_S, [hlvW(5, 0)], 0n, 22n, 22n],
    ['VS hfence.gvma', PRV_S, [HFENCE_GVMA], 0n, 22n, 22n],
    ['VU sret', PRV_U, [SRET], 0n, 22n, 22n],
    ['VS mret', PRV_S, [MRET], 0n, 2n, 2n],
  ] as const)('%s', (_n, priv, code, ms, want10, want061) => {
    for (const [spec, want] of [[H_1_0, want10], [H_0_6_1, want061]] as const) {
      const r = rig(spec);
      r.hart.setCsr(0x300, ms);
      runIn(r, priv, true, [...code]);
      expect(where(r)).toBe('M');
      expect(csr(r, 0x342)).toBe(want);
      // xtval as for an illegal instruction: the instruction bits
      expect(csr(r, 0x343)).toBe(BigInt(code[0] >>> 0));
    }
  });

  it('counters: hcounteren in VS; VU also scounteren (1.0: virtual, 0.6.1: illegal)', () => {
    for (const [spec, want] of [[H_1_0, 22n], [H_0_6_1, 2n]] as const) {
      const r = rig(spec);
      r.hart.setCsr(0x106, 0n);
      runIn(r, PRV_U, true, [csrrs(5, 0xc01)]);
      expect(csr(r, 0x342)).toBe(want);
      const v = rig(spec);
      v.hart.setCsr(0x606, 0n);
      runIn(v, PRV_S, true, [csrrs(5, 0xc00)]);
      expect(csr(v, 0x342)).toBe(22n);
    }
  });

  it('VS reads sscratch as vsscratch and time as time + htimedelta', () => {
    const r = rig();
    r.hart.setCsr(0x140, 0x1111n);
    r.hart.setCsr(0x240, 0x2222n);
    r.hart.setCsr(0x605, 1n << 40n);
    runIn(r, PRV_S, true, [csrrs(5, 0x140), csrrs(6, 0xc01), LOOP], 3);
    expect(r.hart.getX(5)).toBe(0x2222n);
    expect(r.hart.getX(6) >= 1n << 40n).toBe(true);
  });
});

/** A G-stage root (Sv39x4, 16 KiB) at RAM + 0x10000 mapping GPA gigapage 2 -> RAM, as U, RWX. */
function gstage(r: Rig, extra: (root: number) => void = () => {}): void {
  const root = RAM + 0x10000;
  for (let i = 0; i < 2048; i++) r.mem.store64(root + 8 * i, 0, 0);
  const leaf = ((RAM / 4096) * 1024 + 0xdf) >>> 0; // V R W X U A D
  r.mem.store64(root + 8 * 2, leaf, 0);
  extra(root);
  r.hart.setCsr(0x680, (8n << 60n) | (7n << 44n) | BigInt(root / 4096));
}

describe('two-stage translation faults', () => {
  it('a VS load from unmapped guest-physical memory: load guest-page fault with htval, htinst, GVA', () => {
    const r = rig();
    gstage(r);
    r.hart.setCsr(0x302, 1n << 21n);
    r.hart.setX(10, 0xc000_0000n);
    runIn(r, PRV_S, true, [lw(11, 10, 16)]);
    expect(where(r)).toBe('HS');
    expect(csr(r, 0x142)).toBe(21n);
    expect(csr(r, 0x143)).toBe(0xc000_0010n);
    expect(csr(r, 0x643)).toBe(0xc000_0010n >> 2n);
    expect(csr(r, 0x64a)).toBe(BigInt(lw(11, 0, 0))); // transformed: immediate zeroed, rs1 = offset 0
    expect(csr(r, 0x600) & 0xc0n).toBe(0xc0n); // GVA | SPV
  });

  it('an implicit VS-stage PTE read that faults at the G-stage writes the pseudo-instruction', () => {
    const r = rig();
    gstage(r);
    // vsatp root at GPA 0xc0000000 (unmapped by the G-stage)
    r.hart.setCsr(0x280, (8n << 60n) | (0xc000_0000n >> 12n));
    r.hart.setCsr(0x302, 1n << 21n);
    r.hart.setX(10, 0x1000n);
    // Fetch would fault too: run the load from M with MPRV=1, MPV=1, MPP=S (two-stage data accesses).
    r.hart.setCsr(0x300, (1n << 17n) | (1n << 39n) | (1n << 11n));
    runIn(r, PRV_M, false, [lw(11, 10)]);
    expect(where(r)).toBe('M');
    expect(csr(r, 0x342)).toBe(21n);
    expect(csr(r, 0x343)).toBe(0x1000n);
    expect(csr(r, 0x34b)).toBe(0xc000_0000n >> 2n); // mtval2
    expect(csr(r, 0x34a)).toBe(0x3000n); // mtinst: 64-bit PTE read pseudo-instruction
    expect((csr(r, 0x300) >> 38n) & 3n).toBe(1n); // GVA=1, MPV=0 (the trap came from M)
  });

  it('an A-bit update of a VS PTE in read-only guest memory: the write pseudo-instruction, original access type', () => {
    const r = rig();
    gstage(r, (root) => {
      // GPA gigapage 4 -> RAM, read-only (R U A): the VS page table lives there
      r.mem.store64(root + 8 * 4, (((RAM / 4096) * 1024) | 0x53) >>> 0, 0);
    });
    const vsRootSpa = RAM + 0x30000;
    for (let i = 0; i < 512; i++) r.mem.store64(vsRootSpa + 8 * i, 0, 0);
    // VS leaf for VA gigapage 2 -> GPA 0x80000000, R W X with A = 0 (the walk must set A)
    r.mem.store64(vsRootSpa + 8 * 2, (((RAM / 4096) * 1024) | 0x0f) >>> 0, 0);
    const vsRootGpa = 0x1_0000_0000n + 0x30000n;
    r.hart.setCsr(0x280, (8n << 60n) | (vsRootGpa >> 12n));
    r.hart.setX(10, BigInt(RAM + 0x40000));
    r.hart.setCsr(0x300, (1n << 17n) | (1n << 39n) | (1n << 11n)); // MPRV, MPV, MPP = S
    runIn(r, PRV_M, false, [lw(11, 10)]);
    expect(where(r)).toBe('M');
    expect(csr(r, 0x342)).toBe(21n); // a load guest-page fault, though the G-stage access was a write
    expect(csr(r, 0x34b)).toBe((vsRootGpa + 16n) >> 2n);
    expect(csr(r, 0x34a)).toBe(0x3020n);
  });

  it('Svadu: henvcfg.ADUE picks the VS-stage A/D scheme (writable with Svadu, read 0 while menvcfg.ADUE = 0)', () => {
    const ADUE = 1n << 61n;
    expect(csr((() => { const x = rig(); x.hart.setCsr(0x30a, -1n); x.hart.setCsr(0x60a, -1n); return x; })(), 0x60a) & ADUE).toBe(0n);
    const r = rig(H_1_0, 0, '_svadu');
    r.hart.setCsr(0x60a, ADUE);
    expect(csr(r, 0x60a) & ADUE).toBe(0n); // menvcfg.ADUE = 0
    r.hart.setCsr(0x30a, ADUE);
    r.hart.setCsr(0x60a, ADUE);
    expect(csr(r, 0x60a) & ADUE).toBe(ADUE);
    // VS leaf for VA gigapage 2 -> GPA 0x80000000 with A = 0; the G-stage leaf has A and D.
    gstage(r);
    const vsRoot = RAM + 0x30000;
    for (let i = 0; i < 512; i++) r.mem.store64(vsRoot + 8 * i, 0, 0);
    const leafNoA = (((RAM / 4096) * 1024) | 0x0f) >>> 0; // V R W X
    r.mem.store64(vsRoot + 8 * 2, leafNoA, 0);
    r.hart.setCsr(0x280, (8n << 60n) | BigInt(vsRoot / 4096));
    r.hart.setCsr(0x600, 1n << 8n); // SPVP = 1: HLV as VS
    r.hart.setCsr(0x302, 1n << 21n); // load guest-page faults to HS
    r.hart.setX(10, BigInt(RAM + 0x20000));
    // henvcfg.ADUE = 1: the walk sets A and the load completes.
    runIn(r, PRV_S, false, [hlvW(13, 10)], 1);
    expect(r.mem.load(vsRoot + 16, 4)).toBe(leafNoA | 0x40);
    // henvcfg.ADUE = 0 (Svade for the VS-stage): A = 0 is a load page fault.
    r.mem.store64(vsRoot + 8 * 2, leafNoA, 0);
    r.hart.setCsr(0x60a, 0n);
    runIn(r, PRV_S, false, [HFENCE_VVMA, hlvW(13, 10)], 2);
    expect(where(r)).toBe('M');
    expect(csr(r, 0x342)).toBe(13n);
    expect(r.mem.load(vsRoot + 16, 4)).toBe(leafNoA);
  });

  it('HSV.D and HLV.W from HS go through the G-stage; HLVX needs execute permission', () => {
    const r = rig();
    gstage(r, (root) => {
      // GPA gigapage 4 -> RAM, execute-only
      r.mem.store64(root + 8 * 4, (((RAM / 4096) * 1024) | 0x59) >>> 0, 0); // V X U A
    });
    r.hart.setCsr(0x600, 1n << 8n); // SPVP = 1: as VS
    r.hart.setCsr(0x302, 1n << 21n);
    r.hart.setX(10, BigInt(RAM + 0x20000));
    r.hart.setX(11, 0x1122334455667788n);
    r.hart.setX(12, 0x1_0000_0000n + 0x20000n);
    runIn(r, PRV_S, false, [hsvD(11, 10), hlvW(13, 10), hlvxHu(14, 12), hlvW(15, 12)]);
    expect(r.mem.load(RAM + 0x20000, 4)).toBe(0x55667788);
    expect(r.hart.getX(13)).toBe(0x55667788n);
    expect(r.hart.getX(14)).toBe(0x7788n);
    expect(where(r)).toBe('HS');
    expect(csr(r, 0x142)).toBe(21n); // hlv.w on execute-only memory
    expect(csr(r, 0x600) & 0xc0n).toBe(0x40n); // GVA, SPV = 0
  });
});

describe('interrupts', () => {
  it('VSTI not delegated by hideleg traps to HS from VS with cause 6', () => {
    const r = rig();
    r.hart.setCsr(0x604, 0x40n);
    r.hart.setCsr(0x645, 0x40n);
    runIn(r, PRV_S, true, [LOOP], 3);
    expect(where(r)).toBe('HS');
    expect(csr(r, 0x142)).toBe((1n << 63n) | 6n);
    expect(csr(r, 0x64a)).toBe(0n);
  });

  it('delegated by hideleg it reaches VS as STI (5) once vsstatus.SIE is set', () => {
    const r = rig();
    r.hart.setCsr(0x603, 0x444n);
    r.hart.setCsr(0x604, 0x40n);
    r.hart.setCsr(0x645, 0x40n);
    runIn(r, PRV_S, true, [LOOP], 3);
    expect(Number(r.hart.getPc())).toBe(CODE); // SIE = 0: held
    r.hart.setCsr(0x200, 2n);
    r.hart.run(3);
    expect(where(r)).toBe('VS');
    expect(csr(r, 0x242)).toBe((1n << 63n) | 5n);
    expect(csr(r, 0x244)).toBe(0x20n); // vsip.STIP
  });

  it('HS priority: SGEI before VSEI before VSSI before VSTI', () => {
    const r = rig(H_1_0, 2);
    r.hart.setCsr(0x604, 0x1444n);
    r.hart.setCsr(0x607, 0x2n);
    r.hart.setCsr(0x645, 0x444n);
    r.ext.setGuestExternalInterrupt(r.hart, 1, true);
    const order: bigint[] = [];
    for (const bit of [0x1000n, 0x400n, 0x4n, 0x40n]) {
      runIn(r, PRV_S, true, [LOOP], 2);
      order.push(csr(r, 0x142) & 0xffn);
      r.hart.setCsr(0x604, csr(r, 0x604) & ~bit);
    }
    expect(order).toEqual([12n, 10n, 2n, 6n]);
  });

  it('vstimecmp raises VSTIP at time + htimedelta', () => {
    const r = rig();
    r.hart.setCsr(0x30a, 1n << 63n);
    r.hart.setCsr(0x60a, 1n << 63n);
    r.hart.setCsr(0x24d, 1000n);
    expect(csr(r, 0x644) & 0x40n).toBe(0n);
    expect(r.hart.nextTimerDeadline()).toBe(1000);
    r.hart.setCsr(0x605, 1000n);
    expect(csr(r, 0x644) & 0x40n).toBe(0x40n);
  });
});

describe('FP state with V=1', () => {
  it('vsstatus.FS=Off is an illegal instruction (never virtual); an FP write dirties both FS fields', () => {
    const FMV_W_X = 0xf0000053; // fmv.w.x f0, x0
    const r = rig();
    r.hart.setCsr(0x300, 1n << 13n); // mstatus.FS = Initial
    runIn(r, PRV_S, true, [FMV_W_X]);
    expect([where(r), csr(r, 0x342)]).toEqual(['M', 2n]);
    const d = rig();
    d.hart.setCsr(0x300, 1n << 13n);
    d.hart.setCsr(0x200, 1n << 13n); // vsstatus.FS = Initial
    runIn(d, PRV_S, true, [FMV_W_X, LOOP], 2);
    expect(Number(d.hart.getPc())).toBe(CODE + 4);
    expect((csr(d, 0x300) >> 13n) & 3n).toBe(3n);
    expect((csr(d, 0x200) >> 13n) & 3n).toBe(3n);
    expect(csr(d, 0x200) >> 63n).toBe(1n); // vsstatus.SD
  });
});

describe('guest external interrupts', () => {
  it('hgeip[VGEIN] is VSEIP: delegated by hideleg it reaches VS as SEI (9)', () => {
    const r = rig(H_1_0, 4);
    r.hart.setCsr(0x603, 0x400n);
    r.hart.setCsr(0x604, 0x400n);
    r.hart.setCsr(0x600, 2n << 12n); // VGEIN = 2
    r.hart.setCsr(0x200, 2n); // vsstatus.SIE
    r.ext.setGuestExternalInterrupt(r.hart, 1, true); // not the selected one
    runIn(r, PRV_S, true, [LOOP], 3);
    expect(Number(r.hart.getPc())).toBe(CODE);
    r.ext.setGuestExternalInterrupt(r.hart, 2, true);
    r.hart.run(2);
    expect(where(r)).toBe('VS');
    expect(csr(r, 0x242)).toBe((1n << 63n) | 9n);
    expect(csr(r, 0x244)).toBe(0x200n); // vsip.SEIP
    expect(csr(r, 0x645)).toBe(0n); // not a software bit
  });
});

describe('SFENCE.VMA with V=1', () => {
  it('is virtual in VU and in VS with VTVM=1, allowed in VS otherwise (mstatus.TVM does not apply)', () => {
    const SFENCE = 0x12000073;
    const u = rig();
    runIn(u, PRV_U, true, [SFENCE]);
    expect(csr(u, 0x342)).toBe(22n);
    const v = rig();
    v.hart.setCsr(0x600, 1n << 20n);
    runIn(v, PRV_S, true, [SFENCE]);
    expect(csr(v, 0x342)).toBe(22n);
    const ok = rig();
    ok.hart.setCsr(0x300, 1n << 20n); // TVM
    runIn(ok, PRV_S, true, [SFENCE, LOOP], 2);
    expect(Number(ok.hart.getPc())).toBe(CODE + 4);
  });
});

describe('guest-controlled input', () => {
  it('random CSR values and random instructions in VS/VU never throw or hang', () => {
    let seed = 12345;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    for (const spec of [H_1_0, H_0_6_1]) {
      const r = rig(spec, 3);
      for (let round = 0; round < 40; round++) {
        for (const n of [0x600, 0x602, 0x603, 0x604, 0x605, 0x606, 0x607, 0x60a, 0x643, 0x644, 0x645, 0x64a, 0x680,
          0x200, 0x204, 0x205, 0x240, 0x241, 0x242, 0x243, 0x244, 0x24d, 0x280, 0x34a, 0x34b, 0x300, 0x302, 0x303]) {
          r.hart.setCsr(n, (BigInt(rnd()) << 32n) | BigInt(rnd()));
        }
        r.hart.setCsr(0x305, BigInt(M_VEC));
        const code = Array.from({ length: 16 }, () => rnd() | 3);
        for (let i = 0; i < 32; i++) r.hart.setX(i, (BigInt(rnd()) << 32n) | BigInt(rnd()));
        expect(() => runIn(r, rnd() & 1 ? PRV_S : PRV_U, true, code, 200)).not.toThrow();
      }
    }
  });
});

describe('state', () => {
  it('save and restore round-trips the H CSRs', () => {
    const r = rig(H_1_0, 2);
    r.hart.setCsr(0x680, (8n << 60n) | 0x123n);
    r.hart.setCsr(0x240, 0xabcn);
    r.hart.setCsr(0x602, 0x100n);
    const state = r.hart.getState();
    const again = Hart.fromState(JSON.parse(JSON.stringify(state)), { memory: r.mem, clock: new InstructionClock(), extensions: [hypervisor(H_1_0, { geilen: 2 })] });
    for (const n of [0x680, 0x240, 0x602, 0x600, 0x303]) expect(again.getCsr(n)).toBe(r.hart.getCsr(n));
  });
});

describe('CSR rows as data', () => {
  it('every H/VS row states the version that introduced it and its WARL rule; modules differ by henvcfg', async () => {
    const { hCsrRows, H_SPECS } = await import('./index.js');
    expect(Object.keys(H_SPECS).sort()).toEqual(['0.6.1', '1.0']);
    const r10 = hCsrRows(rig(H_1_0).hart, H_1_0);
    const r061 = hCsrRows(rig(H_0_6_1).hart, H_0_6_1);
    for (const row of [...r10, ...r061]) {
      expect(row.since, row.name).toMatch(/^\d+\.\d+$/);
      expect(row.warl.length, row.name).toBeGreaterThan(0);
    }
    const names = (rows: { name: string }[]): string[] => rows.map((x) => x.name).sort();
    expect(names(r10).filter((n) => !names(r061).includes(n))).toEqual(['henvcfg']);
  });
});
