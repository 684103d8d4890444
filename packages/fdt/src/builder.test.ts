/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FdtBuilder, FdtError, formatDts, parseDtb, ref, treeToBuilder, u64Cells } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'tsvisor-fdt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Decompiles a blob with the reference compiler, dtc. */
function dtcDecompile(blob: Uint8Array, name: string): string {
  const file = join(dir, `${name}.dtb`);
  writeFileSync(file, blob);
  try {
    return execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('dtc (device-tree-compiler) is not installed: run tooling/scripts/setup.sh or apt-get install device-tree-compiler');
    }
    throw e;
  }
}

function sampleTree(): FdtBuilder {
  const fdt = new FdtBuilder({ bootCpuidPhys: 1 });
  fdt.addReservation(0x8000_0000, 0x20_0000);
  const root = fdt.root;
  root.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'riscv-virtio').string('model', 'tsvisor test');
  root.addNode('chosen').string('bootargs', 'console=ttyS0 tsvisor.test=1').u64('linux,initrd-start', 0x8800_0000n);
  const cpus = root.addNode('cpus').u32('#address-cells', 1).u32('#size-cells', 0).u32('timebase-frequency', 10_000_000);
  for (const id of [0, 1]) {
    const cpu = cpus.addNode(`cpu@${id}`).string('device_type', 'cpu').u32('reg', id).string('riscv,isa', 'rv64imafdc');
    cpu.strings('riscv,isa-extensions', 'i', 'm', 'a');
    cpu.addNode('interrupt-controller', { label: `intc${id}` }).u32('#interrupt-cells', 1).empty('interrupt-controller');
  }
  root.addNode('memory@80000000').string('device_type', 'memory').u64('reg', 0x8000_0000, 0x1000_0000);
  const soc = root.addNode('soc').u32('#address-cells', 2).u32('#size-cells', 2).strings('compatible', 'simple-bus').empty('ranges');
  soc
    .addNode('plic@c000000', { label: 'plic' })
    .strings('compatible', 'sifive,plic-1.0.0', 'riscv,plic0')
    .u32('reg', ...u64Cells(0xc00_0000), ...u64Cells(0x60_0000))
    .u32('interrupts-extended', ref('intc0'), 11, ref('intc0'), 9, ref('intc1'), 11, ref('intc1'), 9);
  soc
    .addNode('serial@10000000')
    .u32('interrupt-parent', ref('plic'))
    .u32('interrupts', 10)
    .bytes('local-mac-address', Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56));
  return fdt;
}

const EXPECTED_DTS = `/dts-v1/;

/memreserve/	0x0000000080000000 0x0000000000200000;
/ {
	#address-cells = <0x02>;
	#size-cells = <0x02>;
	compatible = "riscv-virtio";
	model = "tsvisor test";

	chosen {
		bootargs = "console=ttyS0 tsvisor.test=1";
		linux,initrd-start = <0x00 0x88000000>;
	};

	cpus {
		#address-cells = <0x01>;
		#size-cells = <0x00>;
		timebase-frequency = <0x989680>;

		cpu@0 {
			device_type = "cpu";
			reg = <0x00>;
			riscv,isa = "rv64imafdc";
			riscv,isa-extensions = "i\\0m\\0a";

			interrupt-controller {
				#interrupt-cells = <0x01>;
				interrupt-controller;
				phandle = <0x01>;
			};
		};

		cpu@1 {
			device_type = "cpu";
			reg = <0x01>;
			riscv,isa = "rv64imafdc";
			riscv,isa-extensions = "i\\0m\\0a";

			interrupt-controller {
				#interrupt-cells = <0x01>;
				interrupt-controller;
				phandle = <0x02>;
			};
		};
	};

	memory@80000000 {
		device_type = "memory";
		reg = <0x00 0x80000000 0x00 0x10000000>;
	};

	soc {
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		compatible = "simple-bus";
		ranges;

		plic@c000000 {
			compatible = "sifive,plic-1.0.0\\0riscv,plic0";
			reg = <0x00 0xc000000 0x00 0x600000>;
			interrupts-extended = <0x01 0x0b 0x01 0x09 0x02 0x0b 0x02 0x09>;
			phandle = <0x03>;
		};

		serial@10000000 {
			interrupt-parent = <0x03>;
			interrupts = <0x0a>;
			local-mac-address = [52 54 00 12 34 56];
		};
	};
};
`;

describe('FdtBuilder', () => {
  it('writes a blob that dtc decompiles to the expected source', () => {
    expect(dtcDecompile(sampleTree().build(), 'sample')).toBe(EXPECTED_DTS);
  });

  it('writes a version 17 header (last_comp_version 16, boot_cpuid_phys) and a deduplicated strings block', () => {
    const blob = sampleTree().build();
    const dv = new DataView(blob.buffer);
    expect(dv.getUint32(0)).toBe(0xd00dfeed);
    expect(dv.getUint32(4)).toBe(blob.length);
    expect(dv.getUint32(20)).toBe(17);
    expect(dv.getUint32(24)).toBe(16);
    expect(dv.getUint32(28)).toBe(1);
    const names = new Set<string>();
    for (const n of parseDtb(blob).root.walk()) for (const p of n.properties) names.add(p.name);
    const expectedSize = [...names].reduce((s, n) => s + n.length + 1, 0);
    expect(dv.getUint32(32)).toBe(expectedSize);
  });

  it('round-trips through the reader byte for byte', () => {
    const blob = sampleTree().build();
    const tree = parseDtb(blob);
    expect(tree.version).toBe(17);
    expect(tree.bootCpuidPhys).toBe(1);
    expect(tree.reservations).toEqual([{ address: 0x8000_0000n, size: 0x20_0000n }]);
    expect(tree.root.find('/soc/plic@c000000')?.strings('compatible')).toEqual(['sifive,plic-1.0.0', 'riscv,plic0']);
    expect(tree.root.find('/memory@80000000')?.u64s('reg')).toEqual([0x8000_0000n, 0x1000_0000n]);
    expect(tree.root.find('/cpus/cpu@1/interrupt-controller')?.u32('phandle')).toBe(2);
    expect(treeToBuilder(tree).build()).toEqual(blob);
  });

  it('formats a tree the way dtc does', () => {
    expect(formatDts(parseDtb(sampleTree().build()))).toBe(EXPECTED_DTS);
  });

  it('keeps fixed phandles and allocates the others around them', () => {
    const fdt = new FdtBuilder();
    fdt.root.addNode('a', { label: 'a' });
    fdt.root.addNode('b', { label: 'b', phandle: 1 });
    fdt.root.addNode('user').u32('x', ref('a'), ref('b'));
    const tree = parseDtb(fdt.build());
    expect(tree.root.find('a')?.u32('phandle')).toBe(2);
    expect(tree.root.find('b')?.u32('phandle')).toBe(1);
    expect(tree.root.find('user')?.u32s('x')).toEqual([2, 1]);
  });

  it('pads the blob when asked, covering the padding in totalsize', () => {
    const blob = sampleTree().build({ padTo: 0x10000 });
    expect(blob.length).toBe(0x10000);
    expect(parseDtb(blob).totalSize).toBe(0x10000);
  });

  it('rejects bad input with one-line errors', () => {
    const fdt = new FdtBuilder();
    fdt.root.addNode('x');
    expect(() => fdt.root.addNode('x')).toThrow(/duplicate node "x"/);
    expect(() => fdt.root.addNode('bad name')).toThrow(FdtError);
    fdt.root.u32('p', ref('nowhere'));
    expect(() => fdt.build()).toThrow(/references unknown label "nowhere"/);
    expect(() => new FdtBuilder().root.u32('p', 2 ** 32)).not.toThrow();
    const f2 = new FdtBuilder();
    f2.root.u32('p', 2 ** 32);
    expect(() => f2.build()).toThrow(/not a 32-bit cell value/);
  });
});

describe('parseDtb', () => {
  it('rejects a blob with a bad magic or a truncated structure block', () => {
    const blob = sampleTree().build();
    const bad = blob.slice();
    bad[0] = 0;
    expect(() => parseDtb(bad)).toThrow(/not a DTB: magic/);
    expect(() => parseDtb(blob.subarray(0, 100))).toThrow(FdtError);
    expect(() => parseDtb(blob.subarray(0, 10))).toThrow(/shorter than its header/);
  });

  it("reads QEMU's own virt DTB", () => {
    const file = join(dir, 'qemu-virt.dtb');
    try {
      execFileSync('qemu-system-riscv64', ['-machine', 'virt', '-machine', `dumpdtb=${file}`, '-smp', '2', '-m', '256M', '-nographic'], {
        stdio: 'ignore',
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('qemu-system-riscv64 is not installed: run tooling/scripts/setup.sh');
      throw e;
    }
    const blob = new Uint8Array(readFileSync(file));
    const tree = parseDtb(blob);
    expect(tree.version).toBe(17);
    expect(tree.root.string('compatible')).toBe('riscv-virtio');
    expect(tree.root.find('/memory@80000000')?.u64s('reg')).toEqual([0x8000_0000n, 0x1000_0000n]);
    expect(tree.root.find('/chosen')?.string('stdout-path')).toBe('/soc/serial@10000000');
    const cpus = tree.root.find('/cpus')!.children.filter((c) => c.name.startsWith('cpu@'));
    expect(cpus.map((c) => c.u32('reg'))).toEqual([0, 1]);
    // The PLIC's interrupts-extended names each hart's interrupt controller by phandle.
    const plic = [...tree.root.walk()].find((n) => n.name.startsWith('plic@'))!;
    const intcPhandles = cpus.map((c) => c.child('interrupt-controller')!.u32('phandle'));
    const ext = plic.u32s('interrupts-extended')!;
    expect(ext.filter((_, i) => i % 2 === 0)).toEqual([intcPhandles[0], intcPhandles[0], intcPhandles[1], intcPhandles[1]]);
    // Our DTS rendering and a re-serialised copy both agree with dtc.
    const reference = dtcDecompile(blob, 'qemu-virt-copy');
    expect(formatDts(tree)).toBe(reference);
    expect(dtcDecompile(treeToBuilder(tree).build(), 'qemu-virt-rebuilt')).toBe(reference);
  });
});

describe('phandles already present as properties', () => {
  it('resolve references to a node whose phandle came from a parsed blob', () => {
    const src = new FdtBuilder();
    src.root.addNode('intc', { label: 'i', phandle: 7 }).empty('interrupt-controller');
    src.root.addNode('dev').u32('interrupt-parent', ref('i'));
    const copy = treeToBuilder(parseDtb(src.build()));
    copy.node('/intc')!.setLabel('intc');
    copy.root.addNode('uart').u32('interrupt-parent', ref('intc'));
    const tree = parseDtb(copy.build());
    expect(tree.root.find('uart')?.u32('interrupt-parent')).toBe(7);
    expect(tree.root.find('intc')?.u32s('phandle')).toEqual([7]);
  });
});
