/**
 * The platform-level interrupt controller as QEMU's virt machine has it (aia=none):
 * "sifive,plic-1.0.0" / "riscv,plic0" at 0xC000000. RISC-V PLIC Specification 1.0.0
 * (ratified): priorities at 0x0 + 4*src, pending bits at 0x1000, per-context enables at
 * 0x2000 + 0x80*ctx, threshold at 0x200000 + 0x1000*ctx and claim/complete at +4.
 * On virt, context 2h is hart h's M mode (MEIP) and 2h+1 its S mode (SEIP).
 * Sources are level-triggered: the gateway forwards a request when the line is high and
 * no request from that source is in service (PLIC spec, "Interrupt Gateways").
 */
import { type Cell, type FdtNode, ref } from '@tsvisor/fdt';

export const PLIC_PRIORITY_BASE = 0x0;
export const PLIC_PENDING_BASE = 0x1000;
export const PLIC_ENABLE_BASE = 0x2000;
export const PLIC_ENABLE_STRIDE = 0x80;
export const PLIC_CONTEXT_BASE = 0x20_0000;
export const PLIC_CONTEXT_STRIDE = 0x1000;
/** QEMU virt's interrupt source count (riscv,ndev). */
export const PLIC_VIRT_NDEV = 96;
/** QEMU 7.2 virt's PLIC window (room for 1024 contexts). */
export const PLIC_VIRT_SIZE = 0x60_0000;
/** Priorities 1..7 (0 = never interrupt), as on QEMU virt and the SiFive parts. */
export const PLIC_MAX_PRIORITY = 7;

interface IrqLineLike {
  set(level: boolean): void;
}

export interface PlicOptions {
  /** Number of interrupt sources; source ids are 1..ndev (0 means "none"). */
  ndev?: number;
  /** One output line per context (virt: 2h -> hart h MEIP, 2h+1 -> hart h SEIP). */
  contexts: IrqLineLike[];
}

export interface PlicState {
  stateVersion: 1;
  ndev: number;
  priority: number[];
  pending: number[];
  claimed: number[];
  level: number[];
  enable: number[][];
  threshold: number[];
}

/** RISC-V PLIC 1.0.0 with level-triggered gateways. */
export class Plic {
  static readonly compatible = ['sifive,plic-1.0.0', 'riscv,plic0'];

  readonly ndev: number;
  readonly contextCount: number;
  private readonly words: number;
  private readonly priority: Uint8Array;
  /** Bitmaps, one bit per source (bit 0 of word 0 is source 0, which never pends). */
  private readonly pending: Uint32Array;
  private readonly claimed: Uint32Array;
  private readonly level: Uint32Array;
  private readonly enable: Uint32Array[];
  private readonly threshold: Uint8Array;
  private readonly outputs: IrqLineLike[];
  private readonly outLevel: Uint8Array;
  private readonly lines: IrqLineLike[] = [];

  constructor(options: PlicOptions) {
    const ndev = options.ndev ?? PLIC_VIRT_NDEV;
    if (!Number.isInteger(ndev) || ndev < 1 || ndev > 1023) throw new RangeError('plic: ndev must be 1..1023');
    this.ndev = ndev;
    this.contextCount = options.contexts.length;
    this.words = (ndev + 1 + 31) >>> 5;
    this.priority = new Uint8Array(ndev + 1);
    this.pending = new Uint32Array(this.words);
    this.claimed = new Uint32Array(this.words);
    this.level = new Uint32Array(this.words);
    this.enable = options.contexts.map(() => new Uint32Array(this.words));
    this.threshold = new Uint8Array(this.contextCount);
    this.outputs = options.contexts;
    this.outLevel = new Uint8Array(this.contextCount);
  }

  /** The input wire of source `id` (1..ndev), for a device's `irq` option. */
  source(id: number): IrqLineLike {
    if (!Number.isInteger(id) || id < 1 || id > this.ndev) throw new RangeError(`plic: no source ${id} (1..${this.ndev})`);
    let line = this.lines[id];
    if (!line) {
      line = { set: (lv: boolean) => this.setSourceLevel(id, lv) };
      this.lines[id] = line;
    }
    return line;
  }

  /** Drives source `id`'s input level. */
  setSourceLevel(id: number, high: boolean): void {
    if (id < 1 || id > this.ndev) return;
    const w = id >>> 5;
    const b = 1 << (id & 31);
    if (high) {
      this.level[w]! |= b;
      // Gateway: forward a new request only when none from this source is in service.
      if (!(this.claimed[w]! & b)) this.pending[w]! |= b;
    } else {
      this.level[w]! &= ~b;
      // A level-triggered request that goes away before it is claimed is withdrawn (as QEMU does).
      if (!(this.claimed[w]! & b)) this.pending[w]! &= ~b;
    }
    this.update();
  }

  read(offset: number, size: 1 | 2 | 4): number {
    if (size !== 4 || offset & 3) return 0; // the PLIC has 32-bit registers only
    if (offset < PLIC_PENDING_BASE) {
      const src = offset >>> 2;
      return src >= 1 && src <= this.ndev ? this.priority[src]! : 0;
    }
    if (offset < PLIC_ENABLE_BASE) {
      const w = (offset - PLIC_PENDING_BASE) >>> 2;
      return w < this.words ? this.pending[w]! >>> 0 : 0;
    }
    if (offset < PLIC_CONTEXT_BASE) {
      const ctx = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
      return ctx < this.contextCount && w < this.words ? this.enable[ctx]![w]! >>> 0 : 0;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    if (ctx >= this.contextCount) return 0;
    const reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) return this.threshold[ctx]!;
    if (reg === 4) return this.claim(ctx);
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number): void {
    if (size !== 4 || offset & 3) return;
    value >>>= 0;
    if (offset < PLIC_PENDING_BASE) {
      const src = offset >>> 2;
      if (src >= 1 && src <= this.ndev) {
        this.priority[src] = Math.min(value, PLIC_MAX_PRIORITY); // WARL: 3 priority bits
        this.update();
      }
      return;
    }
    if (offset < PLIC_ENABLE_BASE) return; // pending bits are read-only
    if (offset < PLIC_CONTEXT_BASE) {
      const ctx = Math.floor((offset - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
      const w = ((offset - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE) >>> 2;
      if (ctx >= this.contextCount || w >= this.words) return;
      let v = value;
      if (w === 0) v &= ~1; // source 0 does not exist
      if (w === this.words - 1) {
        const top = (this.ndev + 1) & 31;
        if (top) v &= (1 << top) - 1;
      }
      this.enable[ctx]![w] = v;
      this.update();
      return;
    }
    const ctx = Math.floor((offset - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
    if (ctx >= this.contextCount) return;
    const reg = (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;
    if (reg === 0) {
      this.threshold[ctx] = Math.min(value, PLIC_MAX_PRIORITY);
      this.update();
    } else if (reg === 4) {
      this.complete(ctx, value);
    }
  }

  /** The id a claim by `ctx` would return now (0 if none), without claiming. */
  best(ctx: number): number {
    const en = this.enable[ctx]!;
    let bestId = 0;
    let bestPrio = this.threshold[ctx]!;
    for (let w = 0; w < this.words; w++) {
      let bits = this.pending[w]! & en[w]!;
      while (bits) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const id = (w << 5) | bit;
        const p = this.priority[id]!;
        // Strictly above the threshold; ties go to the lowest id (PLIC spec, "Interrupt Priorities").
        if (p > bestPrio) {
          bestPrio = p;
          bestId = id;
        }
      }
    }
    return bestId;
  }

  private claim(ctx: number): number {
    const id = this.best(ctx);
    if (id) {
      const w = id >>> 5;
      const b = 1 << (id & 31);
      this.pending[w]! &= ~b;
      this.claimed[w]! |= b;
      this.update();
    }
    return id;
  }

  private complete(ctx: number, id: number): void {
    if (id < 1 || id > this.ndev) return;
    const w = id >>> 5;
    const b = 1 << (id & 31);
    // PLIC spec, "Interrupt Completion": an id not enabled for this context is ignored.
    if (!(this.enable[ctx]![w]! & b)) return;
    this.claimed[w]! &= ~b;
    if (this.level[w]! & b) this.pending[w]! |= b;
    this.update();
  }

  private update(): void {
    for (let ctx = 0; ctx < this.contextCount; ctx++) {
      const v = this.best(ctx) !== 0 ? 1 : 0;
      if (v !== this.outLevel[ctx]) {
        this.outLevel[ctx] = v;
        this.outputs[ctx]!.set(v === 1);
      }
    }
  }

  getState(): PlicState {
    return {
      stateVersion: 1,
      ndev: this.ndev,
      priority: Array.from(this.priority),
      pending: Array.from(this.pending),
      claimed: Array.from(this.claimed),
      level: Array.from(this.level),
      enable: this.enable.map((e) => Array.from(e)),
      threshold: Array.from(this.threshold),
    };
  }

  static fromState(state: PlicState, options: PlicOptions): Plic {
    if (state.stateVersion !== 1) throw new Error(`plic: unsupported stateVersion ${String(state.stateVersion)}`);
    const p = new Plic({ ...options, ndev: state.ndev });
    p.priority.set(state.priority);
    p.pending.set(state.pending);
    p.claimed.set(state.claimed);
    p.level.set(state.level);
    state.enable.forEach((e, i) => p.enable[i]?.set(e));
    p.threshold.set(state.threshold.slice(0, p.contextCount));
    p.update();
    return p;
  }
}

export interface PlicFdtOptions {
  base: number;
  size?: number;
  ndev?: number;
  /** Label for the node (devices reference it in interrupt-parent); default 'plic'. */
  label?: string;
  /** Per context in order: the hart's cpu-intc label and the mip bit (11 = MEIP, 9 = SEIP). */
  contexts: { intcLabel: string; irq: number }[];
}

/** Writes `plic@<base>` (Linux binding sifive,plic-1.0.0) under `parent`; returns it. */
export function writePlicNode(parent: FdtNode, o: PlicFdtOptions): FdtNode {
  const cells: Cell[] = [];
  for (const c of o.contexts) cells.push(ref(c.intcLabel), c.irq);
  return parent
    .addNode(`plic@${o.base.toString(16)}`, { label: o.label ?? 'plic' })
    .u32('riscv,ndev', o.ndev ?? PLIC_VIRT_NDEV)
    .u64('reg', o.base, o.size ?? PLIC_VIRT_SIZE)
    .u32('interrupts-extended', ...cells)
    .empty('interrupt-controller')
    .strings('compatible', ...Plic.compatible)
    .u32('#address-cells', 0)
    .u32('#interrupt-cells', 1);
}
