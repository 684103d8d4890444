import type { FdtTree, FdtTreeNode } from './reader.js';

// Source text in the shape `dtc -I dtb -O dts` (dtc 1.6) prints a blob: without type information
// each value is shown as a string when it looks like one, else as cells when its length is a
// multiple of 4, else as bytes (the same guess dtc makes). Devicetree spec chapter 6 "DTS format".

const ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function isPrintable(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

function looksLikeString(v: Uint8Array): boolean {
  if (v.length === 0 || v[v.length - 1] !== 0) return false;
  let nul = 0;
  for (const c of v) {
    if (c === 0) nul++;
    else if (!isPrintable(c) && !(c >= 7 && c <= 13)) return false;
  }
  return nul <= v.length - nul;
}

function hex(n: number | bigint, width = 0): string {
  return `0x${n.toString(16).padStart(width, '0')}`;
}

/** One property value as DTS text: `"str\0str"`, `<0x01 0x02>` or `[00 01]`. */
export function formatValue(v: Uint8Array): string {
  if (looksLikeString(v)) {
    let s = '';
    for (let i = 0; i < v.length - 1; i++) {
      const c = v[i];
      if (c === 0) s += '\\0';
      else s += ESCAPES[c] ?? String.fromCharCode(c);
    }
    return `"${s}"`;
  }
  if (v.length % 4 === 0) {
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const cells = Array.from({ length: v.length / 4 }, (_, i) => hex(dv.getUint32(4 * i), 2));
    return `<${cells.join(' ')}>`;
  }
  return `[${Array.from(v, (b) => b.toString(16).padStart(2, '0')).join(' ')}]`;
}

function formatNode(n: FdtTreeNode, depth: number, out: string[]): void {
  const tab = '\t'.repeat(depth);
  out.push(`${tab}${n.path === '/' ? '/' : n.name} {`);
  for (const p of n.properties) {
    out.push(p.value.length ? `${tab}\t${p.name} = ${formatValue(p.value)};` : `${tab}\t${p.name};`);
  }
  for (const c of n.children) {
    out.push('');
    formatNode(c, depth + 1, out);
  }
  out.push(`${tab}};`);
}

/** The tree as DTS source text (for `--dump-dtb` and debugging). */
export function formatDts(tree: FdtTree): string {
  const out: string[] = ['/dts-v1/;', ''];
  for (const r of tree.reservations) out.push(`/memreserve/\t${hex(r.address, 16)} ${hex(r.size, 16)};`);
  formatNode(tree.root, 0, out);
  return `${out.join('\n')}\n`;
}
