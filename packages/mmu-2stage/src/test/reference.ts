/**
 * A slow, literal reference model of translation, written separately from Translator
 * (bigint arithmetic, exceptions for faults, no caching) to cross-check it on random
 * page tables. Priv spec "Virtual Address Translation Process"; H extension
 * "Two-Stage Address Translation"; Svnapot, Svpbmt, Svadu.
 */
import type { PteMemory } from '../translator.js';

export interface RefConfig {
  satp: bigint;
  vsatp: bigint;
  hgatp: bigint;
  mstatus: bigint;
  vsstatus: bigint;
  menvcfg: bigint;
  henvcfg: bigint;
  svnapot: boolean;
  svpbmt: boolean;
  /** PMP/PMA check for page-table accesses (access 1 read, 2 write). */
  checkPhys: (pa: number, size: number, access: 0 | 1 | 2) => boolean;
}

export type RefResult = { ok: true; pa: bigint } | { ok: false; cause: number; gpa: bigint | undefined; tinst: number };

type Kind = 'access' | 'page' | 'guest';
class RefFault {
  constructor(readonly kind: Kind, readonly gpa: bigint | undefined = undefined, readonly tinst = 0) {}
}

let pending: { pa: bigint; lo: bigint } | undefined;

const CAUSE: Record<Kind, readonly number[]> = { access: [1, 5, 7], page: [12, 13, 15], guest: [20, 21, 23] };
const LIMIT = 1n << 53n;

function bit(x: bigint, n: number): boolean {
  return ((x >> BigInt(n)) & 1n) === 1n;
}
function bits(x: bigint, lo: number, width: number): bigint {
  return (x >> BigInt(lo)) & ((1n << BigInt(width)) - 1n);
}

function read64(mem: PteMemory, pa: bigint): bigint {
  const p = Number(pa);
  return (BigInt(mem.read32(p + 4) >>> 0) << 32n) | BigInt(mem.read32(p) >>> 0);
}

interface StageParams {
  levels: number;
  widen: number;
  stage: 's' | 'vs' | 'g';
  access: 0 | 1 | 2;
  priv: number; // 0 U, 1 S
  sum: boolean;
  mxr: boolean;
  hlvx: boolean;
  pbmte: boolean;
  adue: boolean;
}

/** Translates `va` for an access; `priv` 0 U, 1 S, 3 M. */
export function referenceTranslate(mem: PteMemory, c: RefConfig, va: bigint, access: 0 | 1 | 2, priv: 0 | 1 | 3, virt: boolean, hlvx: boolean): RefResult {
  pending = undefined;
  try {
    const pa = translate(mem, c, va, access, priv, virt, hlvx);
    return { ok: true, pa };
  } catch (e) {
    if (!(e instanceof RefFault)) throw e;
    return { ok: false, cause: CAUSE[e.kind][access], gpa: e.gpa, tinst: e.tinst };
  }
}

function translate(mem: PteMemory, c: RefConfig, va: bigint, access: 0 | 1 | 2, priv: number, virt: boolean, hlvx: boolean): bigint {
  const mMxr = bit(c.mstatus, 19);
  if (!virt) {
    const mode = Number(c.satp >> 60n);
    if (priv === 3 || ![8, 9, 10].includes(mode)) {
      if (va >= LIMIT) throw new RefFault('access');
      return va;
    }
    const levels = mode - 5;
    checkCanonical(va, 12 + 9 * levels);
    const pa = walk(mem, c, bits(c.satp, 0, 44) << 12n, va, { levels, widen: 0, stage: 's', access, priv, sum: bit(c.mstatus, 18), mxr: mMxr, hlvx: false, pbmte: bit(c.menvcfg, 62), adue: bit(c.menvcfg, 61) });
    if (pa >= LIMIT) throw new RefFault('access');
    return pa;
  }
  if (priv === 3) throw new RefFault('access');
  const vsMode = Number(c.vsatp >> 60n);
  let gpa: bigint;
  if (![8, 9, 10].includes(vsMode)) {
    gpa = va;
  } else {
    const levels = vsMode - 5;
    checkCanonical(va, 12 + 9 * levels);
    gpa = walk(mem, c, bits(c.vsatp, 0, 44) << 12n, va, {
      levels, widen: 0, stage: 'vs', access, priv, sum: bit(c.vsstatus, 18), mxr: bit(c.vsstatus, 19) || mMxr, hlvx,
      pbmte: bit(c.henvcfg, 62), adue: bit(c.henvcfg, 61),
    });
  }
  const pa = gStage(mem, c, gpa, access, hlvx, 0);
  if (pending) mem.write32(Number(pending.pa), Number(pending.lo));
  return pa;
}

function checkCanonical(va: bigint, width: number): void {
  const top = va >> BigInt(width - 1);
  if (top !== 0n && top !== (1n << BigInt(64 - width + 1)) - 1n) throw new RefFault('page');
}

/** G-stage: page faults become guest-page faults reporting `gpa` (and `tinst` for PTE accesses). */
function gStage(mem: PteMemory, c: RefConfig, gpa: bigint, access: 0 | 1 | 2, hlvx: boolean, tinst: number): bigint {
  const implicit = tinst !== 0; // a VS PTE access: MXR applies to explicit loads only
  const mode = Number(c.hgatp >> 60n);
  if (![8, 9, 10].includes(mode)) {
    if (gpa >= LIMIT) throw new RefFault('access');
    return gpa;
  }
  const levels = mode - 5;
  const width = 12 + 9 * levels + 2;
  if (gpa >> BigInt(width) !== 0n) throw new RefFault('guest', gpa, tinst);
  try {
    const root = (bits(c.hgatp, 0, 44) & ~3n) << 12n;
    const pa = walk(mem, c, root, gpa, { levels, widen: 2, stage: 'g', access, priv: 0, sum: false, mxr: !implicit && bit(c.mstatus, 19), hlvx, pbmte: bit(c.menvcfg, 62), adue: bit(c.menvcfg, 61) });
    if (pa >= LIMIT) throw new RefFault('access');
    return pa;
  } catch (e) {
    if (e instanceof RefFault && e.kind === 'page') throw new RefFault('guest', gpa, tinst);
    throw e;
  }
}

function walk(mem: PteMemory, c: RefConfig, root: bigint, addr: bigint, p: StageParams): bigint {
  let table = root;
  let global = false;
  for (let level = p.levels - 1; level >= 0; level--) {
    const width = level === p.levels - 1 ? 9 + p.widen : 9;
    const pteAddr = table + bits(addr, 12 + 9 * level, width) * 8n;
    let pa = pteAddr;
    if (p.stage === 'vs') pa = gStage(mem, c, pteAddr, 1, false, 0x3000);
    else if (pa >= LIMIT) throw new RefFault('access');
    if (!c.checkPhys(Number(pa), 8, 1)) throw new RefFault('access');
    const pte = read64(mem, pa);
    const v = bit(pte, 0), r = bit(pte, 1), w = bit(pte, 2), x = bit(pte, 3), u = bit(pte, 4), a = bit(pte, 6), d = bit(pte, 7);
    const n = bit(pte, 63);
    const pbmt = bits(pte, 61, 2);
    if (!v || (!r && w)) throw new RefFault('page');
    if (bits(pte, 54, 7) !== 0n) throw new RefFault('page');
    if (pbmt !== 0n && !(c.svpbmt && p.pbmte)) throw new RefFault('page');
    if (pbmt === 3n) throw new RefFault('page');
    if (n && !c.svnapot) throw new RefFault('page');
    const ppn = bits(pte, 10, 44);
    if (!r && !x) {
      if (level === 0) throw new RefFault('page');
      if (bit(pte, 4) || bit(pte, 6) || bit(pte, 7) || pbmt !== 0n || n) throw new RefFault('page');
      global ||= bit(pte, 5);
      table = ppn << 12n;
      continue;
    }
    // Leaf permissions.
    if (u) {
      if (p.priv === 1 && (p.access === 0 || !p.sum)) throw new RefFault('page');
    } else if (p.priv === 0) {
      throw new RefFault('page');
    }
    const allowed = p.access === 0 ? x : p.access === 2 ? w : p.hlvx ? x : r || (p.mxr && x);
    if (!allowed) throw new RefFault('page');
    if (level > 0 && bits(ppn, 0, 9 * level) !== 0n) throw new RefFault('page');
    let finalPpn: bigint;
    if (n) {
      if (level !== 0 || bits(ppn, 0, 4) !== 8n) throw new RefFault('page');
      finalPpn = (ppn & ~0xfn) | bits(addr, 12, 4);
    } else {
      finalPpn = ppn | bits(addr, 12, 9 * level);
    }
    if (!a || (p.access === 2 && !d)) {
      if (!p.adue) throw new RefFault('page');
      const updated = pte | (1n << 6n) | (p.access === 2 ? 1n << 7n : 0n);
      let wpa = pteAddr;
      if (p.stage === 'vs') wpa = gStage(mem, c, pteAddr, 2, false, 0x3020);
      if (!c.checkPhys(Number(wpa), 8, 2)) throw new RefFault('access');
      // A VS-stage update waits until the G-stage accepts the final GPA (exact D updates).
      if (p.stage === 'vs') pending = { pa: wpa, lo: updated & 0xffffffffn };
      else mem.write32(Number(wpa), Number(updated & 0xffffffffn));
    }
    void global;
    return (finalPpn << 12n) | bits(addr, 0, 12);
  }
  throw new RefFault('page');
}
