import { FdtBuilder, parseDtb } from '@tsvisor/fdt';
import { describe, expect, it } from 'vitest';
import { Plic, writePlicNode } from './plic.js';

class Line {
  level = false;
  set(v: boolean) {
    this.level = v;
  }
}

function make() {
  const out = [new Line(), new Line(), new Line(), new Line()]; // hart0 M, hart0 S, hart1 M, hart1 S
  const plic = new Plic({ contexts: out });
  return { plic, out };
}
const PRIO = (s: number) => 4 * s;
const ENABLE = (ctx: number) => 0x2000 + 0x80 * ctx;
const THRESH = (ctx: number) => 0x20_0000 + 0x1000 * ctx;
const CLAIM = (ctx: number) => THRESH(ctx) + 4;

describe('plic', () => {
  it('delivers an enabled source above threshold to its context only', () => {
    const { plic, out } = make();
    plic.write(PRIO(10), 4, 1);
    plic.write(ENABLE(1), 4, 1 << 10);
    plic.source(10).set(true);
    expect(plic.read(0x1000, 4)).toBe(1 << 10);
    expect(out.map((l) => l.level)).toEqual([false, true, false, false]);
    plic.write(THRESH(1), 4, 1);
    expect(out[1]!.level).toBe(false);
    plic.write(THRESH(1), 4, 0);
    expect(out[1]!.level).toBe(true);
  });

  it('priority 0 never interrupts; priorities are 3 bits', () => {
    const { plic, out } = make();
    plic.write(ENABLE(0), 4, 1 << 5);
    plic.source(5).set(true);
    expect(out[0]!.level).toBe(false);
    plic.write(PRIO(5), 4, 0xff);
    expect(plic.read(PRIO(5), 4)).toBe(7);
    expect(out[0]!.level).toBe(true);
  });

  it('claims the highest priority, lowest id on ties, and gates the source until complete', () => {
    const { plic, out } = make();
    for (const s of [3, 4, 40]) plic.write(PRIO(s), 4, s === 40 ? 5 : 2);
    plic.write(ENABLE(0), 4, (1 << 3) | (1 << 4));
    plic.write(ENABLE(0) + 4, 4, 1 << 8);
    for (const s of [3, 4, 40]) plic.source(s).set(true);
    expect(plic.read(CLAIM(0), 4)).toBe(40);
    expect(plic.read(CLAIM(0), 4)).toBe(3);
    expect(plic.read(CLAIM(0), 4)).toBe(4);
    expect(plic.read(CLAIM(0), 4)).toBe(0);
    expect(out[0]!.level).toBe(false);
    // still high at completion: pends again (level-triggered)
    plic.write(CLAIM(0), 4, 3);
    expect(out[0]!.level).toBe(true);
    expect(plic.read(CLAIM(0), 4)).toBe(3);
    // lowered while in service, then completed: stays quiet
    plic.source(4).set(false);
    plic.write(CLAIM(0), 4, 4);
    expect(plic.read(0x1000, 4) & (1 << 4)).toBe(0);
  });

  it('ignores completion of a source not enabled for the context', () => {
    const { plic } = make();
    plic.write(PRIO(7), 4, 1);
    plic.write(ENABLE(0), 4, 1 << 7);
    plic.source(7).set(true);
    expect(plic.read(CLAIM(0), 4)).toBe(7);
    plic.write(CLAIM(2), 4, 7); // hart 1 M context, not enabled there
    expect(plic.read(0x1000, 4) & (1 << 7)).toBe(0);
    plic.write(CLAIM(0), 4, 7);
    expect(plic.read(0x1000, 4) & (1 << 7)).toBe(1 << 7);
  });

  it('a request that drops before being claimed is withdrawn; source 0 cannot be enabled', () => {
    const { plic, out } = make();
    plic.write(PRIO(1), 4, 1);
    plic.write(ENABLE(3), 4, 0xffffffff);
    expect(plic.read(ENABLE(3), 4)).toBe(0xfffffffe);
    plic.source(1).set(true);
    expect(out[3]!.level).toBe(true);
    plic.source(1).set(false);
    expect(out[3]!.level).toBe(false);
  });

  it('round-trips its state', () => {
    const { plic } = make();
    plic.write(PRIO(10), 4, 3);
    plic.write(ENABLE(1), 4, 1 << 10);
    plic.source(10).set(true);
    const out = [new Line(), new Line(), new Line(), new Line()];
    const copy = Plic.fromState(JSON.parse(JSON.stringify(plic.getState())), { contexts: out });
    expect(out[1]!.level).toBe(true);
    expect(copy.read(CLAIM(1), 4)).toBe(10);
  });

  it('writes the virt PLIC node', () => {
    const fdt = new FdtBuilder();
    fdt.root.addNode('intc', { label: 'cpu0_intc' });
    writePlicNode(fdt.root, { base: 0xc00_0000, contexts: [{ intcLabel: 'cpu0_intc', irq: 11 }, { intcLabel: 'cpu0_intc', irq: 9 }] });
    const t = parseDtb(fdt.build()).root;
    const n = t.find('plic@c000000')!;
    const intc = t.find('intc')!.u32('phandle');
    expect(n.u32s('interrupts-extended')).toEqual([intc, 11, intc, 9]);
    expect(n.u32('riscv,ndev')).toBe(96);
    expect(n.strings('compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(n.has('interrupt-controller')).toBe(true);
  });
});
