import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Translator } from './index.js';
import { PageTableBuilder, SparseRam, referenceTranslate, type RefConfig } from './test/index.js';

/**
 * Cross-check against the literal reference model on random, mostly well-formed page
 * tables (with random corruption): the TLB-backed translator must give the same answer
 * (PA or cause, GPA, tinst) and leave the same A/D bits in memory, access after access.
 */
const S_ROOT = 0x8000_0000;
const G_ROOT = 0x8100_0000; // 16 KiB aligned
const VS_ROOT = 0x8200_0000; // VS tables at GPA == PA when the G-stage maps them so
const VAS = [0x0n, 0x1000n, 0x2000n, 0x1f_f000n, 0x20_0000n, 0x4000_0000n, 0x4000_5000n, 0x7f_ffff_f000n, 0xffff_ffc0_0000_1000n, 0x10_0000n, 0x10_f000n];
const TARGETS = [0x9000_0000, 0x9020_0000, 0x8200_0000, 0x9000_8000, 0xc000_0000, 0x4000_0000, 0x1000, 0x20_0000];

const mapArb = fc.record({
  va: fc.constantFrom(...VAS),
  level: fc.constantFrom(0, 0, 0, 0, 1, 2),
  target: fc.constantFrom(...TARGETS),
  flags: fc.oneof(
    fc.constantFrom(0xcf, 0xdf, 0xef, 0xff, 0xdb, 0xd9, 0xcb, 0x4f, 0x8f, 0x5f, 0xc3, 0xd3),
    fc.integer({ min: 0, max: 255 }).map((f) => f | 1),
  ),
  hi: fc.constantFrom(0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 1n << 9n, 1n << 7n, 3n << 7n, 1n),
});
/** One random mapping per VA of VAS (in random order, so later ones may overwrite tables of earlier ones). */
const everyVa = fc.tuple(...VAS.map((va) => mapArb.map((m) => ({ ...m, va })))).chain((ms) => fc.shuffledSubarray(ms, { minLength: ms.length }));
const corruptArb = fc.record({
  table: fc.constantFrom(S_ROOT, G_ROOT, VS_ROOT, S_ROOT + 0x1000, G_ROOT + 0x4000, VS_ROOT + 0x1000),
  slot: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 4095 })),
  value: fc.oneof(
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    fc.record({ t: fc.constantFrom(...TARGETS), f: fc.constantFrom(0xcf, 0xdf, 0xd1, 0x01, 0x5f) }).map(({ t, f }) => (BigInt(t / 4096) << 10n) | BigInt(f)),
  ),
});

const cfgArb = fc.record({
  satpMode: fc.constantFrom(8, 9, 10),
  vsatpMode: fc.constantFrom(0, 8, 9, 10),
  hgatpMode: fc.constantFrom(0, 8, 9, 10),
  menvcfg: fc.constantFrom(0n, 1n << 61n, 1n << 62n, 3n << 61n),
  henvcfg: fc.constantFrom(0n, 1n << 61n, 1n << 62n, 3n << 61n),
  svnapot: fc.boolean(),
  denyWrites: fc.boolean(),
});
const stepArb = fc.record({
  va: fc.oneof(fc.constantFrom(...VAS), fc.constantFrom(...VAS).map((v) => v + 0x123n)),
  access: fc.constantFrom(0 as const, 1 as const, 2 as const),
  priv: fc.constantFrom(0 as const, 1 as const),
  virt: fc.boolean(),
  hlvx: fc.boolean(),
  mstatus: fc.constantFrom(0n, 1n << 18n, 1n << 19n, 3n << 18n),
  vsstatus: fc.constantFrom(0n, 1n << 18n, 1n << 19n, 3n << 18n),
  /** Sometimes rewrite a PTE, then fence everything (SFENCE.VMA, HFENCE.VVMA, HFENCE.GVMA). */
  rewrite: fc.option(corruptArb, { freq: 5 }),
});

function build(ram: SparseRam, c: { satpMode: number; vsatpMode: number; hgatpMode: number }, s: Map[], vs: Map[], g: Map[], corrupt: Corrupt[]): void {
  const sb = new PageTableBuilder(ram, 'single', c.satpMode, S_ROOT);
  for (const m of s) sb.setRaw(m.va, Math.min(m.level, sb.mode.levels - 1), (BigInt(m.target / 4096) << 10n) | BigInt(m.flags) | (m.hi << 54n));
  if (c.vsatpMode !== 0) {
    const vb = new PageTableBuilder(ram, 'single', c.vsatpMode, VS_ROOT);
    for (const m of vs) vb.setRaw(m.va, Math.min(m.level, vb.mode.levels - 1), (BigInt(m.target / 4096) << 10n) | BigInt(m.flags) | (m.hi << 54n));
  }
  if (c.hgatpMode !== 0) {
    const gb = new PageTableBuilder(ram, 'g', c.hgatpMode, G_ROOT);
    // The VS tables region, mostly mapped as it should be.
    for (let p = 0; p < 16; p++) gb.map(BigInt(VS_ROOT + p * 4096), VS_ROOT + p * 4096, 0xdf & ~0x20);
    for (const m of g) gb.setRaw(m.va + 0x8200_0000n * (m.va < 0x10_0000n ? 1n : 0n), Math.min(m.level, gb.mode.levels - 1), (BigInt(m.target / 4096) << 10n) | BigInt(m.flags) | (m.hi << 54n));
    for (const t of TARGETS) gb.map(BigInt(t), 0x9000_0000 + (t % 0x10_0000), 0xdf);
  }
  for (const k of corrupt) ram.write64(k.table + k.slot * 8, k.value);
}
type Map = { va: bigint; level: number; target: number; flags: number; hi: bigint };
type Corrupt = { table: number; slot: number; value: bigint };

describe('Translator against the reference model (property)', () => {
  it('same results and same memory effects, with the TLBs in use', () => {
    fc.assert(
      fc.property(
        cfgArb,
        everyVa,
        everyVa,
        fc.array(mapArb, { maxLength: 12 }),
        fc.array(corruptArb, { maxLength: 3 }),
        fc.array(stepArb, { minLength: 1, maxLength: 40 }),
        (c, s, vs, g, corrupt, steps) => {
          const ramA = new SparseRam();
          const ramB = new SparseRam();
          build(ramA, c, s, vs, g, corrupt);
          build(ramB, c, s, vs, g, corrupt);
          const checkPhys = (pa: number, _size: number, access: 0 | 1 | 2) => !(c.denyWrites && access === 2) && pa < 0xa000_0000;
          const tr = new Translator({ memory: ramA, svnapot: c.svnapot, tlbSize: 64, checkPhys });
          const cfg: RefConfig = {
            satp: (BigInt(c.satpMode) << 60n) | (5n << 44n) | BigInt(S_ROOT / 4096),
            vsatp: (BigInt(c.vsatpMode) << 60n) | (6n << 44n) | BigInt(VS_ROOT / 4096),
            hgatp: (BigInt(c.hgatpMode) << 60n) | (7n << 44n) | BigInt(G_ROOT / 4096),
            mstatus: 0n, vsstatus: 0n, menvcfg: c.menvcfg, henvcfg: c.henvcfg, svnapot: c.svnapot, svpbmt: true, checkPhys,
          };
          tr.configure(cfg);
          for (const st of steps) {
            if (st.rewrite) {
              for (const ram of [ramA, ramB]) ram.write64(st.rewrite.table + st.rewrite.slot * 8, st.rewrite.value);
              tr.sfenceVma();
              tr.hfenceVvma();
              tr.hfenceGvma();
            }
            cfg.mstatus = st.mstatus;
            cfg.vsstatus = st.vsstatus;
            tr.configure({ mstatus: st.mstatus, vsstatus: st.vsstatus });
            const hlvx = st.hlvx && st.virt && st.access === 1;
            const got = tr.translateVa(st.va, { access: st.access, priv: st.priv, virt: st.virt, hlvx });
            const want = referenceTranslate(ramB, cfg, st.va, st.access, st.priv, st.virt, hlvx);
            const ctx = { step: st, want };
            if (want.ok) {
              expect(got, JSON.stringify(ctx, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))).toEqual({ ok: true, pa: Number(want.pa) });
            } else {
              expect(got.ok, JSON.stringify(ctx, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))).toBe(false);
              if (!got.ok) {
                expect(got.fault.cause).toBe(want.cause);
                expect(got.fault.gpa).toBe(want.gpa);
                expect(got.fault.tinst).toBe(want.tinst);
              }
            }
          }
          expect(ramA.dump()).toEqual(ramB.dump());
        },
      ),
      { numRuns: 300 },
    );
  });
});
