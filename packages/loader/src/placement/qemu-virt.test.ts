/// <reference types="node" />
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageDoesNotFitError, ImageOverlapError, loadQemuVirtBoot, MiB, qemuFdtAddress, qemuInitrdAddress, qemuKernelStartAddress } from '../index.js';
import { ArrayGuestMemory, buildElf64, buildLinuxImage } from '../test/index.js';

const FW_DIR = '/usr/lib/riscv64-linux-gnu/opensbi/generic';
const dir = mkdtempSync(join(tmpdir(), 'tsvisor-loader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface QemuRoms {
  roms: { addr: number; size: number; name: string }[];
  /** fw_dynamic_info.next_addr as QEMU wrote it into the MROM. */
  nextAddr: number;
}

/** Asks QEMU 7.2 (the oracle) where it put each image: `info roms` and the fw_dynamic info block. */
function qemuRoms(args: string[]): QemuRoms {
  const r = spawnSync(
    'qemu-system-riscv64',
    ['-machine', 'virt', '-S', '-nographic', '-serial', 'none', '-monitor', 'stdio', ...args],
    { input: 'info roms\nxp /3gx 0x1028\nquit\n', encoding: 'utf8', timeout: 30_000 },
  );
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('qemu-system-riscv64 is not installed: run tooling/scripts/setup.sh');
  }
  const roms = [...r.stdout.matchAll(/addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=\w+ name="([^"]+)"/g)].map((m) => ({
    addr: parseInt(m[1], 16),
    size: parseInt(m[2], 16),
    name: m[3],
  }));
  const info = /0000000000001038: 0x([0-9a-f]+)/.exec(r.stdout);
  if (!roms.length || !info) throw new Error(`unexpected QEMU monitor output:\n${r.stdout}\n${r.stderr}`);
  return { roms, nextAddr: parseInt(info[1], 16) };
}

function file(name: string, bytes: Uint8Array): { name: string; bytes: Uint8Array; path: string } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { name, bytes, path };
}

const rom = (q: QemuRoms, name: string) => q.roms.find((r) => r.name.includes(name))!;
const noise = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + 7) & 0xff);

describe('QEMU virt placement (checked against qemu-system-riscv64 7.2)', () => {
  const fwBin = { name: 'fw_dynamic.bin', bytes: new Uint8Array(readFileSync(`${FW_DIR}/fw_dynamic.bin`)), path: `${FW_DIR}/fw_dynamic.bin` };
  const fwElf = { name: 'fw_dynamic.elf', bytes: new Uint8Array(readFileSync(`${FW_DIR}/fw_dynamic.elf`)), path: `${FW_DIR}/fw_dynamic.elf` };
  const image = file('Image', buildLinuxImage({ size: 3 * MiB + 12345, efiStub: true }));
  const initrd = file('initrd.cpio', noise(1_000_000));

  const cases = [
    { mem: 512, firmware: fwBin, kernel: image },
    { mem: 128, firmware: fwElf, kernel: image },
    { mem: 64, firmware: fwBin, kernel: image },
    { mem: 256, firmware: null, kernel: image },
  ];
  for (const c of cases) {
    it(`-m ${c.mem}M -bios ${c.firmware?.name ?? 'none'} -kernel ${c.kernel.name} -initrd`, () => {
      const ram = { base: 0x8000_0000, size: c.mem * MiB };
      const q = qemuRoms(['-m', `${c.mem}M`, '-bios', c.firmware?.path ?? 'none', '-kernel', c.kernel.path, '-initrd', initrd.path]);
      const boot = loadQemuVirtBoot({ ram, memory: new ArrayGuestMemory(ram), firmware: c.firmware, kernel: c.kernel, initrd });
      expect(boot.kernel!.lowAddress).toBe(rom(q, 'Image').addr);
      expect(boot.kernelEntry).toBe(q.nextAddr);
      expect(boot.initrd).toEqual({ start: rom(q, 'initrd').addr, end: rom(q, 'initrd').addr + initrd.bytes.length });
      expect(boot.fdtAddress).toBe(rom(q, 'fdt').addr);
      expect(boot.startAddress).toBe(0x8000_0000);
      if (c.firmware) expect(boot.firmware!.highAddress).toBe(Math.max(...q.roms.filter((r) => r.name.includes('fw_dynamic')).map((r) => r.addr + r.size)));
    });
  }

  it('-kernel ELF: segments at p_paddr, next stage at the lowest load address (not e_entry)', () => {
    const elf = file(
      'kernel.elf',
      buildElf64({
        entry: 0xffff_ffff_8000_1004n,
        segments: [{ vaddr: 0xffff_ffff_8000_1000n, paddr: 0x8040_1000, data: noise(0x400), memSize: 0x1000, flags: 7 }],
      }),
    );
    const ram = { base: 0x8000_0000, size: 128 * MiB };
    const q = qemuRoms(['-m', '128M', '-bios', fwBin.path, '-kernel', elf.path, '-initrd', initrd.path]);
    const memory = new ArrayGuestMemory(ram);
    const boot = loadQemuVirtBoot({ ram, memory, firmware: fwBin, kernel: elf, initrd });
    expect(boot.kernel!.format).toBe('elf');
    expect(boot.kernel!.lowAddress).toBe(rom(q, 'kernel.elf').addr);
    expect(boot.kernel!.highAddress).toBe(rom(q, 'kernel.elf').addr + rom(q, 'kernel.elf').size);
    expect(boot.kernel!.entry).toBe(0x8040_1004);
    expect(boot.kernelEntry).toBe(q.nextAddr);
    expect(boot.initrd!.start).toBe(rom(q, 'initrd').addr);
    expect(memory.read(0x8040_1000, 0x400)).toEqual(elf.bytes.subarray(elf.bytes.length - 0x400));
  });

  it('computes the rules for other layouts', () => {
    expect(qemuKernelStartAddress(0x8000_0000)).toBe(0x8000_0000);
    expect(qemuKernelStartAddress(0x8000_0001)).toBe(0x8020_0000);
    expect(qemuKernelStartAddress(0x8000_0001, 32)).toBe(0x8040_0000);
    expect(qemuInitrdAddress(0x8020_0000, 4096 * MiB)).toBe(0x8820_0000);
    // RAM reaching past 3 GiB: the DTB stays below 3 GiB.
    expect(qemuFdtAddress({ base: 0x8000_0000, size: 4096 * MiB })).toBe(0xbfe0_0000);
    expect(qemuFdtAddress({ base: 0x1_0000_0000, size: 64 * MiB })).toBe(0x1_03e0_0000);
  });

  it('refuses images that overlap or do not fit, writing nothing', () => {
    const ram = { base: 0x8000_0000, size: 16 * MiB };
    const memory = new ArrayGuestMemory(ram);
    const big = { name: 'big.img', bytes: new Uint8Array(15 * MiB) };
    expect(() => loadQemuVirtBoot({ ram, memory, firmware: fwBin, kernel: big })).toThrow(ImageDoesNotFitError);
    expect(() => loadQemuVirtBoot({ ram, memory, firmware: null, kernel: { name: 'k', bytes: new Uint8Array(15 * MiB) } })).toThrow(
      new ImageOverlapError('device tree at 0x80e00000-0x80efffff overlaps k at 0x80000000-0x80efffff'),
    );
    expect(memory.writes).toEqual([]);
  });
});
