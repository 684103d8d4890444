import fc from 'fast-check';
import { describe, it } from 'vitest';
import { loadImage, LoaderError } from '../index.js';
import { ArrayGuestMemory, buildElf64, buildLinuxImage } from '../test/index.js';

const ram = { base: 0x8000_0000, size: 0x100_0000 };

describe('loaders on damaged input', () => {
  it('load or throw LoaderError for any corruption of a valid ELF or Image', () => {
    const seeds = [
      buildElf64({
        entry: 0x8000_0010,
        segments: [
          { vaddr: 0x8000_0000, paddr: 0x8000_0000, data: new Uint8Array(64).fill(1) },
          { vaddr: 0x8000_1000, paddr: 0x8000_1000, data: new Uint8Array(8), memSize: 0x100 },
        ],
      }),
      buildLinuxImage({ size: 256, imageSize: 0x1000 }),
    ];
    fc.assert(
      fc.property(
        fc.nat(seeds.length - 1),
        fc.array(fc.tuple(fc.nat(255), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(256),
        (which, edits, cut) => {
          const b = seeds[which].slice(0, Math.max(cut, 1));
          for (const [i, v] of edits) if (i < b.length) b[i] = v;
          try {
            loadImage(b, { ram, memory: new ArrayGuestMemory(ram), address: 0x8020_0000, name: 'fuzz' });
          } catch (e) {
            if (!LoaderError.is(e)) throw e;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
