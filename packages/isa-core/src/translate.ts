/**
 * Single-stage Sv39/Sv48/Sv57 page-table walk (priv spec 4.3.2 "Virtual Address
 * Translation Process", 4.4-4.6). Used for V=0 translation; H's two-stage walks come from
 * packages/mmu-2stage through the `translate` hook.
 *
 * A/D bits are set by the walker (Svadu-style hardware update), as QEMU 7.2 does.
 */
import type { Hart } from './hart.js';
import { R } from './int64.js';
import { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, MSTATUS_MXR, MSTATUS_SUM, PRV_U, type AccessKind } from './defs.js';
import { CSR_SLOTS } from './csr.js';

const TWO32 = 4294967296;
const PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;

function faultCause(access: AccessKind, page: boolean): number {
  if (page) return access === ACCESS_FETCH ? 12 : access === ACCESS_LOAD ? 13 : 15;
  return access === ACCESS_FETCH ? 1 : access === ACCESS_LOAD ? 5 : 7;
}

/** Walk the page table rooted at satp for va; returns the physical address or raises. */
export function translateSv(h: Hart, al: number, ah: number, access: AccessKind, mode: number, satpMode: number): number {
  const levels = satpMode - 5; // 8 -> 3, 9 -> 4, 10 -> 5
  const vaBits = 12 + 9 * levels;
  // The VA's bits above vaBits-1 must all equal bit vaBits-1 (sign extension).
  const top = vaBits - 32; // 7, 16, 25 for bits within ah
  const signPart = ah >> (top - 1);
  if (signPart !== 0 && signPart !== -1) h.raise(faultCause(access, true), al, ah);
  const satpLo = h.csr[2 * CSR_SLOTS.satp], satpHi = h.csr[2 * CSR_SLOTS.satp + 1];
  let base = ((satpHi & 0xfff) * TWO32 + (satpLo >>> 0)) * 4096; // PPN 43:0 * 4096
  const ms = h.mstatus;
  const priv = mode & 3;
  for (let level = levels - 1; level >= 0; level--) {
    const shift = 12 + 9 * level;
    const vpn = shift >= 32 ? (ah >>> (shift - 32)) & 511 : shift + 9 > 32
      ? ((al >>> shift) | (ah << (32 - shift))) & 511
      : (al >>> shift) & 511;
    const pteAddr = base + vpn * 8;
    if (pteAddr >= 2 ** 53) h.raise(faultCause(access, false), al, ah);
    let lo = h.memory.load64(pteAddr);
    if (lo !== lo) h.raise(faultCause(access, false), al, ah);
    const hi = R.hi;
    if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0) || (hi >>> 22) !== 0) {
      h.raise(faultCause(access, true), al, ah);
    }
    const ppn = (hi & 0x3fffff) * 4194304 + (lo >>> 10);
    if ((lo & (PTE_R | PTE_X)) === 0) {
      // Pointer to the next level; D, A, U must be clear in a non-leaf PTE (priv spec 4.3.1).
      if (level === 0 || (lo & (PTE_D | PTE_A | PTE_U)) !== 0) h.raise(faultCause(access, true), al, ah);
      base = ppn * 4096;
      continue;
    }
    // Leaf: permission checks (priv spec 4.3.2 step 5).
    if (priv === PRV_U) {
      if ((lo & PTE_U) === 0) h.raise(faultCause(access, true), al, ah);
    } else if ((lo & PTE_U) !== 0) {
      if (access === ACCESS_FETCH || (ms & MSTATUS_SUM) === 0) h.raise(faultCause(access, true), al, ah);
    }
    const ok = access === ACCESS_FETCH ? (lo & PTE_X) !== 0
      : access === ACCESS_LOAD ? (lo & PTE_R) !== 0 || ((ms & MSTATUS_MXR) !== 0 && (lo & PTE_X) !== 0)
      : (lo & PTE_W) !== 0;
    if (!ok) h.raise(faultCause(access, true), al, ah);
    // Misaligned superpage.
    const lowPpnMask = level === 0 ? 0 : 2 ** (9 * level) - 1;
    if (level > 0 && ppn % (lowPpnMask + 1) !== 0) h.raise(faultCause(access, true), al, ah);
    // A/D update.
    const want = PTE_A | (access === ACCESS_STORE ? PTE_D : 0);
    if ((lo & want) !== want) {
      lo |= want;
      if (!h.memory.store(pteAddr, 4, lo)) h.raise(faultCause(access, false), al, ah);
    }
    // Compose: PPN high parts from the PTE, low VPN parts and offset from the VA.
    const pageSize = 2 ** (12 + 9 * level);
    const vaLow = pageSize < TWO32 ? (al >>> 0) % pageSize : ((ah >>> 0) % (pageSize / TWO32)) * TWO32 + (al >>> 0);
    const pa = ppn * 4096 + vaLow;
    if (pa >= 2 ** 53) h.raise(faultCause(access, false), al, ah);
    return pa;
  }
  return h.raise(faultCause(access, true), al, ah);
}
