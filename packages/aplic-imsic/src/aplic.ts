/**
 * One APLIC interrupt domain (AIA 1.0, chapter "Advanced Platform-Level Interrupt
 * Controller (APLIC)"): its control region as an MMIO device. Domains form a tree: the root
 * (machine level) receives the source wires; a source delegated to a child (sourcecfg.D = 1)
 * is active only there. Delivery is either direct (IDC structures driving MEIP/SEIP) or by
 * MSIs written to IMSIC interrupt files through an injected sink.
 *
 * Section numbers refer to AIA 1.0: 4.5.x registers, 4.7 pending bits, 4.8 direct delivery,
 * 4.9 MSI forwarding.
 */
import type { IrqLineLike } from './irq-line.js';

export const APLIC_DOMAINCFG = 0x0000;
export const APLIC_SOURCECFG = 0x0004;
export const APLIC_MMSIADDRCFG = 0x1bc0;
export const APLIC_MMSIADDRCFGH = 0x1bc4;
export const APLIC_SMSIADDRCFG = 0x1bc8;
export const APLIC_SMSIADDRCFGH = 0x1bcc;
export const APLIC_SETIP = 0x1c00;
export const APLIC_SETIPNUM = 0x1cdc;
export const APLIC_IN_CLRIP = 0x1d00;
export const APLIC_CLRIPNUM = 0x1ddc;
export const APLIC_SETIE = 0x1e00;
export const APLIC_SETIENUM = 0x1edc;
export const APLIC_CLRIE = 0x1f00;
export const APLIC_CLRIENUM = 0x1fdc;
export const APLIC_SETIPNUM_LE = 0x2000;
export const APLIC_SETIPNUM_BE = 0x2004;
export const APLIC_GENMSI = 0x3000;
export const APLIC_TARGET = 0x3004;
export const APLIC_IDC = 0x4000;
export const APLIC_IDC_SIZE = 32;
export const IDC_IDELIVERY = 0x00;
export const IDC_IFORCE = 0x04;
export const IDC_ITHRESHOLD = 0x08;
export const IDC_TOPI = 0x18;
export const IDC_CLAIMI = 0x1c;

export const DOMAINCFG_IE = 1 << 8;
export const DOMAINCFG_DM = 1 << 2;
export const SOURCECFG_D = 1 << 10;
/** Source modes (4.5.2, Table "Encoding of the SM field"). */
export const SM_INACTIVE = 0;
export const SM_DETACHED = 1;
export const SM_EDGE1 = 4;
export const SM_EDGE0 = 5;
export const SM_LEVEL1 = 6;
export const SM_LEVEL0 = 7;
/** QEMU virt's source count (riscv,num-sources = 96). */
export const APLIC_VIRT_SOURCES = 96;
/** IPRIOLEN: 8 priority bits, as QEMU's APLIC. */
const IPRIO_MASK = 0xff;

/** Size of a domain's control region for `harts` IDCs, as QEMU sizes it: 0x4000 + IDCs rounded up to 16 KiB. */
export function aplicDomainSize(harts: number): number {
  return APLIC_IDC + Math.ceil((harts * APLIC_IDC_SIZE) / 0x4000) * 0x4000;
}

/** Where the domain's MSIs go: a 32-bit little-endian write of `data` at physical address `addr`. */
export interface MsiSink {
  write(addr: number, data: number): void;
}

export interface AplicDomainOptions {
  /** 'machine' (MEIP / M-level IMSIC files) or 'supervisor' (SEIP / S-level or guest files). */
  level: 'machine' | 'supervisor';
  /** Implemented sources 1..sources (at most 1023). Default 96 (QEMU virt). */
  sources?: number;
  /** Hart indices 0..harts-1 of this domain (IDC structures in direct mode). */
  harts: number;
  /**
   * Delivery mode, fixed as QEMU fixes it (domaincfg.DM is WARL): 'direct' (IDCs drive `idc`
   * lines) or 'msi' (forwarded through `msi`).
   */
  delivery: 'direct' | 'msi';
  /** Direct mode: one external-interrupt line per hart index (MEIP or SEIP). */
  idc?: IrqLineLike[];
  /** MSI mode: where MSIs are written. */
  msi?: MsiSink;
  /** The parent domain (absent for the root); this domain becomes its next child index. */
  parent?: AplicDomain;
  /** Identities the target IMSIC files implement (EIID width). Default 255. */
  msiIds?: number;
  /** Supervisor level under harts with H: the largest Guest Index (GEILEN). Default 0. */
  geilen?: number;
  /**
   * MSI addresses hardwired by the platform (4.9.1 allows "some other means"): the address for
   * hart index `hart`, guest `guest`, or NaN when there is no such hart (the MSI is dropped).
   * Without it the addresses come from the root domain's msiaddrcfg registers.
   */
  msiAddress?: (hart: number, guest: number) => number;
}

export interface AplicDomainState {
  stateVersion: 1;
  domaincfg: number;
  sourcecfg: number[];
  target: number[];
  pending: number[];
  enable: number[];
  wire: number[];
  msiaddr: number[];
  idc: { idelivery: number; iforce: number; ithreshold: number }[];
  genmsi: number;
}

/** One APLIC interrupt domain (the root receives the wires: `source(id)`). */
export class AplicDomain {
  readonly level: 'machine' | 'supervisor';
  readonly sources: number;
  readonly harts: number;
  readonly delivery: 'direct' | 'msi';
  readonly parent: AplicDomain | undefined;
  readonly children: AplicDomain[] = [];
  /** This domain's index in its parent's child list. */
  readonly childIndex: number;

  private domaincfg = 0;
  private readonly sourcecfg: Uint32Array;
  private readonly target: Uint32Array;
  private readonly pendingBits: Uint32Array;
  private readonly enableBits: Uint32Array;
  /** Incoming wire levels (every domain sees the same wires; only the active domain acts on them). */
  private readonly wire: Uint32Array;
  /** mmsiaddrcfg, mmsiaddrcfgh, smsiaddrcfg, smsiaddrcfgh (root, machine level only). */
  private readonly msiaddr = new Uint32Array(4);
  private readonly idelivery: Uint8Array;
  private readonly iforce: Uint8Array;
  private readonly ithreshold: Uint8Array;
  private readonly idcLines: IrqLineLike[];
  private readonly idcOut: Uint8Array;
  private readonly msi: MsiSink | undefined;
  private readonly eiidMask: number;
  private readonly geilen: number;
  private genmsiValue = 0;
  private readonly hardwired: ((hart: number, guest: number) => number) | undefined;
  private readonly lines: IrqLineLike[] = [];
  /** Guards MSI forwarding against re-entry (an MSI aimed back at this APLIC's setipnum). */
  private forwarding = false;

  constructor(o: AplicDomainOptions) {
    const sources = o.sources ?? APLIC_VIRT_SOURCES;
    if (!Number.isInteger(sources) || sources < 1 || sources > 1023) throw new RangeError('aplic: sources must be 1..1023');
    if (!Number.isInteger(o.harts) || o.harts < 1 || o.harts > 16384) throw new RangeError('aplic: harts must be 1..16384');
    if (o.delivery === 'msi' && !o.msi) throw new RangeError('aplic: MSI delivery needs an msi sink');
    if (o.parent && o.parent.sources !== sources) throw new RangeError('aplic: a child domain has its parent\'s sources');
    this.level = o.level;
    this.sources = sources;
    this.harts = o.harts;
    this.delivery = o.delivery;
    this.parent = o.parent;
    this.childIndex = o.parent ? o.parent.children.push(this) - 1 : 0;
    const words = (sources + 1 + 31) >>> 5;
    this.sourcecfg = new Uint32Array(sources + 1);
    this.target = new Uint32Array(sources + 1);
    this.pendingBits = new Uint32Array(words);
    this.enableBits = new Uint32Array(words);
    this.wire = new Uint32Array(words);
    this.idelivery = new Uint8Array(o.harts);
    this.iforce = new Uint8Array(o.harts);
    this.ithreshold = new Uint8Array(o.harts);
    this.idcLines = o.idc ?? [];
    this.idcOut = new Uint8Array(o.harts);
    this.msi = o.msi;
    const ids = o.msiIds ?? 255;
    // EIID implements ceil(log2(N + 1)) bits (4.5.16.2).
    this.eiidMask = (1 << (32 - Math.clz32(ids))) - 1 & 0x7ff;
    this.geilen = o.level === 'supervisor' ? o.geilen ?? 0 : 0;
    this.hardwired = o.msiAddress;
    if (o.delivery === 'msi') this.domaincfg = DOMAINCFG_DM;
  }

  /** The input wire of source `id` (root domain; 1..sources). */
  source(id: number): IrqLineLike {
    if (this.parent) throw new Error('aplic: source wires enter at the root domain');
    if (!Number.isInteger(id) || id < 1 || id > this.sources) throw new RangeError(`aplic: no source ${id} (1..${this.sources})`);
    let line = this.lines[id];
    if (!line) {
      line = { set: (lv: boolean) => this.setWire(id, lv) };
      this.lines[id] = line;
    }
    return line;
  }

  /** Drives source `id`'s wire in this domain and every descendant. */
  setWire(id: number, high: boolean): void {
    if (id < 1 || id > this.sources) return;
    const w = id >>> 5;
    const b = 1 << (id & 31);
    const was = (this.wire[w]! & b) !== 0;
    if (was === high) return;
    if (high) this.wire[w]! |= b;
    else this.wire[w]! &= ~b;
    const sm = this.activeMode(id);
    if (sm >= SM_EDGE1) {
      const inverted = (sm & 1) === 1;
      const rect = high !== inverted;
      // 4.7: edge sources pend on a low-to-high transition of the rectified input; level
      // sources follow the rectified input (MSI mode: set on the rising transition only).
      if (sm <= SM_EDGE0) {
        if (rect) this.setPendingBit(id, true);
      } else if (rect) {
        this.setPendingBit(id, true);
      } else {
        this.setPendingBit(id, false);
      }
      this.update();
    }
    for (const c of this.children) c.setWire(id, high);
  }

  // ---- source state helpers ----

  /** Is source `id` delegated down to this domain (always, at the root)? */
  private delegatedHere(id: number): boolean {
    const p = this.parent;
    if (!p) return true;
    return p.delegatedHere(id) && p.sourcecfg[id] === (SOURCECFG_D | this.childIndex);
  }

  /** SM of an active source, or 0 when inactive here (delegated away, not delegated to us, or Inactive). */
  private activeMode(id: number): number {
    const cfg = this.sourcecfg[id]!;
    if (cfg & SOURCECFG_D) return SM_INACTIVE;
    return cfg & 7;
  }

  private rectified(id: number): boolean {
    const sm = this.activeMode(id);
    if (sm < SM_EDGE1) return false; // inactive or detached: rectified input is zero (4.5.2)
    const wire = ((this.wire[id >>> 5]! >>> (id & 31)) & 1) === 1;
    return wire !== ((sm & 1) === 1);
  }

  private setPendingBit(id: number, v: boolean): void {
    const b = 1 << (id & 31);
    if (v) this.pendingBits[id >>> 5]! |= b;
    else this.pendingBits[id >>> 5]! &= ~b;
  }

  /** "Set the pending bit if possible" by software (setip, setipnum) per 4.7. */
  private trySetPending(id: number): void {
    const sm = this.activeMode(id);
    if (sm === SM_INACTIVE) return;
    if (sm >= SM_LEVEL1) {
      // Level: never in direct mode (the bit is a copy of the input); in MSI mode only while the input is high.
      if (this.domaincfg & DOMAINCFG_DM && this.rectified(id)) this.setPendingBit(id, true);
      return;
    }
    this.setPendingBit(id, true);
  }

  /** "Clear the pending bit if possible" by software (in_clrip, clripnum) per 4.7. */
  private tryClearPending(id: number): void {
    const sm = this.activeMode(id);
    if (sm === SM_INACTIVE) return;
    if (sm >= SM_LEVEL1 && !(this.domaincfg & DOMAINCFG_DM)) return; // direct mode: a copy of the input
    this.setPendingBit(id, false);
  }

  private setEnable(id: number, v: boolean): void {
    if (this.activeMode(id) === SM_INACTIVE) return;
    const b = 1 << (id & 31);
    if (v) this.enableBits[id >>> 5]! |= b;
    else this.enableBits[id >>> 5]! &= ~b;
  }

  /** Makes source `id` inactive here and in every descendant (its state there reads zero again). */
  private deactivate(id: number): void {
    this.sourcecfg[id] = 0;
    this.setPendingBit(id, false);
    const b = 1 << (id & 31);
    this.enableBits[id >>> 5]! &= ~b;
    this.target[id] = 0;
    for (const c of this.children) c.deactivate(id);
  }

  private writeSourcecfg(id: number, value: number): void {
    if (!this.delegatedHere(id)) return; // read-only zero in a domain the source was not delegated to (4.5.2)
    const old = this.sourcecfg[id]!;
    let v: number;
    if (value & SOURCECFG_D) {
      // A leaf domain cannot delegate: the whole register becomes zero (4.5.2). Child Index is WLRL.
      const child = value & 0x3ff;
      v = this.children.length === 0 || child >= this.children.length ? 0 : SOURCECFG_D | child;
    } else {
      const sm = value & 7;
      v = sm === 2 || sm === 3 ? SM_INACTIVE : sm; // reserved modes: WARL, kept Inactive
    }
    if (v === old) return;
    const wasActive = (old & SOURCECFG_D) === 0 && (old & 7) !== 0;
    // Leaving a delegation resets the child's copy (it reads zero until written again).
    if (old & SOURCECFG_D) for (const c of this.children) c.deactivate(id);
    this.sourcecfg[id] = v;
    const active = (v & SOURCECFG_D) === 0 && v !== 0;
    if (!active) {
      this.setPendingBit(id, false);
      this.enableBits[id >>> 5]! &= ~(1 << (id & 31));
      this.target[id] = 0;
    } else {
      if (!wasActive) this.target[id] = this.domaincfg & DOMAINCFG_DM ? 0 : 1; // direct mode: IPRIO is never 0
      const sm = v & 7;
      // 4.5.2: a sourcecfg write may set the pending bit if the rectified input is high under the new
      // mode; for a level source it must (the bit is the input in direct mode), for edges we do not.
      if (sm >= SM_LEVEL1) this.setPendingBit(id, this.rectified(id));
    }
    for (const c of this.children) c.update();
    this.update();
  }

  private writeTarget(id: number, value: number): void {
    if (this.activeMode(id) === SM_INACTIVE) return;
    const hart = value & 0xfffc0000;
    if (this.domaincfg & DOMAINCFG_DM) {
      const guest = (value >>> 12) & 0x3f;
      this.target[id] = (hart | ((guest <= this.geilen ? guest : 0) << 12) | (value & this.eiidMask)) >>> 0;
    } else {
      // 4.5.16.1: IPRIO 0 is stored as 1.
      this.target[id] = (hart | ((value & IPRIO_MASK) || 1)) >>> 0;
    }
    this.update();
  }

  // ---- MMIO ----

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || offset & 3) return 0; // 32-bit registers only
    if (offset === APLIC_DOMAINCFG) return (0x80000000 | this.domaincfg) >>> 0; // bits 31:24 read 0x80 (byte-order probe)
    if (offset < APLIC_MMSIADDRCFG) {
      const id = offset >>> 2;
      return id <= this.sources && this.delegatedHere(id) ? this.sourcecfg[id]! : 0;
    }
    if (offset < APLIC_SETIP) {
      // Machine-level root only (4.5.3-4); when L = 1 they stay readable (our fields are not hidden).
      if (this.parent || this.level !== 'machine') return 0;
      return this.msiaddr[(offset - APLIC_MMSIADDRCFG) >>> 2]!;
    }
    if (offset < APLIC_SETIPNUM) return this.maskedWord(this.pendingBits, (offset - APLIC_SETIP) >>> 2);
    if (offset >= APLIC_IN_CLRIP && offset < APLIC_CLRIPNUM) return this.rectifiedWord((offset - APLIC_IN_CLRIP) >>> 2);
    if (offset >= APLIC_SETIE && offset < APLIC_SETIENUM) return this.maskedWord(this.enableBits, (offset - APLIC_SETIE) >>> 2);
    if (offset === APLIC_GENMSI) return this.domaincfg & DOMAINCFG_DM ? this.genmsiValue : 0; // Busy is never seen: sent at once
    if (offset >= APLIC_TARGET && offset < APLIC_IDC) {
      const id = ((offset - APLIC_TARGET) >>> 2) + 1;
      return id <= this.sources && this.activeMode(id) !== SM_INACTIVE ? this.target[id]! : 0;
    }
    if (offset >= APLIC_IDC && !(this.domaincfg & DOMAINCFG_DM)) {
      const hart = (offset - APLIC_IDC) >>> 5;
      if (hart >= this.harts) return 0;
      switch ((offset - APLIC_IDC) & 31) {
        case IDC_IDELIVERY: return this.idelivery[hart]!;
        case IDC_IFORCE: return this.iforce[hart]!;
        case IDC_ITHRESHOLD: return this.ithreshold[hart]!;
        case IDC_TOPI: return this.topi(hart);
        case IDC_CLAIMI: return this.claimi(hart);
        default: return 0;
      }
    }
    return 0; // setipnum, clripnum, clrie, setienum, clrienum, setipnum_le/be read zero; the rest is reserved
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || offset & 3) return;
    value >>>= 0;
    if (offset === APLIC_DOMAINCFG) {
      // IE writable; DM fixed by the implementation (WARL); BE read-only 0 (little-endian only).
      this.domaincfg = (value & DOMAINCFG_IE) | (this.delivery === 'msi' ? DOMAINCFG_DM : 0);
      this.update();
      return;
    }
    if (offset < APLIC_MMSIADDRCFG) {
      const id = offset >>> 2;
      if (id >= 1 && id <= this.sources) this.writeSourcecfg(id, value);
      return;
    }
    if (offset < APLIC_SETIP) {
      if (this.parent || this.level !== 'machine') return;
      if (this.msiaddr[1]! & 0x80000000) return; // locked by mmsiaddrcfgh.L (4.5.3)
      const r = (offset - APLIC_MMSIADDRCFG) >>> 2;
      // WARL masks: PPN high 11:0; mmsiaddrcfgh L 31, HHXS 28:24, LHXS 22:20, HHXW 18:16, LHXW 15:12; smsiaddrcfgh LHXS 22:20.
      const masks = [0xffffffff, 0x9f77ffff, 0xffffffff, 0x00700fff];
      this.msiaddr[r] = value & masks[r]!;
      return;
    }
    if (offset < APLIC_SETIPNUM) {
      this.forEachBit((offset - APLIC_SETIP) >>> 2, value, (id) => this.trySetPending(id));
    } else if (offset === APLIC_SETIPNUM) {
      this.bySourceNumber(value, (id) => this.trySetPending(id));
    } else if (offset >= APLIC_IN_CLRIP && offset < APLIC_CLRIPNUM) {
      this.forEachBit((offset - APLIC_IN_CLRIP) >>> 2, value, (id) => this.tryClearPending(id));
    } else if (offset === APLIC_CLRIPNUM) {
      this.bySourceNumber(value, (id) => this.tryClearPending(id));
    } else if (offset >= APLIC_SETIE && offset < APLIC_SETIENUM) {
      this.forEachBit((offset - APLIC_SETIE) >>> 2, value, (id) => this.setEnable(id, true));
    } else if (offset === APLIC_SETIENUM) {
      this.bySourceNumber(value, (id) => this.setEnable(id, true));
    } else if (offset >= APLIC_CLRIE && offset < APLIC_CLRIENUM) {
      this.forEachBit((offset - APLIC_CLRIE) >>> 2, value, (id) => this.setEnable(id, false));
    } else if (offset === APLIC_CLRIENUM) {
      this.bySourceNumber(value, (id) => this.setEnable(id, false));
    } else if (offset === APLIC_SETIPNUM_LE) {
      this.bySourceNumber(value, (id) => this.trySetPending(id));
    } else if (offset === APLIC_SETIPNUM_BE) {
      this.bySourceNumber(bswap32(value), (id) => this.trySetPending(id));
    } else if (offset === APLIC_GENMSI) {
      if (!(this.domaincfg & DOMAINCFG_DM)) return; // read-only zero in direct mode (4.5.15)
      // Extempore MSI: sent at once (so Busy is never observed), regardless of domaincfg.IE.
      this.genmsiValue = (value & 0xfffc0000) | (value & this.eiidMask);
      this.sendMsi(this.genmsiValue >>> 18, 0, this.genmsiValue & this.eiidMask);
      return;
    } else if (offset >= APLIC_TARGET && offset < APLIC_IDC) {
      const id = ((offset - APLIC_TARGET) >>> 2) + 1;
      if (id <= this.sources) this.writeTarget(id, value);
      return;
    } else if (offset >= APLIC_IDC && !(this.domaincfg & DOMAINCFG_DM)) {
      const hart = (offset - APLIC_IDC) >>> 5;
      if (hart >= this.harts) return;
      switch ((offset - APLIC_IDC) & 31) {
        case IDC_IDELIVERY: this.idelivery[hart] = value & 1; break;
        case IDC_IFORCE: this.iforce[hart] = value & 1; break;
        case IDC_ITHRESHOLD: this.ithreshold[hart] = value & IPRIO_MASK; break;
        default: return; // topi and claimi ignore writes
      }
    } else {
      return;
    }
    this.update();
  }

  private maskedWord(bits: Uint32Array, w: number): number {
    if (w >= bits.length) return 0;
    return bits[w]! >>> 0; // inactive sources are kept at zero, so no further masking is needed
  }

  private rectifiedWord(w: number): number {
    let v = 0;
    for (let b = 0; b < 32; b++) {
      const id = (w << 5) | b;
      if (id >= 1 && id <= this.sources && this.rectified(id)) v |= 1 << b;
    }
    return v >>> 0;
  }

  private forEachBit(w: number, value: number, f: (id: number) => void): void {
    for (let b = 0; b < 32 && value; b++, value >>>= 1) {
      const id = (w << 5) | b;
      if (value & 1 && id >= 1 && id <= this.sources) f(id);
    }
  }

  private bySourceNumber(id: number, f: (id: number) => void): void {
    if (id >= 1 && id <= this.sources) f(id); // other values are ignored (4.5.6)
  }

  // ---- direct delivery (4.8) ----

  /** IDC topi of hart index `hart`: source in 25:16, priority in 7:0, or 0. */
  topi(hart: number): number {
    const thr = this.ithreshold[hart] ?? 0;
    let best = 0;
    let bestPrio = 256;
    for (let w = 0; w < this.pendingBits.length; w++) {
      let bits = this.pendingBits[w]! & this.enableBits[w]!;
      while (bits) {
        const id = (w << 5) | (31 - Math.clz32(bits & -bits));
        bits &= bits - 1;
        const t = this.target[id]!;
        if (t >>> 18 !== hart) continue;
        const prio = t & IPRIO_MASK;
        if (thr !== 0 && prio >= thr) continue;
        // Smaller numbers win; ties go to the lower source number (4.5.16.1), which comes first here.
        if (prio < bestPrio) {
          bestPrio = prio;
          best = id;
        }
      }
    }
    return best === 0 ? 0 : ((best << 16) | bestPrio) >>> 0;
  }

  private claimi(hart: number): number {
    const v = this.topi(hart);
    if (v === 0) {
      this.iforce[hart] = 0; // 4.8.1.5: a claim that returns 0 clears iforce
    } else {
      const id = v >>> 16;
      // Claiming clears edge/detached pending bits; a level source's bit stays a copy of its input (4.7).
      if (this.activeMode(id) < SM_LEVEL1) this.setPendingBit(id, false);
    }
    this.update();
    return v;
  }

  // ---- MSI forwarding (4.9) ----

  /** The MSI address of hart index `hart` (and guest `guest`) per 4.9.1, from the root domain's registers. */
  msiAddress(hart: number, guest: number): number {
    if (this.hardwired) return this.hardwired(hart, guest);
    let root: AplicDomain = this;
    while (root.parent) root = root.parent;
    const cfg = root.msiaddr;
    const h = cfg[1]!;
    const lhxw = (h >>> 12) & 0xf;
    const hhxw = (h >>> 16) & 0x7;
    const lhxs = this.level === 'machine' ? (h >>> 20) & 0x7 : (cfg[3]! >>> 20) & 0x7;
    const hhxs = (h >>> 24) & 0x1f;
    const ppn = this.level === 'machine' ? (h & 0xfff) * 2 ** 32 + cfg[0]! : (cfg[3]! & 0xfff) * 2 ** 32 + cfg[2]!;
    const g = (hart >>> lhxw) & ((1 << hhxw) - 1);
    const hh = hart & ((1 << lhxw) - 1);
    // Spread the OR over a float-safe sum: the fields occupy disjoint bits of the PPN.
    const page = orBits(orBits(ppn, g * 2 ** (hhxs + 12)), hh * 2 ** lhxs);
    return (page + guest) * 4096; // a guest index selects the page after the S file (4.9.1)
  }

  private sendMsi(hart: number, guest: number, eiid: number): void {
    const addr = this.msiAddress(hart, guest);
    if (Number.isFinite(addr)) this.msi?.write(addr, eiid);
  }

  /** Forwards every pending-and-enabled source as an MSI (when IE = 1), clearing its pending bit. */
  private forward(): void {
    if (this.forwarding) return; // re-entered from our own MSI: the outer pass (or the next poll) sends it
    this.forwarding = true;
    try {
      for (let w = 0; w < this.pendingBits.length; w++) {
        let bits = this.pendingBits[w]! & this.enableBits[w]!;
        while (bits) {
          const id = (w << 5) | (31 - Math.clz32(bits & -bits));
          bits &= bits - 1;
          this.setPendingBit(id, false);
          const t = this.target[id]!;
          this.sendMsi(t >>> 18, (t >>> 12) & 0x3f, t & this.eiidMask);
        }
      }
    } finally {
      this.forwarding = false;
    }
  }

  /** Sends what re-entrant MSIs left pending (the board calls this between slices). */
  poll(): void {
    if (this.domaincfg & DOMAINCFG_DM && this.domaincfg & DOMAINCFG_IE) this.forward();
    for (const c of this.children) c.poll();
  }

  private update(): void {
    if (this.domaincfg & DOMAINCFG_DM) {
      if (this.domaincfg & DOMAINCFG_IE) this.forward();
      return;
    }
    const ie = (this.domaincfg & DOMAINCFG_IE) !== 0;
    for (let hart = 0; hart < this.harts; hart++) {
      // 4.8.2: asserted while IE = 1, idelivery = 1 and (iforce or topi) is nonzero.
      const v = ie && this.idelivery[hart] === 1 && (this.iforce[hart] === 1 || this.topi(hart) !== 0) ? 1 : 0;
      if (v !== this.idcOut[hart]) {
        this.idcOut[hart] = v;
        this.idcLines[hart]?.set(v === 1);
      }
    }
  }

  getState(): AplicDomainState {
    return {
      stateVersion: 1,
      domaincfg: this.domaincfg,
      sourcecfg: Array.from(this.sourcecfg),
      target: Array.from(this.target),
      pending: Array.from(this.pendingBits),
      enable: Array.from(this.enableBits),
      wire: Array.from(this.wire),
      msiaddr: Array.from(this.msiaddr),
      idc: Array.from({ length: this.harts }, (_, i) => ({
        idelivery: this.idelivery[i]!, iforce: this.iforce[i]!, ithreshold: this.ithreshold[i]!,
      })),
      genmsi: this.genmsiValue,
    };
  }

  /** Restores a domain's registers into this (freshly built, same-shaped) domain. */
  restoreState(s: AplicDomainState): void {
    if (s.stateVersion !== 1) throw new Error(`aplic: unsupported stateVersion ${String(s.stateVersion)}`);
    this.domaincfg = (s.domaincfg & DOMAINCFG_IE) | (this.delivery === 'msi' ? DOMAINCFG_DM : 0);
    this.sourcecfg.set(s.sourcecfg.slice(0, this.sourcecfg.length));
    this.target.set(s.target.slice(0, this.target.length));
    this.pendingBits.set(s.pending.slice(0, this.pendingBits.length));
    this.enableBits.set(s.enable.slice(0, this.enableBits.length));
    this.wire.set(s.wire.slice(0, this.wire.length));
    this.msiaddr.set(s.msiaddr.slice(0, 4));
    s.idc.slice(0, this.harts).forEach((d, i) => {
      this.idelivery[i] = d.idelivery & 1;
      this.iforce[i] = d.iforce & 1;
      this.ithreshold[i] = d.ithreshold & IPRIO_MASK;
    });
    this.genmsiValue = s.genmsi >>> 0;
    this.update();
  }
}

/** a | b for non-negative integers below 2^53 (JS bitwise operators are 32-bit). */
function orBits(a: number, b: number): number {
  const hi = (Math.floor(a / 2 ** 32) | Math.floor(b / 2 ** 32)) >>> 0;
  const lo = ((a >>> 0) | (b >>> 0)) >>> 0;
  return hi * 2 ** 32 + lo;
}

function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}
