import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_LAST_COMP_VERSION,
  FDT_MAGIC,
  FDT_PROP,
  FDT_VERSION,
} from './defs.js';
import { FdtError } from './errors.js';
import { utf8Encode } from './utf8.js';
import { type Cell, type FdtValue, isRef, toU32, toU64 } from './value.js';

/** One memory reservation block entry (DT spec 5.3). */
export interface FdtReservation {
  readonly address: bigint;
  readonly size: bigint;
}

export interface FdtProperty {
  readonly name: string;
  value: FdtValue;
}

export interface FdtBuilderOptions {
  /** Header boot_cpuid_phys: the physical id of the boot CPU (DT spec 5.2). Default 0. */
  bootCpuidPhys?: number;
}

export interface AddNodeOptions {
  /** A label other nodes reference with `ref(label)`; the node then gets a `phandle` property. */
  label?: string;
  /** Force this phandle value (otherwise allocated at build time, in tree order, skipping used values). */
  phandle?: number;
}

export interface BuildOptions {
  /** Pad the blob with zeros up to this total size (like QEMU's 1 MiB FDT buffer); totalsize covers the padding. */
  padTo?: number;
}

// DT spec 2.2.1 / 2.2.4.1: the characters allowed in node and property names (the 31-character
// limit is a recommendation real trees break, so it is not enforced).
const NODE_NAME = /^[0-9A-Za-z,._+-]+(@[0-9A-Za-z,._+-]+)?$/;
const PROP_NAME = /^[0-9A-Za-z,._+?#-]+$/;

/** A node under construction. Properties keep insertion order; setting a property again replaces it in place. */
export class FdtNode {
  readonly children: FdtNode[] = [];
  readonly properties: FdtProperty[] = [];
  label: string | undefined;
  phandle: number | undefined;

  /** @internal use `FdtBuilder.root` / `addNode` */
  constructor(
    readonly builder: FdtBuilder,
    readonly name: string,
    readonly parent: FdtNode | undefined,
  ) {}

  /** The node's full path ('/' for the root). */
  get path(): string {
    if (!this.parent) return '/';
    const p = this.parent.path;
    return p === '/' ? `/${this.name}` : `${p}/${this.name}`;
  }

  /** Adds a child node `name` ("node-name@unit-address", DT spec 2.2.1). Throws if a sibling has that name. */
  addNode(name: string, options: AddNodeOptions = {}): FdtNode {
    if (!NODE_NAME.test(name)) throw new FdtError(`${this.path}: invalid node name "${name}"`);
    if (this.children.some((c) => c.name === name)) throw new FdtError(`${this.path}: duplicate node "${name}"`);
    const node = new FdtNode(this.builder, name, this);
    this.children.push(node);
    if (options.label !== undefined) this.builder.setLabel(node, options.label);
    if (options.phandle !== undefined) node.setPhandle(options.phandle);
    return node;
  }

  /** The child called `name`, or undefined. */
  child(name: string): FdtNode | undefined {
    return this.children.find((c) => c.name === name);
  }

  /** Gives the node a label; `ref(label)` cells then resolve to its phandle. */
  setLabel(label: string): this {
    this.builder.setLabel(this, label);
    return this;
  }

  /** Fixes the node's phandle value (1..0xfffffffe, DT spec 2.3.3). */
  setPhandle(value: number): this {
    if (!Number.isInteger(value) || value < 1 || value > 0xffff_fffe) {
      throw new FdtError(`${this.path}: phandle ${value} out of range 1..0xfffffffe`);
    }
    this.phandle = value;
    return this;
  }

  /** Sets property `name` to `value` (replacing an existing property of that name in place). */
  set(name: string, value: FdtValue): this {
    if (!PROP_NAME.test(name)) throw new FdtError(`${this.path}: invalid property name "${name}"`);
    const existing = this.properties.find((p) => p.name === name);
    if (existing) existing.value = value;
    else this.properties.push({ name, value });
    return this;
  }

  /** The property `name`, or undefined. */
  get(name: string): FdtValue | undefined {
    return this.properties.find((p) => p.name === name)?.value;
  }

  /** Removes property `name` if present. */
  remove(name: string): this {
    const i = this.properties.findIndex((p) => p.name === name);
    if (i >= 0) this.properties.splice(i, 1);
    return this;
  }

  /** A boolean property with no value. */
  empty(name: string): this {
    return this.set(name, { kind: 'empty' });
  }
  /** u32 cells (numbers or `ref(label)` phandle references). */
  u32(name: string, ...cells: Cell[]): this {
    return this.set(name, { kind: 'cells', cells });
  }
  /** u64 values, each two cells high first (e.g. `reg` with #address-cells = #size-cells = 2). */
  u64(name: string, ...values: (bigint | number)[]): this {
    return this.set(name, { kind: 'u64', values });
  }
  /** One NUL-terminated string. */
  string(name: string, value: string): this {
    return this.set(name, { kind: 'string', value });
  }
  /** A string list (e.g. `compatible`). */
  strings(name: string, ...values: string[]): this {
    return this.set(name, { kind: 'strings', values });
  }
  /** Raw bytes. */
  bytes(name: string, bytes: Uint8Array): this {
    return this.set(name, { kind: 'bytes', bytes });
  }
}

/**
 * Builds a flattened device tree blob (DT spec chapter 5): header version 17
 * (last_comp_version 16), memory reservation block, structure block, strings block
 * with each property name stored once.
 *
 * ```ts
 * const fdt = new FdtBuilder();
 * fdt.root.u32('#address-cells', 2).u32('#size-cells', 2).string('compatible', 'riscv-virtio');
 * const intc = fdt.root.addNode('cpus').addNode('cpu@0').addNode('interrupt-controller', { label: 'intc0' });
 * fdt.root.addNode('plic@c000000').u32('interrupts-extended', ref('intc0'), 11, ref('intc0'), 9);
 * const dtb: Uint8Array = fdt.build();
 * ```
 */
export class FdtBuilder {
  readonly root: FdtNode;
  readonly reservations: FdtReservation[] = [];
  bootCpuidPhys: number;
  private readonly labels = new Map<string, FdtNode>();

  constructor(options: FdtBuilderOptions = {}) {
    this.root = new FdtNode(this, '', undefined);
    this.bootCpuidPhys = toU32(options.bootCpuidPhys ?? 0, 'boot_cpuid_phys');
  }

  /** Adds a memory reservation block entry (DT spec 5.3). */
  addReservation(address: bigint | number, size: bigint | number): this {
    this.reservations.push({ address: toU64(address, 'reservation address'), size: toU64(size, 'reservation size') });
    return this;
  }

  /** The node at `path` ('/', '/soc/uart@10000000'), or undefined. */
  node(path: string): FdtNode | undefined {
    if (path === '/' || path === '') return this.root;
    let n: FdtNode | undefined = this.root;
    for (const part of path.replace(/^\//, '').split('/')) {
      n = n?.child(part);
      if (!n) return undefined;
    }
    return n;
  }

  /** The node carrying `label`, or undefined. */
  labelled(label: string): FdtNode | undefined {
    return this.labels.get(label);
  }

  /** @internal */
  setLabel(node: FdtNode, label: string): void {
    if (!/^[A-Za-z_][0-9A-Za-z_]*$/.test(label)) throw new FdtError(`${node.path}: invalid label "${label}"`);
    const other = this.labels.get(label);
    if (other && other !== node) throw new FdtError(`label "${label}" is already on ${other.path}`);
    if (node.label !== undefined && node.label !== label) this.labels.delete(node.label);
    node.label = label;
    this.labels.set(label, node);
  }

  /**
   * Assigns phandles: nodes with a fixed phandle keep it; labelled nodes that some
   * cell references get the lowest unused values in tree order. Returns label -> phandle.
   */
  resolvePhandles(): Map<string, number> {
    const referenced = new Set<string>();
    const used = new Set<number>();
    const all: FdtNode[] = [];
    const walk = (n: FdtNode): void => {
      all.push(n);
      // A phandle written as a plain property (e.g. copied from a parsed blob) counts as fixed.
      const explicit = n.get('phandle');
      if (n.phandle === undefined && explicit) {
        if (explicit.kind === 'cells' && explicit.cells.length === 1 && !isRef(explicit.cells[0])) n.setPhandle(explicit.cells[0] >>> 0);
        else if (explicit.kind === 'bytes' && explicit.bytes.length === 4) {
          n.setPhandle(new DataView(explicit.bytes.buffer, explicit.bytes.byteOffset, 4).getUint32(0));
        }
      }
      if (n.phandle !== undefined) {
        if (used.has(n.phandle)) throw new FdtError(`${n.path}: phandle ${n.phandle} is used twice`);
        used.add(n.phandle);
      }
      for (const p of n.properties) {
        if (p.value.kind !== 'cells') continue;
        for (const c of p.value.cells) {
          if (!isRef(c)) continue;
          if (!this.labels.has(c.ref)) throw new FdtError(`${n.path}: property ${p.name} references unknown label "${c.ref}"`);
          referenced.add(c.ref);
        }
      }
      n.children.forEach(walk);
    };
    walk(this.root);
    const result = new Map<string, number>();
    let next = 1;
    for (const n of all) {
      if (n.label === undefined) continue;
      if (n.phandle === undefined && referenced.has(n.label)) {
        while (used.has(next)) next++;
        n.phandle = next;
        used.add(next);
      }
      if (n.phandle !== undefined) result.set(n.label, n.phandle);
    }
    return result;
  }

  /** Serialises the tree to a DTB. */
  build(options: BuildOptions = {}): Uint8Array {
    const phandles = this.resolvePhandles();
    const strings = new StringsBlock();
    const struct = new ByteWriter();

    const encodeValue = (node: FdtNode, prop: FdtProperty): Uint8Array => {
      const v = prop.value;
      const what = `${node.path}: property ${prop.name}`;
      switch (v.kind) {
        case 'empty':
          return new Uint8Array(0);
        case 'cells': {
          const out = new Uint8Array(4 * v.cells.length);
          const dv = new DataView(out.buffer);
          v.cells.forEach((c, i) => dv.setUint32(4 * i, isRef(c) ? phandles.get(c.ref)! : toU32(c, what)));
          return out;
        }
        case 'u64': {
          const out = new Uint8Array(8 * v.values.length);
          const dv = new DataView(out.buffer);
          v.values.forEach((x, i) => dv.setBigUint64(8 * i, toU64(x, what)));
          return out;
        }
        case 'string':
          return cstring(v.value, what);
        case 'strings':
          return concat(v.values.map((s) => cstring(s, what)));
        case 'bytes':
          return v.bytes;
      }
    };

    const emit = (node: FdtNode): void => {
      struct.u32(FDT_BEGIN_NODE);
      struct.bytes(cstring(node.name, node.path));
      struct.align4();
      for (const p of node.properties) {
        const value = encodeValue(node, p);
        struct.u32(FDT_PROP);
        struct.u32(value.length);
        struct.u32(strings.offsetOf(p.name));
        struct.bytes(value);
        struct.align4();
      }
      // DT spec 2.3.3: the node's phandle property, unless the caller wrote one.
      if (node.phandle !== undefined && !node.properties.some((p) => p.name === 'phandle')) {
        struct.u32(FDT_PROP);
        struct.u32(4);
        struct.u32(strings.offsetOf('phandle'));
        struct.u32(node.phandle);
      }
      node.children.forEach(emit);
      struct.u32(FDT_END_NODE);
    };
    emit(this.root);
    struct.u32(FDT_END);

    // Layout as dtc writes it: header, memory reservation block (8-aligned), structure, strings.
    const offRsv = FDT_HEADER_SIZE;
    const rsvSize = 16 * (this.reservations.length + 1);
    const offStruct = offRsv + rsvSize;
    const structBytes = struct.finish();
    const offStrings = offStruct + structBytes.length;
    const stringBytes = strings.finish();
    const used = offStrings + stringBytes.length;
    const total = Math.max(used, options.padTo ?? 0);

    const out = new Uint8Array(total);
    const dv = new DataView(out.buffer);
    const header = [
      FDT_MAGIC,
      total,
      offStruct,
      offStrings,
      offRsv,
      FDT_VERSION,
      FDT_LAST_COMP_VERSION,
      this.bootCpuidPhys,
      stringBytes.length,
      structBytes.length,
    ];
    header.forEach((v, i) => dv.setUint32(4 * i, v));
    this.reservations.forEach((r, i) => {
      dv.setBigUint64(offRsv + 16 * i, r.address);
      dv.setBigUint64(offRsv + 16 * i + 8, r.size);
    });
    out.set(structBytes, offStruct);
    out.set(stringBytes, offStrings);
    return out;
  }
}

function cstring(s: string, what: string): Uint8Array {
  const b = utf8Encode(s);
  if (b.includes(0)) throw new FdtError(`${what}: string contains a NUL character`);
  const out = new Uint8Array(b.length + 1);
  out.set(b);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

class ByteWriter {
  private buf = new Uint8Array(1024);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0);
    this.len += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  align4(): void {
    const pad = (4 - (this.len & 3)) & 3;
    this.ensure(pad);
    this.buf.fill(0, this.len, this.len + pad);
    this.len += pad;
  }
  get length(): number {
    return this.len;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** DT spec 5.5: the strings block; each name is stored once and properties share its offset. */
class StringsBlock {
  private readonly offsets = new Map<string, number>();
  private readonly w = new ByteWriter();
  offsetOf(name: string): number {
    let off = this.offsets.get(name);
    if (off === undefined) {
      off = this.w.length;
      this.w.bytes(cstring(name, 'property name'));
      this.offsets.set(name, off);
    }
    return off;
  }
  finish(): Uint8Array {
    return this.w.finish();
  }
}
