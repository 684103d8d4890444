/** Zkr's seed CSR through the extension interface: values, and who may read it (scalar crypto spec, "Access Control to seed"). */
import { describe, expect, it } from 'vitest';
import { load, machine, RAM_BASE } from './test/harness.js';
import { zkr, MSECCFG_SSEED, MSECCFG_USEED } from './zkr.js';

const MCAUSE = 0x342, MSTATUS = 0x300, MEPC = 0x341, MTVEC = 0x305, MSECCFG = 0x747;
const HANDLER = RAM_BASE + 0x1000;

function hartWithZkr(words: number[] = [0x1234, 0xbeef]) {
  let i = 0;
  const m = machine({ isa: 'rv64imac_zicsr_zkr', extensions: [zkr({ entropy16: () => words[i++ % words.length]! })] });
  m.hart.setCsr(MTVEC, BigInt(HANDLER));
  load(m, ['jal zero,0'], HANDLER); // stays put: mcause keeps the first trap
  return m;
}

/** Runs `lines` in `mode` (0 U, 1 S, 3 M) and returns mcause after the first trap (or undefined) and a0. */
function runIn(mode: number, lines: string[], mseccfg = 0n) {
  const m = hartWithZkr();
  m.hart.setCsr(MSECCFG, mseccfg);
  const code = RAM_BASE + 0x2000;
  load(m, ['mret'], RAM_BASE);
  load(m, [...lines, 'ecall'], code);
  m.hart.setCsr(MSTATUS, BigInt(mode) << 11n);
  m.hart.setCsr(MEPC, BigInt(code));
  m.hart.run(1 + lines.length + 1);
  return { cause: m.hart.getCsr(MCAUSE)!, a0: m.hart.getX(10) };
}

describe('Zkr seed CSR', () => {
  it('M mode reads ES16 with 16 bits of entropy; a read-only access is illegal', () => {
    const m = hartWithZkr();
    load(m, ['csrrw a0,0x15,zero', 'csrrs a1,0x15,t0', 'csrrs a2,0x15,zero']);
    m.hart.setX(5, 1n);
    m.hart.run(3);
    expect(m.hart.getX(10)).toBe(0x8000_1234n);
    expect(m.hart.getX(11)).toBe(0x8000_beefn);
    expect(m.hart.getCsr(MCAUSE)).toBe(2n);
    expect(m.hart.getPc()).toBe(BigInt(HANDLER));
  });

  it('S needs mseccfg.SSEED and U needs mseccfg.USEED, else illegal instruction', () => {
    expect(runIn(1, ['csrrw a0,0x15,zero']).cause).toBe(2n);
    expect(runIn(1, ['csrrw a0,0x15,zero'], BigInt(MSECCFG_SSEED))).toEqual({ cause: 9n, a0: 0x8000_1234n });
    expect(runIn(0, ['csrrw a0,0x15,zero'], BigInt(MSECCFG_SSEED)).cause).toBe(2n);
    expect(runIn(0, ['csrrw a0,0x15,zero'], BigInt(MSECCFG_USEED))).toEqual({ cause: 8n, a0: 0x8000_1234n });
  });

  it('mseccfg keeps only SSEED and USEED; without Zkr there is no seed CSR', () => {
    const m = hartWithZkr();
    m.hart.setCsr(MSECCFG, (1n << 63n) | 0xfffn);
    expect(m.hart.getCsr(MSECCFG)).toBe(BigInt(MSECCFG_SSEED | MSECCFG_USEED));
    const plain = machine();
    expect(plain.hart.getCsr(0x015)).toBeUndefined();
  });
});
