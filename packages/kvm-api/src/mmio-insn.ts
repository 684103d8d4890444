/**
 * Decoding the load or store that faulted on MMIO, as KVM does for guest-page
 * faults outside every memory slot (Linux arch/riscv/kvm/vcpu_insn.c covers
 * the integer loads/stores and their compressed forms; others cannot be emulated).
 */

export interface MmioAccess {
  readonly isWrite: boolean;
  readonly len: 1 | 2 | 4 | 8;
  /** Loads: sign-extend the value into rd. */
  readonly signed: boolean;
  /** rd for loads, rs2 for stores. */
  readonly reg: number;
  /** 2 (compressed) or 4 bytes. */
  readonly insnLen: 2 | 4;
}

const LOADS: Readonly<Record<number, [1 | 2 | 4 | 8, boolean]>> = {
  0: [1, true], 1: [2, true], 2: [4, true], 3: [8, true], 4: [1, false], 5: [2, false], 6: [4, false],
};
const STORES: Readonly<Record<number, 1 | 2 | 4 | 8>> = { 0: 1, 1: 2, 2: 4, 3: 8 };

/** The integer load/store an instruction word performs, or undefined when it is none (AMO, FP, ...). */
export function decodeMmioAccess(insn: number): MmioAccess | undefined {
  if ((insn & 3) === 3) {
    const op = insn & 0x7f;
    const f3 = (insn >>> 12) & 7;
    if (op === 0x03 && LOADS[f3]) {
      const [len, signed] = LOADS[f3];
      return { isWrite: false, len, signed, reg: (insn >>> 7) & 31, insnLen: 4 };
    }
    if (op === 0x23 && STORES[f3]) return { isWrite: true, len: STORES[f3], signed: false, reg: (insn >>> 20) & 31, insnLen: 4 };
    return undefined;
  }
  const c = insn & 0xffff;
  const quadrant = c & 3;
  const f3 = c >>> 13;
  if (quadrant === 0) {
    const r = ((c >>> 2) & 7) + 8; // rd' / rs2'
    if (f3 === 2) return { isWrite: false, len: 4, signed: true, reg: r, insnLen: 2 }; // C.LW
    if (f3 === 3) return { isWrite: false, len: 8, signed: true, reg: r, insnLen: 2 }; // C.LD
    if (f3 === 6) return { isWrite: true, len: 4, signed: false, reg: r, insnLen: 2 }; // C.SW
    if (f3 === 7) return { isWrite: true, len: 8, signed: false, reg: r, insnLen: 2 }; // C.SD
  } else if (quadrant === 2) {
    const rd = (c >>> 7) & 31;
    const rs2 = (c >>> 2) & 31;
    if (f3 === 2 && rd !== 0) return { isWrite: false, len: 4, signed: true, reg: rd, insnLen: 2 }; // C.LWSP
    if (f3 === 3 && rd !== 0) return { isWrite: false, len: 8, signed: true, reg: rd, insnLen: 2 }; // C.LDSP
    if (f3 === 6) return { isWrite: true, len: 4, signed: false, reg: rs2, insnLen: 2 }; // C.SWSP
    if (f3 === 7) return { isWrite: true, len: 8, signed: false, reg: rs2, insnLen: 2 }; // C.SDSP
  }
  return undefined;
}

/** The register value a load of `len` bytes puts in rd. */
export function extendLoad(bytes: Uint8Array, len: number, signed: boolean): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return signed ? BigInt.asUintN(64, BigInt.asIntN(len * 8, v)) : v;
}

/** The low `len` bytes of a register value, little-endian, in an 8-byte buffer. */
export function storeBytes(value: bigint, len: number): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < len; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}
