import {
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_HEADER_SIZE,
  FDT_MAGIC,
  FDT_NOP,
  FDT_PROP,
} from './defs.js';
import { FdtBuilder, type FdtNode, type FdtReservation } from './builder.js';
import { FdtError } from './errors.js';
import { utf8Decode } from './utf8.js';

/** A property read from a blob: its name and raw value bytes. */
export interface FdtRawProperty {
  readonly name: string;
  readonly value: Uint8Array;
}

/** A node read from a blob, with typed accessors for its property values (DT spec 2.2.4). */
export class FdtTreeNode {
  readonly properties: FdtRawProperty[] = [];
  readonly children: FdtTreeNode[] = [];
  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  /** The raw bytes of property `name`, or undefined. */
  prop(name: string): Uint8Array | undefined {
    return this.properties.find((p) => p.name === name)?.value;
  }
  has(name: string): boolean {
    return this.properties.some((p) => p.name === name);
  }
  /** The value as u32 cells (undefined if absent; throws if its length is not a multiple of 4). */
  u32s(name: string): number[] | undefined {
    const v = this.prop(name);
    if (!v) return undefined;
    if (v.length % 4) throw new FdtError(`${this.path}: property ${name} is ${v.length} bytes, not whole cells`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(4 * i));
  }
  /** The first cell of property `name`. */
  u32(name: string): number | undefined {
    return this.u32s(name)?.[0];
  }
  /** The value as u64 values (two cells each, high first). */
  u64s(name: string): bigint[] | undefined {
    const v = this.prop(name);
    if (!v) return undefined;
    if (v.length % 8) throw new FdtError(`${this.path}: property ${name} is ${v.length} bytes, not whole u64 values`);
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 8 }, (_, i) => dv.getBigUint64(8 * i));
  }
  /** The value as a string list (NUL-separated). */
  strings(name: string): string[] | undefined {
    const v = this.prop(name);
    if (!v) return undefined;
    const out: string[] = [];
    let start = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === 0) {
        out.push(utf8Decode(v.subarray(start, i)));
        start = i + 1;
      }
    }
    if (start < v.length) out.push(utf8Decode(v.subarray(start)));
    return out;
  }
  /** The first string of property `name`. */
  string(name: string): string | undefined {
    return this.strings(name)?.[0];
  }
  child(name: string): FdtTreeNode | undefined {
    return this.children.find((c) => c.name === name);
  }
  /** The descendant at relative or absolute `path` ('soc/uart@10000000'). */
  find(path: string): FdtTreeNode | undefined {
    let n: FdtTreeNode | undefined = this;
    for (const part of path.split('/').filter((p) => p !== '')) {
      n = n?.child(part);
      if (!n) return undefined;
    }
    return n;
  }
  /** Every node of this subtree, this one first, in tree order. */
  *walk(): IterableIterator<FdtTreeNode> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

/** Nesting limit for blobs we read: real trees are a handful of levels deep; this bounds recursion. */
export const FDT_MAX_DEPTH = 64;

/** A parsed DTB. */
export interface FdtTree {
  readonly version: number;
  readonly lastCompVersion: number;
  readonly bootCpuidPhys: number;
  readonly totalSize: number;
  readonly reservations: FdtReservation[];
  readonly root: FdtTreeNode;
}

/** Parses a flattened device tree blob (DT spec chapter 5). Throws FdtError on a malformed blob. */
export function parseDtb(blob: Uint8Array): FdtTree {
  if (blob.length < FDT_HEADER_SIZE) throw new FdtError(`DTB is ${blob.length} bytes, shorter than its header`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = (i: number): number => dv.getUint32(4 * i);
  if (h(0) !== FDT_MAGIC) throw new FdtError(`not a DTB: magic 0x${h(0).toString(16)} (want 0xd00dfeed)`);
  const totalSize = h(1);
  const offStruct = h(2);
  const offStrings = h(3);
  const offRsv = h(4);
  const version = h(5);
  const lastCompVersion = h(6);
  const bootCpuidPhys = h(7);
  const sizeStrings = h(8);
  const sizeStruct = h(9);
  if (lastCompVersion > 17) throw new FdtError(`DTB last_comp_version ${lastCompVersion} is newer than 17`);
  if (version < 17) throw new FdtError(`DTB version ${version} is older than 17 (no size_dt_struct)`);
  if (totalSize > blob.length) throw new FdtError(`DTB totalsize ${totalSize} exceeds the ${blob.length} bytes given`);
  const within = (off: number, size: number, what: string): void => {
    if (off + size > totalSize) throw new FdtError(`DTB ${what} at ${off}+${size} runs past totalsize ${totalSize}`);
  };
  within(offStruct, sizeStruct, 'structure block');
  within(offStrings, sizeStrings, 'strings block');

  const reservations: FdtReservation[] = [];
  for (let o = offRsv; ; o += 16) {
    within(o, 16, 'memory reservation block');
    const address = dv.getBigUint64(o);
    const size = dv.getBigUint64(o + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const structEnd = offStruct + sizeStruct;
  let p = offStruct;
  const u32 = (): number => {
    if (p + 4 > structEnd) throw new FdtError(`DTB structure block ends inside a token at ${p}`);
    const v = dv.getUint32(p);
    p += 4;
    return v;
  };
  const cstr = (start: number, end: number, what: string): [string, number] => {
    let i = start;
    while (i < end && blob[i] !== 0) i++;
    if (i >= end) throw new FdtError(`DTB ${what} at ${start} is not NUL-terminated`);
    return [utf8Decode(blob.subarray(start, i)), i + 1];
  };
  const align = (x: number): number => (x + 3) & ~3;

  let root: FdtTreeNode | undefined;
  const stack: FdtTreeNode[] = [];
  for (;;) {
    const tok = u32();
    if (tok === FDT_BEGIN_NODE) {
      const [name, next] = cstr(p, structEnd, 'node name');
      p = align(next);
      const parent = stack[stack.length - 1];
      if (!parent && root) throw new FdtError('DTB has more than one root node');
      if (stack.length >= FDT_MAX_DEPTH) throw new FdtError(`DTB nests nodes deeper than ${FDT_MAX_DEPTH} levels at ${p}`);
      const path = !parent ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
      const node = new FdtTreeNode(parent ? name : '', path);
      if (parent) parent.children.push(node);
      else root = node;
      stack.push(node);
    } else if (tok === FDT_END_NODE) {
      if (!stack.pop()) throw new FdtError(`DTB has an unmatched FDT_END_NODE at ${p - 4}`);
    } else if (tok === FDT_PROP) {
      const node = stack[stack.length - 1];
      if (!node) throw new FdtError(`DTB has a property outside any node at ${p - 4}`);
      const len = u32();
      const nameoff = u32();
      if (p + len > structEnd) throw new FdtError(`DTB property at ${p - 12} runs past the structure block`);
      if (nameoff >= sizeStrings) throw new FdtError(`DTB property name offset ${nameoff} is outside the strings block`);
      const [name] = cstr(offStrings + nameoff, offStrings + sizeStrings, 'property name');
      node.properties.push({ name, value: blob.slice(p, p + len) });
      p = align(p + len);
    } else if (tok === FDT_NOP) {
      continue;
    } else if (tok === FDT_END) {
      break;
    } else {
      throw new FdtError(`DTB has unknown token 0x${tok.toString(16)} at ${p - 4}`);
    }
  }
  if (stack.length) throw new FdtError(`DTB ends with node ${stack[stack.length - 1].path} still open`);
  if (!root) throw new FdtError('DTB has no root node');
  return { version, lastCompVersion, bootCpuidPhys, totalSize, reservations, root };
}

/** A builder holding the same tree (properties as raw bytes), e.g. to edit a parsed DTB and write it again. */
export function treeToBuilder(tree: FdtTree): FdtBuilder {
  const b = new FdtBuilder({ bootCpuidPhys: tree.bootCpuidPhys });
  for (const r of tree.reservations) b.addReservation(r.address, r.size);
  const copy = (from: FdtTreeNode, to: FdtNode): void => {
    for (const p of from.properties) to.bytes(p.name, p.value);
    for (const c of from.children) copy(c, to.addNode(c.name));
  };
  copy(tree.root, b.root);
  return b;
}
