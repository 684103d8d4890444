/**
 * menvcfg bits that follow the ISA string (priv spec "Machine Environment Configuration
 * Register"): STCE with Sstc, PBMTE with Svpbmt, ADUE with Svadu; read-only zero otherwise.
 * Svnapot/Svpbmt PTE bits are honoured only when named in the ISA string.
 */
import { describe, expect, it } from 'vitest';
import { machine } from './test/harness.js';

const MENVCFG = 0x30a;
const STCE = 1n << 63n, PBMTE = 1n << 62n, ADUE = 1n << 61n;
const BASE = 'rv64imafdc_zicsr_zifencei';

function writable(isa: string): bigint {
  const m = machine({ isa });
  m.hart.setCsr(MENVCFG, (1n << 64n) - 1n);
  return m.hart.getCsr(MENVCFG)! & (STCE | PBMTE | ADUE);
}

describe('menvcfg follows the ISA string', () => {
  it('no Sstc/Svpbmt/Svadu: STCE, PBMTE, ADUE read 0', () => {
    expect(writable(BASE)).toBe(0n);
  });
  it('each extension makes its bit writable', () => {
    expect(writable(`${BASE}_sstc`)).toBe(STCE);
    expect(writable(`${BASE}_svpbmt`)).toBe(PBMTE);
    expect(writable(`${BASE}_svadu`)).toBe(ADUE);
    expect(writable(`${BASE}_sstc_svpbmt_svadu_svnapot`)).toBe(STCE | PBMTE | ADUE);
  });
  it('the translator gets Svnapot/Svpbmt from the ISA string', () => {
    expect(machine({ isa: BASE }).hart.mmu.svnapot).toBe(false);
    expect(machine({ isa: BASE }).hart.mmu.svpbmt).toBe(false);
    const m = machine({ isa: `${BASE}_svnapot_svpbmt` });
    expect(m.hart.mmu.svnapot).toBe(true);
    expect(m.hart.mmu.svpbmt).toBe(true);
  });
  it('A/D scheme: svadu -> menvcfg.ADUE decides, svade alone -> faults, neither -> hardware updates', () => {
    expect(machine({ isa: `${BASE}_svadu` }).hart.mmu.adUpdate).toBe('envcfg');
    expect(machine({ isa: `${BASE}_svade` }).hart.mmu.adUpdate).toBe('never');
    expect(machine({ isa: BASE }).hart.mmu.adUpdate).toBe('always');
  });
});
