/**
 * Privileged architecture: trap entry/return, delegation, interrupts and their priority,
 * WFI, CSR access rules and WARL masks, counters, misaligned and unmapped accesses, LR/SC,
 * Sv39 translation, Sstc, and state save/restore.
 */
import { describe, expect, it } from 'vitest';
import { load, machine, program, RAM_BASE } from './test/harness.js';
import { Hart } from './hart.js';
import { assemble } from './disasm.js';

const B = BigInt;
const MSTATUS = 0x300, MEPC = 0x341, MCAUSE = 0x342, MTVAL = 0x343, MTVEC = 0x305, MIE = 0x304, MIDELEG = 0x303, MEDELEG = 0x302;
const SEPC = 0x141, SCAUSE = 0x142, STVAL = 0x143, STVEC = 0x105, SATP = 0x180;
const INT = 1n << 63n;
const HANDLER = RAM_BASE + 0x1000;

/** Put `mret` at `addr` after having set mepc to `target` and MPP to `mode`. */
function enterMode(hart: Hart, mode: number, target: number): void {
  const ms = hart.getCsr(MSTATUS)!;
  hart.setCsr(MSTATUS, (ms & ~0x1800n) | (B(mode) << 11n));
  hart.setCsr(MEPC, B(target));
}

describe('trap entry and return', () => {
  it('ecall from M: mcause 11, mepc, MPP=M, MPIE<-MIE, MIE<-0, pc<-mtvec', () => {
    const m = machine();
    load(m, ['ecall']);
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.setCsr(MSTATUS, 0x8n); // MIE
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(11n);
    expect(m.hart.getCsr(MEPC)).toBe(B(RAM_BASE));
    expect(m.hart.getCsr(MTVAL)).toBe(0n);
    const ms = m.hart.getCsr(MSTATUS)!;
    expect((ms >> 11n) & 3n).toBe(3n);
    expect((ms >> 7n) & 1n).toBe(1n);
    expect((ms >> 3n) & 1n).toBe(0n);
    expect(m.hart.getPc()).toBe(B(HANDLER));
  });

  it('mret to U, ecall from U delegated to S, sret back to U', () => {
    const m = machine();
    const user = RAM_BASE + 0x2000;
    load(m, ['mret']);
    load(m, ['ecall', 'addi a0,zero,7', 'ebreak'], user);
    load(m, ['csrrs t0,sepc,zero', 'addi t0,t0,4', 'csrrw zero,sepc,t0', 'sret'], HANDLER);
    m.hart.setCsr(STVEC, B(HANDLER));
    m.hart.setCsr(MTVEC, B(RAM_BASE + 0x3000));
    m.hart.setCsr(MEDELEG, 1n << 8n);
    enterMode(m.hart, 0, user);
    m.hart.run(1);
    expect(m.hart.getPc()).toBe(B(user));
    m.hart.run(1); // ecall -> S
    expect(m.hart.getCsr(SCAUSE)).toBe(8n);
    expect(m.hart.getCsr(SEPC)).toBe(B(user));
    expect(m.hart.getPc()).toBe(B(HANDLER));
    expect((m.hart.getCsr(MSTATUS)! >> 8n) & 1n).toBe(0n); // SPP = U
    m.hart.run(6); // handler, sret, addi, ebreak (not delegated -> M)
    expect(m.hart.getX(10)).toBe(7n);
    expect(m.hart.getCsr(MCAUSE)).toBe(3n);
    expect(m.hart.getCsr(MTVAL)).toBe(0n);
    expect((m.hart.getCsr(MSTATUS)! >> 11n) & 3n).toBe(0n); // MPP = U
  });

  it('mret clears MPRV when returning below M; sret from U is illegal; TSR makes sret illegal in S', () => {
    const m = machine();
    load(m, ['mret']);
    load(m, ['sret'], RAM_BASE + 0x100);
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.setCsr(MSTATUS, (1n << 17n) | (1n << 22n) | (1n << 11n)); // MPRV, TSR, MPP=S
    m.hart.setCsr(MEPC, B(RAM_BASE + 0x100));
    m.hart.run(2);
    expect((m.hart.getCsr(MSTATUS)! >> 17n) & 1n).toBe(0n);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m.hart.getCsr(MTVAL)).toBe(0x10200073n);
    expect((m.hart.getCsr(MSTATUS)! >> 11n) & 3n).toBe(1n);
  });

  it('illegal instruction: tval holds the 32-bit or 16-bit instruction bits', () => {
    const m = machine();
    m.memory.writeBytes(RAM_BASE, new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m.hart.getCsr(MTVAL)).toBe(0xffffffffn);
    const m2 = machine();
    m2.memory.writeBytes(RAM_BASE, new Uint8Array([0x00, 0x00]));
    m2.hart.setCsr(MTVEC, B(HANDLER));
    m2.hart.run(1);
    expect(m2.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m2.hart.getCsr(MTVAL)).toBe(0n);
    // c.lwsp with rd = 0 is reserved.
    const m3 = machine();
    m3.memory.writeBytes(RAM_BASE, new Uint8Array([0x02, 0x40]));
    m3.hart.setCsr(MTVEC, B(HANDLER));
    m3.hart.run(1);
    expect(m3.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m3.hart.getCsr(MTVAL)).toBe(0x4002n);
  });

  it('compressed jal-and-link forms link pc+2', () => {
    const m = machine();
    m.memory.writeBytes(RAM_BASE, program(['c.jalr ra,0(t0)', 'c.addi zero,zero,0']));
    m.hart.setX(5, B(RAM_BASE + 0x40));
    m.hart.run(1);
    expect(m.hart.getX(1)).toBe(B(RAM_BASE + 2));
    expect(m.hart.getPc()).toBe(B(RAM_BASE + 0x40));
  });

  it('jumps to a 2-byte aligned target without C raise instruction-address-misaligned', () => {
    const m = machine({ isa: 'rv64ima_zicsr' });
    load(m, ['jalr ra,2(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x100));
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(0n);
    expect(m.hart.getCsr(MTVAL)).toBe(B(RAM_BASE + 0x102));
    expect(m.hart.getX(1)).toBe(0n); // no partial effect
  });
});

describe('interrupts', () => {
  it('MTIP taken in vectored mode at base + 4*7 with the interrupt bit in mcause', () => {
    const m = machine();
    load(m, ['addi a0,a0,1', 'addi a0,a0,1', 'addi a0,a0,1']);
    load(m, ['addi zero,zero,0'], HANDLER + 4 * 7);
    m.hart.setCsr(MTVEC, B(HANDLER) | 1n);
    m.hart.setCsr(MIE, 1n << 7n);
    m.hart.setCsr(MSTATUS, 8n);
    m.hart.run(1);
    m.hart.setIrqLine(7, true);
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(INT | 7n);
    expect(m.hart.getCsr(MEPC)).toBe(B(RAM_BASE + 4));
    expect(m.hart.getX(10)).toBe(1n); // taken at the boundary; the step ran in the handler
    expect(m.hart.getPc()).toBe(B(HANDLER + 4 * 7 + 4));
  });

  it('priority: MEI > MSI > MTI > SEI > SSI > STI', () => {
    const order = [11, 3, 7, 9, 1, 5];
    for (let k = 0; k < order.length; k++) {
      const m = machine();
      load(m, ['addi zero,zero,0']);
      load(m, ['addi zero,zero,0'], HANDLER);
      m.hart.setCsr(MTVEC, B(HANDLER));
      m.hart.setCsr(MIE, 0xaaan);
      m.hart.setCsr(MSTATUS, 8n);
      for (const b of order.slice(k)) {
        if (b === 1 || b === 5) m.hart.setCsr(0x344, m.hart.getCsr(0x344)! | (1n << B(b)));
        else m.hart.setIrqLine(b, true);
      }
      m.hart.run(1);
      expect(m.hart.getCsr(MCAUSE)).toBe(INT | B(order[k]));
    }
  });

  it('delegated S interrupts are not taken in M, are taken in S only with SIE, always in U', () => {
    const m = machine();
    load(m, ['addi zero,zero,0', 'addi zero,zero,0']);
    m.hart.setCsr(MIDELEG, 0x222n);
    m.hart.setCsr(MIE, 0x222n);
    m.hart.setCsr(STVEC, B(HANDLER));
    m.hart.setCsr(MSTATUS, 0xan); // MIE | SIE
    m.hart.setCsr(0x344, 2n); // SSIP
    m.hart.run(1);
    expect(m.hart.getPc()).toBe(B(RAM_BASE + 4)); // still in M, not taken
    enterMode(m.hart, 0, RAM_BASE);
    load(m, ['mret'], RAM_BASE + 4);
    m.hart.run(1); // mret -> U, then the SSI is taken into S
    m.hart.run(1);
    expect(m.hart.getCsr(SCAUSE)).toBe(INT | 1n);
    expect(m.hart.getCsr(SEPC)).toBe(B(RAM_BASE));
  });

  it('WFI waits while nothing is pending-and-enabled and wakes on an enabled interrupt even with MIE=0', () => {
    const m = machine();
    load(m, ['wfi', 'addi a0,zero,5']);
    m.hart.setCsr(MIE, 1n << 11n);
    expect(m.hart.run(10)).toBe(1);
    expect(m.hart.status).toBe('wfi');
    expect(m.hart.run(10)).toBe(0);
    m.hart.setIrqLine(11, true);
    expect(m.hart.status).toBe('running');
    m.hart.run(1);
    expect(m.hart.getX(10)).toBe(5n);
  });

  it('WFI in U is illegal; with TW=1 in S it is illegal', () => {
    for (const [mode, tw] of [[0, 0], [1, 1]]) {
      const m = machine();
      load(m, ['mret', 'wfi']);
      m.hart.setCsr(MTVEC, B(HANDLER));
      m.hart.setCsr(MSTATUS, B(tw) << 21n);
      enterMode(m.hart, mode, RAM_BASE + 4);
      m.hart.run(2);
      expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    }
  });
});

describe('CSRs', () => {
  it('privilege and read-only checks raise illegal-instruction with the instruction as tval', () => {
    const m = machine();
    load(m, ['mret']);
    load(m, ['csrrs a0,mstatus,zero'], RAM_BASE + 0x100);
    m.hart.setCsr(MTVEC, B(HANDLER));
    enterMode(m.hart, 1, RAM_BASE + 0x100);
    m.hart.run(2);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m.hart.getCsr(MTVAL)).toBe(B(assemble('csrrs a0,mstatus,zero')));
    const m2 = machine();
    load(m2, ['csrrw zero,mhartid,a0', 'csrrs a0,mhartid,zero']);
    m2.hart.setCsr(MTVEC, B(HANDLER));
    m2.hart.run(1);
    expect(m2.hart.getCsr(MCAUSE)).toBe(2n);
  });

  it('WARL masks: mie, mideleg, medeleg, mtvec mode, mepc bit 0, satp mode, sstatus view', () => {
    const m = machine();
    m.hart.setCsr(MIE, -1n);
    expect(m.hart.getCsr(MIE)).toBe(0xaaan);
    m.hart.setCsr(MIDELEG, -1n);
    expect(m.hart.getCsr(MIDELEG)).toBe(0x222n);
    m.hart.setCsr(MEDELEG, -1n);
    expect(m.hart.getCsr(MEDELEG)).toBe(0xbbffn);
    m.hart.setCsr(MTVEC, 0x80000100n);
    m.hart.setCsr(MTVEC, 0x80000203n);
    expect(m.hart.getCsr(MTVEC)).toBe(0x80000100n);
    m.hart.setCsr(MEPC, 0x80000003n);
    expect(m.hart.getCsr(MEPC)).toBe(0x80000002n);
    m.hart.setCsr(SATP, (15n << 60n) | 5n);
    expect(m.hart.getCsr(SATP)).toBe(0n);
    m.hart.setCsr(SATP, (8n << 60n) | (3n << 44n) | 0x80123n);
    expect(m.hart.getCsr(SATP)).toBe((8n << 60n) | (3n << 44n) | 0x80123n);
    m.hart.setCsr(MSTATUS, -1n);
    const ms = m.hart.getCsr(MSTATUS)!;
    expect((ms >> 32n) & 0xfn).toBe(0xan); // UXL = SXL = 2
    expect(ms >> 63n).toBe(1n); // SD (FS dirty)
    expect((ms >> 11n) & 3n).toBe(3n);
    const ss = m.hart.getCsr(0x100)!;
    expect(ss & (1n << 3n)).toBe(0n); // no MIE in sstatus
    expect((ss >> 32n) & 3n).toBe(2n);
    expect(m.hart.getCsr(0x301)! >> 62n).toBe(2n);
  });

  it('writing MPP=2 (reserved) keeps the previous MPP', () => {
    const m = machine();
    m.hart.setCsr(MSTATUS, 1n << 11n);
    m.hart.setCsr(MSTATUS, 2n << 11n);
    expect((m.hart.getCsr(MSTATUS)! >> 11n) & 3n).toBe(1n);
  });

  it('counters: instret counts retired instructions; S/U reads are gated by mcounteren/scounteren', () => {
    const m = machine();
    load(m, ['addi zero,zero,0', 'addi zero,zero,0', 'csrrs a0,instret,zero', 'csrrs a1,cycle,zero', 'mret']);
    load(m, ['csrrs a0,time,zero'], RAM_BASE + 0x100);
    m.hart.run(4);
    expect(m.hart.getX(10)).toBe(2n);
    m.hart.setCsr(MTVEC, B(HANDLER));
    enterMode(m.hart, 1, RAM_BASE + 0x100);
    m.hart.run(2);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    const m2 = machine();
    load(m2, ['mret']);
    load(m2, ['csrrs a0,time,zero'], RAM_BASE + 0x100);
    m2.hart.setCsr(0x306, 2n);
    enterMode(m2.hart, 1, RAM_BASE + 0x100);
    m2.clock.advance(1234);
    m2.hart.run(2);
    expect(m2.hart.getX(10)).toBe(BigInt(m2.clock.now()));
  });

  it('minstret writes take effect for the next instruction', () => {
    const m = machine();
    load(m, ['addi t0,zero,100', 'csrrw zero,minstret,t0', 'csrrs a0,minstret,zero']);
    m.hart.run(3);
    expect(m.hart.getX(10)).toBe(100n);
  });

  it('Sstc: stimecmp drives STIP when menvcfg.STCE=1', () => {
    const m = machine();
    load(m, ['addi zero,zero,0', 'addi zero,zero,0']);
    m.hart.setCsr(0x30a, 1n << 63n);
    m.hart.setCsr(0x14d, 100n);
    m.hart.run(1);
    expect((m.hart.getCsr(0x344)! >> 5n) & 1n).toBe(0n);
    m.clock.advance(100);
    expect((m.hart.getCsr(0x344)! >> 5n) & 1n).toBe(1n);
    m.hart.setCsr(0x14d, -1n);
    expect((m.hart.getCsr(0x344)! >> 5n) & 1n).toBe(0n);
  });
});

describe('memory access', () => {
  it('misaligned loads and stores complete (as on QEMU virt), including across pages', () => {
    const m = machine();
    load(m, ['sd t1,0(t0)', 'ld a0,0(t0)', 'lw a1,1(t0)', 'lhu a2,3(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x1ffd));
    m.hart.setX(6, 0x1122334455667788n);
    m.hart.run(4);
    expect(m.hart.getX(10)).toBe(0x1122334455667788n);
    expect(m.hart.getX(11)).toBe(0x44556677n);
    expect(m.hart.getX(12)).toBe(0x4455n);
  });

  it('misaligned AMO raises store/AMO-misaligned (6), misaligned LR load-misaligned (4) (spec; QEMU 7.2 reports 4 for AMOs)', () => {
    const m = machine();
    load(m, ['amoadd.w a0,a1,(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x102));
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(6n);
    expect(m.hart.getCsr(MTVAL)).toBe(B(RAM_BASE + 0x102));
    const m2 = machine();
    load(m2, ['lr.d a0,(t0)']);
    m2.hart.setX(5, B(RAM_BASE + 0x104));
    m2.hart.setCsr(MTVEC, B(HANDLER));
    m2.hart.run(1);
    expect(m2.hart.getCsr(MCAUSE)).toBe(4n);
  });

  it('unmapped physical addresses raise access faults (load 5, store 7, fetch 1)', () => {
    const m = machine();
    load(m, ['ld a0,0(zero)', 'sd a0,16(zero)', 'jalr zero,0(zero)']);
    m.hart.setCsr(MTVEC, B(HANDLER));
    load(m, ['csrrs t0,mepc,zero', 'addi t0,t0,4', 'csrrw zero,mepc,t0', 'mret'], HANDLER);
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(5n);
    m.hart.run(5);
    expect(m.hart.getCsr(MCAUSE)).toBe(7n);
    expect(m.hart.getCsr(MTVAL)).toBe(16n);
    m.hart.run(6);
    expect(m.hart.getCsr(MCAUSE)).toBe(1n);
    expect(m.hart.getCsr(MTVAL)).toBe(0n);
  });

  it('LR/SC: succeeds on a held reservation, fails after another SC or clearReservation', () => {
    const m = machine();
    load(m, ['lr.d a0,(t0)', 'addi a0,a0,1', 'sc.d a1,a0,(t0)', 'sc.d a2,a0,(t0)', 'lr.w a3,(t0)', 'sc.w a4,a0,(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x800));
    m.hart.run(4);
    expect(m.hart.getX(11)).toBe(0n);
    expect(m.hart.getX(12)).toBe(1n);
    m.hart.run(1);
    m.hart.clearReservation();
    m.hart.run(1);
    expect(m.hart.getX(14)).toBe(1n);
    expect(m.memory.readBytes(RAM_BASE + 0x800, 1)[0]).toBe(1);
  });

  it('AMOs return the old value and store the combination', () => {
    const m = machine();
    load(m, ['amoswap.d a0,a1,(t0)', 'amomaxu.w a2,a3,(t0)', 'amomin.d a4,a3,(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x800));
    m.hart.setX(11, 0xffffffff00000005n);
    m.hart.setX(13, 0x80000000n);
    m.hart.run(3);
    expect(m.hart.getX(10)).toBe(0n);
    expect(m.hart.getX(12)).toBe(5n);
    expect(m.hart.getX(14)).toBe(0xffffffff80000000n);
    expect(m.hart.getX(14)).toBe(0xffffffff80000000n);
  });

  it('Sv39: a 4 KiB mapping translates in S-mode; an unmapped VA page-faults with stval = VA; A/D get set', () => {
    const m = machine();
    const root = RAM_BASE + 0x10000, l1 = RAM_BASE + 0x11000, l0 = RAM_BASE + 0x12000;
    const dv = new DataView(m.memory.buffer, m.memory.ramOffset);
    const pte = (pa: number, flags: number): bigint => (B(pa) >> 12n << 10n) | B(flags);
    const w64 = (pa: number, v: bigint): void => dv.setBigUint64(pa - RAM_BASE, v, true);
    // VA 0x40000000 -> root[1] -> l1[0] -> l0[0] -> data page RAM+0x20000; code identity 1 GiB superpage at 0x80000000 (root[2]).
    w64(root + 8 * 1, pte(l1, 1));
    w64(l1, pte(l0, 1));
    w64(l0, pte(RAM_BASE + 0x20000, 0x07)); // V R W, A=D=0
    w64(root + 8 * 2, pte(RAM_BASE, 0xcf)); // V R W X A D
    dv.setBigUint64(0x20008, 0x1234n, true);
    load(m, ['mret']);
    load(m, ['ld a0,8(t0)', 'sd a0,16(t0)', 'ld a1,0(t1)'], RAM_BASE + 0x100);
    m.hart.setX(5, 0x40000000n);
    m.hart.setX(6, 0x40001000n);
    m.hart.setCsr(SATP, (8n << 60n) | B(root >>> 12));
    m.hart.setCsr(MTVEC, B(HANDLER));
    enterMode(m.hart, 1, RAM_BASE + 0x100);
    m.hart.run(4);
    expect(m.hart.getX(10)).toBe(0x1234n);
    expect(dv.getBigUint64(0x20010, true)).toBe(0x1234n);
    expect(dv.getBigUint64(l0 - RAM_BASE, true) & 0xc0n).toBe(0xc0n);
    expect(m.hart.getCsr(MCAUSE)).toBe(13n);
    expect(m.hart.getCsr(MTVAL)).toBe(0x40001000n);
  });
});

describe('SUM', () => {
  it('S-mode access to a U page follows SUM across toggles (cached translations respect it)', () => {
    const m = machine();
    const root = RAM_BASE + 0x10000;
    const dv = new DataView(m.memory.buffer, m.memory.ramOffset);
    const w64 = (pa: number, v: bigint): void => dv.setBigUint64(pa - RAM_BASE, v, true);
    // VA 0x40000000 -> a 4 KiB user page (U R W X A D) at RAM+0x40000.
    w64(root + 8 * 1, (B(RAM_BASE + 0x11000) >> 12n << 10n) | 1n);
    w64(RAM_BASE + 0x11000, (B(RAM_BASE + 0x12000) >> 12n << 10n) | 1n);
    w64(RAM_BASE + 0x12000, (B(RAM_BASE + 0x40000) >> 12n << 10n) | 0xdfn);
    w64(root + 8 * 2, (B(RAM_BASE) >> 12n << 10n) | 0xcfn);
    load(m, ['mret']);
    load(m, ['ld a0,0(t0)', 'csrrs zero,sstatus,t1', 'ld a1,0(t0)', 'csrrc zero,sstatus,t1', 'ld a2,0(t0)'], RAM_BASE + 0x100);
    load(m, ['csrrs t2,sepc,zero', 'addi t2,t2,4', 'csrrw zero,sepc,t2', 'addi a5,a5,1', 'sret'], HANDLER);
    dv.setBigUint64(0x40000, 0x99n, true);
    m.hart.setX(5, 0x40000000n);
    m.hart.setX(6, 1n << 18n);
    m.hart.setX(10, 7n);
    m.hart.setX(12, 7n);
    m.hart.setCsr(SATP, (8n << 60n) | B(root >>> 12));
    m.hart.setCsr(MEDELEG, 1n << 13n);
    m.hart.setCsr(STVEC, B(HANDLER));
    enterMode(m.hart, 1, RAM_BASE + 0x100);
    m.hart.run(16);
    expect(m.hart.getX(15)).toBe(2n); // two load page faults (SUM=0), one success in between
    expect(m.hart.getX(10)).toBe(7n);
    expect(m.hart.getX(11)).toBe(0x99n);
    expect(m.hart.getX(12)).toBe(7n);
  });
});

describe('PMP', () => {
  it('with no entry configured S/U accesses fault and M accesses succeed; a locked entry binds M too', () => {
    const m = machine({ closedPmp: true });
    load(m, ['ld a0,0x100(t0)', 'mret']);
    m.hart.setX(5, B(RAM_BASE));
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(0n); // M: allowed
    enterMode(m.hart, 1, RAM_BASE);
    m.hart.run(2);
    expect(m.hart.getCsr(MCAUSE)).toBe(1n); // S fetch: no matching entry
    expect(m.hart.getCsr(MTVAL)).toBe(B(RAM_BASE));

    const m2 = machine({ closedPmp: true });
    load(m2, ['sd a0,0(t0)']);
    m2.hart.setX(5, B(RAM_BASE + 0x8000));
    m2.hart.setCsr(MTVEC, B(HANDLER));
    // Entry 0: NAPOT 4 KiB at RAM+0x8000, R only, locked; entry 1: everything RWX.
    m2.hart.setCsr(0x3b0, B((RAM_BASE + 0x8000) >>> 2) | 0x1ffn);
    m2.hart.setCsr(0x3b1, (1n << 54n) - 1n);
    m2.hart.setCsr(0x3a0, 0x1f99n);
    m2.hart.run(1);
    expect(m2.hart.getCsr(MCAUSE)).toBe(7n);
    expect(m2.hart.getCsr(MTVAL)).toBe(B(RAM_BASE + 0x8000));
  });
});

describe('ISA string', () => {
  it('rejects unknown extensions with a clear message', () => {
    expect(() => machine({ isa: 'rv64gc_zfoo' })).toThrow("unknown ISA extension 'zfoo' in --isa rv64gc_zfoo");
    expect(() => machine({ isa: 'rv32gc' })).toThrow(/rv64/);
  });
  it('disables instructions of extensions that are off', () => {
    const m = machine({ isa: 'rv64i_zicsr' });
    load(m, ['mul a0,a1,a2']);
    m.hart.setCsr(MTVEC, B(HANDLER));
    m.hart.run(1);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m.hart.getCsr(0x301)! & 0x3ffffffn).toBe((1n << 8n) | (1n << 18n) | (1n << 20n));
  });
});

describe('state', () => {
  it('getState/fromState round-trips through JSON and execution continues identically', () => {
    const m = machine();
    load(m, ['addi a0,a0,3', 'csrrw zero,mscratch,a0', 'lr.d a1,(t0)', 'addi a0,a0,3', 'sc.d a2,a0,(t0)']);
    m.hart.setX(5, B(RAM_BASE + 0x800));
    m.hart.run(3);
    const json = JSON.parse(JSON.stringify(m.hart.getState()));
    const h2 = Hart.fromState(json, { memory: m.memory, clock: m.clock });
    expect(h2.getPc()).toBe(m.hart.getPc());
    expect(h2.getCsr(0x340)).toBe(3n);
    expect(h2.instret).toBe(m.hart.instret);
    h2.run(2);
    expect(h2.getX(10)).toBe(6n);
    expect(h2.getX(12)).toBe(0n); // the reservation survived
  });
});
