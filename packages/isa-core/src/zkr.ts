/**
 * Zkr, the entropy source (scalar cryptography spec v1.0, chapter "Entropy Source"): the
 * `seed` CSR (0x015) and the two access-control bits of `mseccfg` (0x747) it defines.
 * An Extension object: pass `zkr()` in a hart's `extensions` to give it Zkr.
 *
 * Rules implemented (spec section "Access Control to seed"):
 * - seed must be accessed with a read-write CSR instruction (CSRRW/CSRRWI, or CSRRS/CSRRC
 *   with a nonzero rs1/uimm); a read-only access raises illegal instruction in every mode.
 * - M mode always has access; S/HS needs mseccfg.SSEED (bit 9), U needs mseccfg.USEED (bit 8),
 *   otherwise illegal instruction.
 * - VS and VU (H extension) never read it: a read-write access raises a virtual instruction
 *   exception when mseccfg.SSEED = 1 (so a hypervisor can emulate it), else illegal
 *   instruction; USEED plays no part there.
 * - A read returns OPST = ES16 (bits 31:30 = 0b10) with 16 bits of entropy in bits 15:0;
 *   what is written is ignored.
 */
import { CAUSE_VIRTUAL_INSTRUCTION, PRV_M, PRV_S, PRV_U } from './defs.js';
import type { CsrRow, Extension } from './extension.js';
import type { Hart } from './hart.js';
import { R } from './int64.js';

export const CSR_SEED = 0x015;
export const CSR_MSECCFG = 0x747;
export const MSECCFG_USEED = 1 << 8;
export const MSECCFG_SSEED = 1 << 9;
/** seed.OPST = ES16: bits 15:0 hold 16 bits of entropy. */
export const SEED_OPST_ES16 = 0b10 << 30;

export interface ZkrOptions {
  /** 16 bits of entropy per call; default the host's `crypto.getRandomValues`. */
  readonly entropy16?: () => number;
}

/** 16 random bits from the Web Crypto API (present in Node 20 and browsers). */
function webCryptoEntropy16(): number {
  const c = (globalThis as unknown as { crypto?: { getRandomValues(a: Uint16Array): Uint16Array } }).crypto;
  if (!c) throw new Error('Zkr: no crypto.getRandomValues on this host: pass ZkrOptions.entropy16');
  return c.getRandomValues(new Uint16Array(1))[0]!;
}

export function zkr(options: ZkrOptions = {}): Extension {
  const entropy16 = options.entropy16 ?? webCryptoEntropy16;
  const mseccfg = new WeakMap<Hart, number>();
  return {
    name: 'zkr',
    attach: (h) => void mseccfg.set(h, 0),
    reset: (h) => void mseccfg.set(h, 0),
    csrs: (h) => {
      const rows: CsrRow[] = [
        {
          addr: CSR_SEED,
          name: 'seed',
          check: (hh, write) => {
            if (!write) hh.illegal();
            if (hh.priv === PRV_M) return;
            const bits = mseccfg.get(hh) ?? 0;
            if (hh.virt) {
              if (bits & MSECCFG_SSEED) {
                const w = (hh.raw & 3) === 3 ? hh.raw : hh.raw & 0xffff;
                hh.raise(CAUSE_VIRTUAL_INSTRUCTION, w, 0);
              }
              hh.illegal();
            }
            if (hh.priv === PRV_S && bits & MSECCFG_SSEED) return;
            if (hh.priv === PRV_U && bits & MSECCFG_USEED) return;
            hh.illegal();
          },
          read: () => {
            R.hi = 0;
            return (SEED_OPST_ES16 | (entropy16() & 0xffff)) | 0;
          },
          write: () => {},
        },
      ];
      // mseccfg may already exist (Smepmp); then Zkr's two bits are added to it.
      const old = h.csrRow(CSR_MSECCFG);
      rows.push({
        addr: CSR_MSECCFG,
        name: 'mseccfg',
        read: (hh) => {
          const base = old ? old.read(hh) & ~(MSECCFG_SSEED | MSECCFG_USEED) : 0;
          if (!old) R.hi = 0;
          return base | (mseccfg.get(hh) ?? 0);
        },
        write: (hh, lo, hi) => {
          mseccfg.set(hh, lo & (MSECCFG_SSEED | MSECCFG_USEED));
          old?.write?.(hh, lo, hi);
        },
      });
      return rows;
    },
    state: {
      save: (h) => ({ mseccfg: mseccfg.get(h) ?? 0 }),
      restore: (h, s) => void mseccfg.set(h, ((s as { mseccfg?: number }).mseccfg ?? 0) & (MSECCFG_SSEED | MSECCFG_USEED)),
    },
  };
}
