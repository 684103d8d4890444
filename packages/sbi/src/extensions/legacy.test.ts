import { describe, expect, it } from 'vitest';
import * as d from '../defs';
import { SBI_V0_1, SBI_V2_0 } from '../spec';
import { L, harness } from '../test/harness';

describe('legacy (0.1) calls', () => {
  for (const v of [SBI_V0_1, SBI_V2_0]) {
    describe(`under SBI ${v.specificationVersion}`, () => {
      it('ignore a6 and return only a0', () => {
        const h = harness(v);
        expect(h.call(d.SBI_EXT_0_1_SET_TIMER, 0x777, 99)).toEqual(L(0));
        expect(h.p.timers.get(0)).toBe(99n);
      });

      it('console putchar / getchar (-1 when nothing waits)', () => {
        const h = harness(v);
        expect(h.call(d.SBI_EXT_0_1_CONSOLE_GETCHAR, 0)).toEqual(L(-1));
        h.p.input = [0x7a];
        expect(h.call(d.SBI_EXT_0_1_CONSOLE_GETCHAR, 0)).toEqual(L(0x7a));
        expect(h.call(d.SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 0x142)).toEqual(L(0));
        expect(h.p.text()).toBe('B');
      });

      it('send_ipi reads the hart mask through the supervisor pointer', () => {
        const h = harness(v);
        h.p.supervisorWords.set(0xffff_ffc0_0000_1000n, 0b1010n);
        expect(h.call(d.SBI_EXT_0_1_SEND_IPI, 0, 0xffff_ffc0_0000_1000n)).toEqual(L(0));
        expect(h.p.ipis).toEqual([{ from: 0, to: [1, 3] }]);
        expect(h.callFrom(3, d.SBI_EXT_0_1_CLEAR_IPI, 0)).toEqual(L(1));
        expect(h.callFrom(3, d.SBI_EXT_0_1_CLEAR_IPI, 0)).toEqual(L(0));
      });

      it('a NULL mask pointer means every hart', () => {
        const h = harness(v);
        expect(h.call(d.SBI_EXT_0_1_REMOTE_FENCE_I, 0, 0)).toEqual(L(0));
        expect(h.p.fences[0]!.hartIds).toEqual([0, 1, 2, 3]);
      });

      it('a faulting mask pointer is handed back to the supervisor as the fault', () => {
        const h = harness(v);
        expect(h.call(d.SBI_EXT_0_1_SEND_IPI, 0, 0x1234)).toEqual({ kind: 'trap', cause: 13, tval: 0x1234n });
        expect(h.p.ipis).toEqual([]);
      });

      it('a mask naming a hart that does not exist is refused', () => {
        const h = harness(v);
        h.p.supervisorWords.set(0x100n, 0b10000n);
        expect(h.call(d.SBI_EXT_0_1_SEND_IPI, 0, 0x100)).toEqual(L(d.SBI_ERR_INVALID_PARAM));
      });

      it('remote sfence.vma with ASID passes range and ASID', () => {
        const h = harness(v);
        h.p.supervisorWords.set(0x100n, 0b1n);
        expect(h.call(d.SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, 0, 0x100, 0x4000, 0x1000, 3)).toEqual(L(0));
        expect(h.p.fences[0]).toMatchObject({ kind: 'sfence.vma.asid', hartIds: [0], start: 0x4000n, size: 0x1000n, asid: 3n, all: false });
      });

      it('shutdown does not return', () => {
        const h = harness(v);
        expect(h.call(d.SBI_EXT_0_1_SHUTDOWN, 0)).toEqual({ kind: 'none' });
        expect(h.p.resets).toEqual([{ type: 0, reason: 0 }]);
      });
    });
  }
});
