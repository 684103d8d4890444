import { describe, expect, it } from 'vitest';
import { detectLoader, ImageDoesNotFitError, ImageFormatError, isLinuxImage, loadImage, loadLinuxImage, parseLinuxImageHeader, TruncatedImageError } from '../index.js';
import { ArrayGuestMemory, buildElf64, buildLinuxImage } from '../test/index.js';

const ram = { base: 0x8000_0000, size: 64 * 0x10_0000 };

describe('RISC-V Linux Image', () => {
  it('reads the 64-byte header, EFI stub included', () => {
    const h = parseLinuxImageHeader(buildLinuxImage({ size: 4096, imageSize: 0x20_0000, efiStub: true }));
    expect(h.efiStub).toBe(true);
    expect(h.textOffset).toBe(0x20_0000n);
    expect(h.imageSize).toBe(0x20_0000n);
    expect(h.version).toBe(2);
  });

  it('loads at the given 2 MiB-aligned address and reserves image_size for the bss', () => {
    const bytes = buildLinuxImage({ size: 4096, imageSize: 0x30_0000 });
    const memory = new ArrayGuestMemory(ram);
    const loaded = loadLinuxImage(bytes, { ram, memory, address: 0x8020_0000, name: 'Image' });
    expect(loaded.entry).toBe(0x8020_0000);
    expect(loaded.highAddress).toBe(0x8050_0000);
    expect(memory.read(0x8020_0000, 4096)).toEqual(bytes);
    expect(() => loadLinuxImage(bytes, { ram, memory, address: 0x8010_0000, name: 'Image' })).toThrow(
      'Image: a RISC-V Image must be loaded at a 2 MiB-aligned address (got 0x80100000)',
    );
    expect(() => loadLinuxImage(buildLinuxImage({ size: 64, imageSize: 0x400_0000 }), { ram, memory, address: 0x8020_0000, name: 'Image' })).toThrow(
      new ImageDoesNotFitError('Image: Image at 0x80200000+0x4000000 does not fit in RAM 0x80000000-0x83ffffff'),
    );
  });

  it('rejects short files and files without the magic', () => {
    expect(() => parseLinuxImageHeader(new Uint8Array(10), 'Image')).toThrow(TruncatedImageError);
    expect(() => parseLinuxImageHeader(new Uint8Array(64), 'Image')).toThrow(ImageFormatError);
    expect(isLinuxImage(new Uint8Array(64))).toBe(false);
  });

  it('is one format among ELF and raw behind one interface', () => {
    const elf = buildElf64({ entry: 0x8000_0000, segments: [{ vaddr: 0x8000_0000, paddr: 0x8000_0000, data: Uint8Array.of(1) }] });
    expect(detectLoader(elf).format).toBe('elf');
    expect(detectLoader(buildLinuxImage({ size: 64 })).format).toBe('linux-image');
    expect(detectLoader(Uint8Array.of(0x13, 0, 0, 0)).format).toBe('raw');
    const memory = new ArrayGuestMemory(ram);
    const raw = loadImage(Uint8Array.of(0x13, 0, 0, 0), { ram, memory, address: 0x8000_1000, name: 'nop.bin' });
    expect(raw).toMatchObject({ format: 'raw', entry: 0x8000_1000, lowAddress: 0x8000_1000, highAddress: 0x8000_1004 });
    expect(() => loadImage(new Uint8Array(8), { ram, memory, address: 0x83ff_fffc, name: 'x.bin' })).toThrow(
      'x.bin: image at 0x83fffffc+0x8 does not fit in RAM 0x80000000-0x83ffffff',
    );
  });
});
