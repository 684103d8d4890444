import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FdtBuilder, FdtError, formatDts, parseDtb, ref, treeToBuilder } from './index.js';

function base(): Uint8Array {
  const fdt = new FdtBuilder();
  fdt.addReservation(0x8000_0000, 0x1000);
  fdt.root.u32('#address-cells', 2).strings('compatible', 'a', 'b');
  fdt.root.addNode('intc', { label: 'intc' }).empty('interrupt-controller');
  fdt.root.addNode('dev@10').u32('interrupts-extended', ref('intc'), 3).bytes('mac', Uint8Array.of(1, 2, 3));
  return fdt.build();
}

describe('parseDtb on damaged input', () => {
  it('either parses or throws FdtError, for any corruption of a valid blob', () => {
    const blob = base();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(blob.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), fc.nat(blob.length), (edits, cut) => {
        const b = blob.slice(0, Math.max(cut, 41));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        try {
          const tree = parseDtb(b);
          formatDts(tree);
          treeToBuilder(tree).build();
        } catch (e) {
          if (!FdtError.is(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses absurd nesting instead of recursing without bound', () => {
    const fdt = new FdtBuilder();
    let n = fdt.root;
    for (let i = 0; i < 100; i++) n = n.addNode('n');
    expect(() => parseDtb(fdt.build())).toThrow(/deeper than 64 levels/);
  });
});

describe('parseDtb on damaged strings', () => {
  it('a name byte sequence that decodes past U+10FFFF is read as U+FFFD (found by the property test above)', async () => {
    const { utf8Decode } = await import('./utf8.js');
    expect(utf8Decode(Uint8Array.of(0xf4, 0xa1, 0x80, 0x80))).toBe('\ufffd');
    expect(utf8Decode(Uint8Array.of(0x61))).toBe('a');
  });
});
