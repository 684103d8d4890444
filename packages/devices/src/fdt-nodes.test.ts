import { FdtBuilder, parseDtb } from '@tsvisor/fdt';
import { describe, expect, it } from 'vitest';
import { writeClintNode } from './clint.js';
import { writeGoldfishRtcNode } from './goldfish-rtc.js';
import { writeNs16550aNode } from './ns16550a.js';
import { writeSifiveTestNodes } from './sifive-test.js';

describe('device-tree nodes', () => {
  it('each device writes the node QEMU virt has for it', () => {
    const fdt = new FdtBuilder();
    const soc = fdt.root.addNode('soc');
    const cpu = fdt.root.addNode('cpus').addNode('cpu@0');
    cpu.addNode('interrupt-controller', { label: 'cpu0_intc' });
    soc.addNode('plic@c000000', { label: 'plic' });
    writeNs16550aNode(soc, { base: 0x1000_0000, irq: 10, interruptParent: 'plic' });
    writeGoldfishRtcNode(soc, { base: 0x10_1000, irq: 11, interruptParent: 'plic' });
    writeSifiveTestNodes(fdt.root, soc, { base: 0x10_0000 });
    writeClintNode(soc, { base: 0x200_0000, intcLabels: ['cpu0_intc'] });
    const tree = parseDtb(fdt.build());
    const root = tree.root;
    const plic = root.find('soc/plic@c000000')!.u32('phandle');
    const intc = root.find('cpus/cpu@0/interrupt-controller')!.u32('phandle');
    const uart = root.find('soc/serial@10000000')!;
    expect(uart.string('compatible')).toBe('ns16550a');
    expect(uart.u32('clock-frequency')).toBe(3686400);
    expect(uart.u32('interrupts')).toBe(10);
    expect(uart.u32('interrupt-parent')).toBe(plic);
    expect(uart.u64s('reg')).toEqual([0x1000_0000n, 0x100n]);
    expect(root.find('soc/rtc@101000')!.string('compatible')).toBe('google,goldfish-rtc');
    const test = root.find('soc/test@100000')!;
    expect(test.strings('compatible')).toEqual(['sifive,test1', 'sifive,test0', 'syscon']);
    expect(root.find('poweroff')!.u32('value')).toBe(0x5555);
    expect(root.find('poweroff')!.u32('regmap')).toBe(test.u32('phandle'));
    expect(root.find('reboot')!.u32('value')).toBe(0x7777);
    const clint = root.find('soc/clint@2000000')!;
    expect(clint.u32s('interrupts-extended')).toEqual([intc, 3, intc, 7]);
    expect(clint.strings('compatible')).toEqual(['sifive,clint0', 'riscv,clint0']);
  });
});
