import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDtb, type FdtTreeNode } from '@tsvisor/fdt';
import { describe, expect, it } from 'vitest';
import { createVirtMachine } from './machine.js';

/** QEMU 7.2's DTB for -machine virt,aia=<mode> (the oracle for the AIA nodes). */
function qemuDtb(aia: string, smp: number): FdtTreeNode {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-aia-'));
  const out = join(dir, 'q.dtb');
  const r = spawnSync('qemu-system-riscv64', ['-machine', `virt,aia=${aia},dumpdtb=${out}`, '-smp', String(smp), '-m', '256M', '-nographic'], { encoding: 'utf8' });
  if (r.error) throw new Error('qemu-system-riscv64 is not installed: run tooling/scripts/setup.sh');
  return parseDtb(new Uint8Array(readFileSync(out))).root;
}

function phandlePaths(root: FdtTreeNode): Map<number, string> {
  const m = new Map<number, string>();
  for (const n of root.walk()) {
    const p = n.u32('phandle');
    if (p !== undefined) m.set(p, n.path);
  }
  return m;
}

/** A property's cells with every phandle replaced by the node path it names (`refs` = cell positions). */
function resolved(node: FdtTreeNode, prop: string, ph: Map<number, string>, isRef: (i: number) => boolean): (number | string)[] {
  return (node.u32s(prop) ?? []).map((c, i) => (isRef(i) ? ph.get(c) ?? `?${c}` : c));
}

const IRQCHIP_PROPS = [
  'compatible', 'reg', 'riscv,num-sources', 'riscv,num-ids', 'riscv,ipi-id', '#interrupt-cells', 'interrupt-controller',
  'msi-controller', 'riscv,guest-index-bits',
];

for (const [mode, nodes] of [
  ['aplic-imsic', ['/soc/aplic@c000000', '/soc/aplic@d000000', '/soc/imsics@24000000', '/soc/imsics@28000000']],
  ['aplic', ['/soc/aplic@c000000', '/soc/aplic@d000000']],
] as const) {
  describe(`virt,aia=${mode}: device tree as QEMU 7.2's`, () => {
    const ours = parseDtb(createVirtMachine({ bios: 'none', harts: 2, memory: 256 * 2 ** 20, aia: mode }).dtb).root;
    const qemu = qemuDtb(mode, 2);
    const po = phandlePaths(ours);
    const pq = phandlePaths(qemu);

    it('has the same interrupt-controller nodes and properties', () => {
      for (const path of nodes) {
        const a = ours.find(path);
        const b = qemu.find(path);
        expect(a, path).toBeDefined();
        expect(b, path).toBeDefined();
        for (const p of IRQCHIP_PROPS) expect(a!.prop(p), `${path} ${p}`).toEqual(b!.prop(p));
        for (const p of ['msi-parent', 'riscv,children']) expect(resolved(a!, p, po, () => true), `${path} ${p}`).toEqual(resolved(b!, p, pq, () => true));
        expect(resolved(a!, 'interrupts-extended', po, (i) => i % 2 === 0)).toEqual(resolved(b!, 'interrupts-extended', pq, (i) => i % 2 === 0));
        expect(resolved(a!, 'riscv,delegate', po, (i) => i % 3 === 0)).toEqual(resolved(b!, 'riscv,delegate', pq, (i) => i % 3 === 0));
      }
      expect(ours.find('/soc/plic@c000000')).toBeUndefined();
    });

    it('devices name the S-level APLIC with two interrupt cells', () => {
      for (const path of ['/soc/serial@10000000', '/soc/rtc@101000']) {
        expect(po.get(ours.find(path)!.u32('interrupt-parent')!)).toBe(pq.get(qemu.find(path)!.u32('interrupt-parent')!));
        expect(ours.find(path)!.prop('interrupts')).toEqual(qemu.find(path)!.prop('interrupts'));
      }
    });

    it(`riscv,isa ${mode === 'aplic-imsic' ? 'names' : 'does not name'} smaia and ssaia`, () => {
      const isa = ours.find('/cpus/cpu@0')!.string('riscv,isa')!;
      expect(/_smaia_ssaia/.test(isa)).toBe(mode === 'aplic-imsic');
      expect(/_smaia_ssaia/.test(qemu.find('/cpus/cpu@0')!.string('riscv,isa')!)).toBe(mode === 'aplic-imsic');
    });
  });
}

describe('virt,aia=aplic-imsic,aia-guests=N', () => {
  it('spaces the S files by guest pages and says so in riscv,guest-index-bits, as QEMU', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvisor-aia-'));
    const out = join(dir, 'q.dtb');
    spawnSync('qemu-system-riscv64', ['-machine', `virt,aia=aplic-imsic,aia-guests=3,dumpdtb=${out}`, '-smp', '2', '-nographic']);
    const q = parseDtb(new Uint8Array(readFileSync(out))).root.find('/soc/imsics@28000000')!;
    const o = parseDtb(createVirtMachine({ bios: 'none', harts: 2, aia: 'aplic-imsic', aiaGuests: 3 }).dtb).root.find('/soc/imsics@28000000')!;
    expect(o.prop('reg')).toEqual(q.prop('reg'));
    expect(o.prop('riscv,guest-index-bits')).toEqual(q.prop('riscv,guest-index-bits'));
  });

  it('rejects guests without IMSICs and more than 7', () => {
    expect(() => createVirtMachine({ bios: 'none', aia: 'aplic', aiaGuests: 1 })).toThrow(/aia-guests needs aia=aplic-imsic/);
    expect(() => createVirtMachine({ bios: 'none', aia: 'aplic-imsic', aiaGuests: 8 })).toThrow(/0 to 7/);
    expect(() => createVirtMachine({ bios: 'none', aia: 'bogus' as 'aplic' })).toThrow(/expected none, aplic or aplic-imsic/);
  });
});

describe('virt,aia=aplic-imsic: a wired interrupt travels APLIC -> MSI -> IMSIC -> SEIP', () => {
  it('the UART line reaches hart 1 S file as the EIID its target names, as firmware and Linux set it up', () => {
    const m = createVirtMachine({ bios: 'none', harts: 2, aia: 'aplic-imsic' });
    const w = (pa: number, v: number) => expect(m.memory.store(pa, 4, v)).toBe(true);
    // Firmware's part (OpenSBI fdt_aplic): MSI addresses in the root, every source delegated to S.
    w(0xc00_0000 + 0x1bc0, 0x24000); // mmsiaddrcfg: PPN of the M files
    w(0xc00_0000 + 0x1bc4, 1 << 12); // mmsiaddrcfgh: LHXW 1 (2 harts)
    w(0xc00_0000 + 0x1bc8, 0x28000); // smsiaddrcfg: PPN of the S files (LHXS 0: one page per hart)
    w(0xc00_0000 + 4 * 10, 0x400); // sourcecfg[10] = delegate to child 0
    // The kernel's part: the S domain forwards source 10 (level high) to hart 1 as EIID 23.
    const s = 0xd00_0000;
    w(s + 4 * 10, 6);
    w(s + 0x3000 + 4 * 10, (1 << 18) | 23);
    w(s + 0x1edc, 10); // setienum
    w(s, 0x100); // domaincfg.IE
    const h1 = m.harts[1]!;
    h1.setCsr(0x150, 0x70n); h1.setCsr(0x151, 1n); // eidelivery
    h1.setCsr(0x150, 0xc0n); h1.setCsr(0x151, 1n << 23n); // eie0 bit 23
    // THR empty interrupt: enable it in the 16550's IER; the line goes high.
    m.memory.store(0x1000_0001, 1, 0x02);
    expect(h1.getCsr(0x15c)).toBe(BigInt((23 << 16) | 23)); // stopei
    expect((h1.getCsr(0x344)! >> 9n) & 1n).toBe(1n); // mip.SEIP
    expect((m.harts[0]!.getCsr(0x344)! >> 9n) & 1n).toBe(0n);
    expect(m.aia!.imsic[1]!.s.pending(23)).toBe(true);
  });
});
