import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDtb, type FdtTreeNode } from '@tsvisor/fdt';
import { describe, expect, it } from 'vitest';
import { createVirtMachine } from './machine.js';

/** QEMU 7.2's own virt DTB for the same configuration (qemu-system-misc is the oracle here). */
function qemuDtb(smp: number, memMiB: number): FdtTreeNode {
  const dir = mkdtempSync(join(tmpdir(), 'tsvisor-dtb-'));
  const out = join(dir, 'q.dtb');
  const r = spawnSync('qemu-system-riscv64', ['-machine', `virt,dumpdtb=${out}`, '-smp', String(smp), '-m', `${memMiB}M`, '-nographic'], { encoding: 'utf8' });
  if (r.error) throw new Error('qemu-system-riscv64 is not installed: run tooling/scripts/setup.sh');
  return parseDtb(new Uint8Array(readFileSync(out))).root;
}

/** Resolves phandle cells to node paths so trees with different phandle numbering compare. */
function phandlePaths(root: FdtTreeNode): Map<number, string> {
  const m = new Map<number, string>();
  for (const n of root.walk()) {
    const p = n.u32('phandle');
    if (p !== undefined) m.set(p, n.path);
  }
  return m;
}

function pairs(node: FdtTreeNode, prop: string, ph: Map<number, string>): string[] {
  const cells = node.u32s(prop) ?? [];
  const out: string[] = [];
  for (let i = 0; i < cells.length; i += 2) out.push(`${ph.get(cells[i]!)}:${cells[i + 1]}`);
  return out;
}

describe('generated device tree', () => {
  const ours = parseDtb(createVirtMachine({ bios: 'none', harts: 2, memory: 256 * 2 ** 20, bootargs: 'console=ttyS0' }).dtb).root;
  const qemu = qemuDtb(2, 256);
  const phOurs = phandlePaths(ours);
  const phQemu = phandlePaths(qemu);

  it('has the nodes of QEMU virt that Linux and OpenSBI use, with the same properties', () => {
    const paths = [
      '/', '/chosen', '/poweroff', '/reboot', '/memory@80000000', '/cpus', '/cpus/cpu@0', '/cpus/cpu@1',
      '/cpus/cpu@0/interrupt-controller', '/soc', '/soc/rtc@101000', '/soc/serial@10000000', '/soc/test@100000',
      '/soc/plic@c000000', '/soc/clint@2000000',
    ];
    const props = [
      '#address-cells', '#size-cells', 'compatible', 'model', 'reg', 'device_type', 'timebase-frequency', 'status',
      'interrupts', 'riscv,ndev', '#interrupt-cells', 'interrupt-controller', 'ranges', 'value', 'offset', 'stdout-path', 'bootargs',
    ];
    for (const path of paths) {
      const a = ours.find(path);
      const b = qemu.find(path);
      expect(a, path).toBeDefined();
      expect(b, path).toBeDefined();
      for (const p of props) {
        if (!b!.has(p)) continue;
        expect(a!.prop(p), `${path} ${p}`).toEqual(b!.prop(p));
      }
    }
  });

  it('wires interrupts to the same controllers as QEMU', () => {
    for (const path of ['/soc/plic@c000000', '/soc/clint@2000000']) {
      expect(pairs(ours.find(path)!, 'interrupts-extended', phOurs)).toEqual(pairs(qemu.find(path)!, 'interrupts-extended', phQemu));
    }
    for (const path of ['/soc/serial@10000000', '/soc/rtc@101000']) {
      expect(phOurs.get(ours.find(path)!.u32('interrupt-parent')!)).toBe('/soc/plic@c000000');
    }
    expect(phOurs.get(ours.find('/poweroff')!.u32('regmap')!)).toBe('/soc/test@100000');
    expect(ours.find('/soc/serial@10000000')!.u32('clock-frequency')).toBe(3686400);
  });

  it('describes the harts as configured', () => {
    const cpu = ours.find('/cpus/cpu@1')!;
    expect(cpu.string('riscv,isa')).toBe('rv64imafdc_zicntr_zicsr_zifencei_zihintpause_zihpm_zmmul_zca_zcd_zba_zbb_zbc_zbs_sstc');
    expect(cpu.strings('riscv,isa-extensions')).toContain('sstc');
    expect(cpu.string('mmu-type')).toMatch(/^riscv,sv(39|48|57)$/);
    const narrow = parseDtb(createVirtMachine({ bios: 'none', isa: 'rv64imac_zicsr_zifencei' }).dtb).root;
    expect(narrow.find('/cpus/cpu@0')!.string('riscv,isa')).toMatch(/^rv64imac_/);
    expect(narrow.find('/cpus/cpu@0')!.strings('riscv,isa-extensions')).not.toContain('f');
  });
});
