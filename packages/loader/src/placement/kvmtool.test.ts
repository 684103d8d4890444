import { describe, expect, it } from 'vitest';
import { ImageDoesNotFitError, ImageOverlapError, kvmtoolInitrdAddress, loadKvmtoolBoot, MiB } from '../index.js';
import { ArrayGuestMemory, buildLinuxImage } from '../test/index.js';

describe('kvmtool placement (riscv/kvm.c rules)', () => {
  it('puts the kernel at RAM + 2 MiB, the DTB 4 MiB-aligned past it, the initrd under min(RAM, 256M)', () => {
    const ram = { base: 0x8000_0000, size: 512 * MiB };
    const memory = new ArrayGuestMemory(ram);
    const kernel = { name: 'Image', bytes: buildLinuxImage({ size: 0x1f0_0000, imageSize: 0x220_0000, efiStub: true }) };
    const initrd = { name: 'initramfs', bytes: new Uint8Array(0x10_0000).fill(7) };
    const boot = loadKvmtoolBoot({ ram, memory, kernel, initrd });
    expect(boot.entry).toBe(0x8020_0000);
    expect(boot.kernel.format).toBe('linux-image');
    // kernel file ends at 0x82100000; + 4 MiB = 0x82500000, aligned up to 4 MiB.
    expect(boot.fdtAddress).toBe(0x8280_0000);
    // lowmem ends at 0x90000000; kvmtool's limit is its last byte 0x8fffffff:
    // 0x8fffffff - (0x100000 + 8) = 0x8feffff7, aligned up to 8.
    expect(boot.initrd).toEqual({ start: 0x8fef_fff8, end: 0x8fff_fff8 });
    expect(memory.read(0x8fef_fff8, 4)).toEqual(Uint8Array.of(7, 7, 7, 7));
    expect(memory.read(0x8020_0038, 4)).toEqual(Uint8Array.of(0x52, 0x53, 0x43, 0x05));
  });

  it('keeps the initrd in the first 256 MiB of a small machine', () => {
    expect(kvmtoolInitrdAddress({ base: 0x8000_0000, size: 64 * MiB }, 1000)).toBe(0x83ff_fc10);
  });

  it('refuses a kernel or initrd that does not fit below lowmem', () => {
    const ram = { base: 0x8000_0000, size: 32 * MiB };
    const memory = new ArrayGuestMemory(ram);
    const kernel = { name: 'Image', bytes: new Uint8Array(31 * MiB) };
    expect(() => loadKvmtoolBoot({ ram, memory, kernel })).toThrow(ImageDoesNotFitError);
    const small = { name: 'Image', bytes: new Uint8Array(4 * MiB) };
    expect(() => loadKvmtoolBoot({ ram, memory, kernel: small, initrd: { name: 'big.cpio', bytes: new Uint8Array(26 * MiB) } })).toThrow(
      ImageOverlapError,
    );
    expect(memory.writes).toEqual([]);
  });
});
