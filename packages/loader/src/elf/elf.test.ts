/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImageDoesNotFitError, ImageFormatError, LoaderError, loadElf, parseElf, TruncatedImageError } from '../index.js';
import { ArrayGuestMemory, buildElf64 } from '../test/index.js';

const ram = { base: 0x8000_0000, size: 0x1000_0000 };
const code = Uint8Array.from({ length: 64 }, (_, i) => i + 1);

describe('loadElf', () => {
  it('loads PT_LOAD segments at p_paddr, zero-fills the bss and translates a virtual entry point', () => {
    const elf = buildElf64({
      entry: 0xffff_ffff_8000_0010n,
      segments: [
        { vaddr: 0xffff_ffff_8000_0000n, paddr: 0x8020_0000, data: code, flags: 5 },
        { vaddr: 0xffff_ffff_8000_1000n, paddr: 0x8020_1000, data: Uint8Array.of(9, 9), memSize: 0x100, flags: 6 },
      ],
    });
    const memory = new ArrayGuestMemory(ram, 0xaa);
    const loaded = loadElf(elf, { ram, memory, name: 'vmlinux' });
    expect(loaded.entry).toBe(0x8020_0010);
    expect(loaded.elfEntry).toBe(0xffff_ffff_8000_0010n);
    expect(loaded.lowAddress).toBe(0x8020_0000);
    expect(loaded.highAddress).toBe(0x8020_1100);
    expect(memory.read(0x8020_0000, 64)).toEqual(code);
    expect(memory.read(0x8020_1000, 2)).toEqual(Uint8Array.of(9, 9));
    expect(memory.read(0x8020_1002, 0xfe).every((b) => b === 0)).toBe(true);
    expect(memory.read(0x8020_1100, 1)[0]).toBe(0xaa);
  });

  it('keeps e_entry when virtual and physical addresses agree', () => {
    const elf = buildElf64({ entry: 0x8000_0004, segments: [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, data: code }] });
    expect(loadElf(elf, { ram, memory: new ArrayGuestMemory(ram) }).entry).toBe(0x8000_0004);
  });

  it('names the file, segment and RAM range when a segment does not fit, and writes nothing', () => {
    const elf = buildElf64({
      entry: 0x8000_0000,
      segments: [
        { vaddr: 0x8000_0000, paddr: 0x8000_0000, data: code },
        { vaddr: 0x9000_0000, paddr: 0x9000_0000, data: new Uint8Array(0x2000) },
      ],
    });
    const memory = new ArrayGuestMemory(ram);
    expect(() => loadElf(elf, { ram, memory, name: 'kernel.elf' })).toThrow(
      new ImageDoesNotFitError('kernel.elf: segment at 0x90000000+0x2000 does not fit in RAM 0x80000000-0x8fffffff'),
    );
    expect(memory.writes).toEqual([]);
  });

  it('rejects files for other machines, classes and byte orders', () => {
    const seg = [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, data: code }];
    expect(() => parseElf(buildElf64({ entry: 0, segments: seg, machine: 62 }), 'x.elf')).toThrow(
      'x.elf: ELF e_machine 62 is not EM_RISCV (243)',
    );
    expect(() => parseElf(buildElf64({ entry: 0, segments: seg, elfClass: 1 }), 'x.elf')).toThrow(ImageFormatError);
    expect(() => parseElf(buildElf64({ entry: 0, segments: seg, data: 2 }), 'x.elf')).toThrow(/not little-endian/);
    expect(() => parseElf(Uint8Array.of(1, 2, 3, 4, 5), 'x.elf')).toThrow(/not an ELF file/);
  });

  it('rejects truncated files', () => {
    const elf = buildElf64({ entry: 0, segments: [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, data: code }] });
    expect(() => parseElf(elf.subarray(0, 40), 'short.elf')).toThrow(TruncatedImageError);
    expect(() => parseElf(elf.subarray(0, 100), 'short.elf')).toThrow(/program headers .* run past the end/);
    expect(() => parseElf(elf.subarray(0, elf.length - 1), 'short.elf')).toThrow(
      'short.elf: segment 0 data at 0x78+0x40 runs past the end of the file (0xb7)',
    );
    expect(LoaderError.is(new TruncatedImageError('x'))).toBe(true);
  });

  it("reads OpenSBI's fw_dynamic.elf as binutils does", () => {
    const file = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf';
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch {
      throw new Error(`${file} is missing: run tooling/scripts/setup.sh (apt package opensbi)`);
    }
    const readelf = execFileSync('riscv64-unknown-elf-readelf', ['-lW', file], { encoding: 'utf8' });
    const loads = readelf
      .split('\n')
      .filter((l) => l.trim().startsWith('LOAD'))
      .map((l) => l.trim().split(/\s+/))
      .map((f) => ({ paddr: BigInt(f[3]), fileSize: Number(f[4]), memSize: Number(f[5]) }))
      .filter((s) => s.memSize > 0);
    const elf = parseElf(bytes, 'fw_dynamic.elf');
    expect(elf.segments.map((s) => ({ paddr: s.paddr, fileSize: s.fileSize, memSize: s.memSize }))).toEqual(loads);
    const loaded = loadElf(bytes, { ram, memory: new ArrayGuestMemory(ram) });
    expect(loaded.entry).toBe(0x8000_0000);
  });
});
