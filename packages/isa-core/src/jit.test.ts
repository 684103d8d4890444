/**
 * Compiled blocks must be invisible: the same program run with and without `jit` ends in
 * the same architectural state, including traps inside blocks, self-modifying code and
 * memory written by DMA.
 */
import { describe, expect, it } from 'vitest';
import { load, machine, program, RAM_BASE, type TestMachine } from './test/harness.js';

function both(setup: (m: TestMachine) => void, steps: number): [TestMachine, TestMachine] {
  const out: TestMachine[] = [];
  for (const jit of [true, false]) {
    const m = machine({ jit, jitThreshold: 16 });
    setup(m);
    let left = steps;
    while (left > 0) {
      const before = m.hart.steps;
      m.hart.run(Math.min(left, 1000));
      left -= m.hart.steps - before;
      if (m.hart.steps === before) break;
    }
    out.push(m);
  }
  return out as [TestMachine, TestMachine];
}

function sameState(a: TestMachine, b: TestMachine): void {
  const sa = a.hart.getState(), sb = b.hart.getState();
  expect(sa).toEqual(sb);
  expect(a.memory.readBytes(RAM_BASE, 0x4000)).toEqual(b.memory.readBytes(RAM_BASE, 0x4000));
}

describe('compiled blocks', () => {
  it('a load/store loop ends in the same state with and without compilation', () => {
    const [a, b] = both((m) => {
      load(m, [
        'addi t0,zero,1000', 'lui sp,0x80002', 'slli sp,sp,32', 'srli sp,sp,32',
        'ld a0,0(sp)', 'addi a0,a0,3', 'sd a0,8(sp)', 'lw a1,8(sp)', 'add a2,a2,a1', 'sw a2,0(sp)', 'addi t0,t0,-1', 'bne t0,zero,-28',
        'ebreak',
      ]);
      m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
      load(m, ['ebreak'], RAM_BASE + 0x3000);
    }, 20_000);
    expect(a.hart.getCsr(0x342)).toBe(3n);
    sameState(a, b);
  });

  it('a hot block that reaches the end of its page stops there instead of reading the same page again', () => {
    // A loop whose straight-line body runs from RAM+0xff0 across the page end into RAM+0x1000:
    // the next page holds different code, which must be what runs (found booting OpenSBI).
    const [a, b] = both((m) => {
      load(m, ['jal zero,0xff0']);
      load(m, ['addi a0,a0,1', 'addi a1,a1,2', 'addi a2,a2,3', 'addi a3,a3,4'], RAM_BASE + 0xff0);
      load(m, ['addi a4,a4,5', 'addi t0,t0,1', 'addi t1,zero,400', 'bne t0,t1,-28', 'ebreak'], RAM_BASE + 0x1000);
      m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
      load(m, ['ebreak'], RAM_BASE + 0x3000);
    }, 10_000);
    expect(a.hart.getX(14)).toBe(2000n);
    expect(a.hart.getX(10)).toBe(400n);
    sameState(a, b);
  });

  it('a fault in the middle of a hot block traps at the right instruction with the right instret', () => {
    const [a, b] = both((m) => {
      // t1 walks down 8 bytes per iteration from RAM+0x800; after 300 iterations it leaves RAM (fault).
      load(m, [
        'lui t1,0x80001', 'slli t1,t1,32', 'srli t1,t1,32', 'addi t1,t1,-2048', 'lui t2,0x80000', 'slli t2,t2,32', 'srli t2,t2,32',
        'addi a0,a0,1', 'ld a1,0(t1)', 'addi t1,t1,-8', 'addi a2,a2,1', 'jal zero,-16',
      ]);
      m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
      load(m, ['ebreak'], RAM_BASE + 0x3000);
    }, 5_000);
    expect(a.hart.getCsr(0x342)).toBe(3n);
    sameState(a, b);
  });

  it('stores into compiled code take effect without FENCE.I (as on QEMU); DMA writes too', () => {
    const [a, b] = both((m) => {
      // Loop 400 times over a block that adds 1; then patch the addi to add 100 and loop 400 more.
      const patched = program(['addi a0,a0,100']);
      const word = patched[0] | (patched[1] << 8) | (patched[2] << 16) | (patched[3] << 24);
      load(m, [
        'addi t0,zero,400', 'jal ra,16', 'sw t3,0(t4)', 'jal ra,8', 'ebreak',
        // the loop at +20
        'addi a0,a0,1', 'addi t0,t0,-1', 'bne t0,zero,-8', 'addi t0,zero,400', 'jalr zero,0(ra)',
      ]);
      m.hart.setX(28, BigInt(word));
      m.hart.setX(29, BigInt(RAM_BASE + 20));
      m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
      load(m, ['ebreak'], RAM_BASE + 0x3000);
    }, 2_500);
    expect(a.hart.getX(10)).toBe(400n + 400n * 100n);
    sameState(a, b);

    const m = machine({ jitThreshold: 16 });
    load(m, ['addi a0,a0,1', 'addi t0,t0,-1', 'bne t0,zero,-8', 'ebreak']);
    m.hart.setX(5, 500n);
    m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
    load(m, ['ebreak'], RAM_BASE + 0x3000);
    m.hart.run(1_600);
    expect(m.hart.getX(10)).toBe(500n);
    load(m, ['addi a0,a0,2']); // DMA-style write through writeBytes
    m.hart.setX(5, 1n);
    m.hart.setPc(BigInt(RAM_BASE));
    m.hart.run(3);
    expect(m.hart.getX(10)).toBe(502n);
  });

  it('a device that stops the machine on a store inside a compiled loop stops it right after that store', () => {
    // The store is emitted code (sw) or a row's exec called from the block (fsw).
    for (const store of [['sw a0,0(t2)'], ['fmv.w.x ft0,a0', 'fsw ft0,0(t2)']]) {
      const seen = [true, false].map((jit) => {
        const m = machine({ jit, jitThreshold: 16 });
        m.hart.setCsr(0x300, 0x2000n); // mstatus.FS = Initial
        let writes = 0;
        m.memory.addDevice(0x1000_0000, 0x100, {
          read: () => 0,
          write: () => { if (++writes === 300) m.hart.requestStop(); },
        }, 'stopper');
        load(m, ['lui t2,0x10000', 'addi a0,a0,1', ...store, 'addi a1,a1,2', `jal zero,${-8 - 4 * store.length}`]);
        const retired = m.hart.run(100_000);
        return { retired, pc: m.hart.getPc(), a0: m.hart.getX(10), a1: m.hart.getX(11), instret: m.hart.instret };
      });
      expect(seen[0].a0).toBe(300n);
      expect(seen[0].a1).toBe(598n);
      expect(seen[0].pc).toBe(BigInt(RAM_BASE + 8 + 4 * store.length));
      expect(seen[0]).toEqual(seen[1]);
    }
  });

  it('FENCE.I and satp changes are honoured', () => {
    const [a, b] = both((m) => {
      load(m, ['addi a0,a0,1', 'addi a1,a1,2', 'fence.i', 'addi t0,t0,-1', 'bne t0,zero,-16', 'ebreak']);
      m.hart.setX(5, 600n);
      m.hart.setCsr(0x305, BigInt(RAM_BASE + 0x3000));
      load(m, ['ebreak'], RAM_BASE + 0x3000);
    }, 4_000);
    expect(a.hart.getX(11)).toBe(1200n);
    sameState(a, b);
  });
});
