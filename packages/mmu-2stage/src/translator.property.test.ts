import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Translator, makeOp, TRANSLATE_FAULT } from './index.js';
import { SparseRam } from './test/index.js';

/**
 * Random page-table contents never throw or hang: every translation ends in a physical
 * address or the architectural fault of its access type.
 */
const BASE = 0x8000_0000;
const PAGES = 8; // table pages the random PTEs point into, so walks revisit them (loops, shared tables)

const CAUSES_BY_ACCESS = [
  { access: [1], page: [12], guest: [20] },
  { access: [5], page: [13], guest: [21] },
  { access: [7], page: [15], guest: [23] },
];

/** A PTE: mostly pointing into the table pages, sometimes anywhere, with random flag and high bits. */
const pteArb = fc.oneof(
  fc.record({ page: fc.integer({ min: 0, max: PAGES - 1 }), flags: fc.integer({ min: 0, max: 255 }), hi: fc.constantFrom(0n, 0n, 0n, 1n << 63n, 1n << 61n, 3n << 61n, 1n << 54n) })
    .map(({ page, flags, hi }) => (BigInt((BASE >>> 12) + page) << 10n) | BigInt(flags) | hi),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constant(0n),
);

const configArb = fc.record({
  satpMode: fc.constantFrom(0, 8, 9, 10),
  vsatpMode: fc.constantFrom(0, 8, 9, 10),
  hgatpMode: fc.constantFrom(0, 8, 9, 10),
  rootPage: fc.integer({ min: 0, max: PAGES - 1 }),
  mstatus: fc.constantFrom(0n, 1n << 18n, 1n << 19n, 3n << 18n),
  vsstatus: fc.constantFrom(0n, 1n << 18n, 1n << 19n, 3n << 18n),
  menvcfg: fc.constantFrom(0n, 1n << 61n, 1n << 62n, 3n << 61n),
  henvcfg: fc.constantFrom(0n, 1n << 61n, 1n << 62n, 3n << 61n),
  pmpDenyWrites: fc.boolean(),
});

const accessArb = fc.record({
  va: fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 22n) - 1n })),
  access: fc.constantFrom(0 as const, 1 as const, 2 as const),
  priv: fc.constantFrom(0 as const, 1 as const, 3 as const),
  virt: fc.boolean(),
  hlvx: fc.boolean(),
});

describe('random page tables (property)', () => {
  it('always end in a translation or the architectural fault', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: PAGES * 512 + 3 * 512 }), pteArb), { minLength: 1, maxLength: 200 }),
        configArb,
        fc.array(accessArb, { minLength: 1, maxLength: 20 }),
        (writes, c, accesses) => {
          const ram = new SparseRam();
          for (const [slot, v] of writes) ram.write64(BASE + slot * 8, v);
          const tr = new Translator({ memory: ram, tlbSize: 64, checkPhys: (_pa, _size, access) => !(c.pmpDenyWrites && access === 2) });
          const root = BigInt((BASE >>> 12) + c.rootPage);
          tr.configure({
            satp: (BigInt(c.satpMode) << 60n) | root,
            vsatp: (BigInt(c.vsatpMode) << 60n) | (1n << 44n) | root,
            hgatp: (BigInt(c.hgatpMode) << 60n) | (3n << 44n) | (root & ~3n),
            mstatus: c.mstatus, vsstatus: c.vsstatus, menvcfg: c.menvcfg, henvcfg: c.henvcfg,
          });
          for (const a of accesses) {
            if (a.virt && a.priv === 3) continue; // no such mode
            const hlvx = a.hlvx && a.virt && a.access === 1;
            for (let round = 0; round < 2; round++) {
              const r = tr.translateVa(a.va, { access: a.access, priv: a.priv, virt: a.virt, hlvx });
              if (r.ok) {
                expect(Number.isInteger(r.pa) && r.pa >= 0 && r.pa < 2 ** 53).toBe(true);
                expect(r.pa % 4096).toBe(Number(a.va & 0xfffn));
              } else {
                const allowed = CAUSES_BY_ACCESS[a.access];
                const causes = a.virt ? [...allowed.access, ...allowed.page, ...allowed.guest] : [...allowed.access, ...allowed.page];
                expect(causes).toContain(r.fault.cause);
                expect(r.fault.tval).toBe(a.va);
                if (allowed.guest.includes(r.fault.cause)) {
                  expect(r.fault.gpa).toBeDefined();
                  expect(r.fault.htval).toBe(r.fault.gpa! >> 2n);
                  expect([0, 0x3000, 0x3020]).toContain(r.fault.tinst);
                } else {
                  expect(r.fault.htval).toBe(0n);
                  expect(r.fault.tinst).toBe(0);
                }
              }
            }
            // The hot path agrees with the named-options path.
            const op = makeOp({ access: a.access, priv: a.priv, virt: a.virt, hlvx });
            const lo = Number(BigInt.asIntN(32, a.va));
            const hi = Number(BigInt.asIntN(32, a.va >> 32n));
            const fresh = tr.translateVa(a.va, { access: a.access, priv: a.priv, virt: a.virt, hlvx, noTlb: true });
            const hot = tr.translate(lo, hi, op);
            if (fresh.ok) expect(hot).toBe(fresh.pa);
            else {
              expect(hot).toBe(TRANSLATE_FAULT);
              expect(tr.faultCause).toBe(fresh.fault.cause);
            }
          }
        },
      ),
      { numRuns: 250 },
    );
  });

  it('walk traces of random tables are finite and end in a decision', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: PAGES * 512 - 1 }), pteArb), { maxLength: 100 }), accessArb, (writes, a) => {
        const ram = new SparseRam();
        for (const [slot, v] of writes) ram.write64(BASE + slot * 8, v);
        const tr = new Translator({ memory: ram });
        const root = BigInt(BASE >>> 12);
        tr.configure({ satp: (10n << 60n) | root, vsatp: (10n << 60n) | root, hgatp: (10n << 60n) | root });
        const priv = a.priv === 3 && a.virt ? 1 : a.priv;
        const r = tr.walkTrace(a.va, { access: a.access, priv, virt: a.virt });
        expect(r.trace!.length).toBeLessThanOrEqual(6 * 6);
        for (const s of r.trace!) expect(s.decision).not.toBe('');
      }),
      { numRuns: 200 },
    );
  });
});
