/**
 * The `isa` option: an ISA naming string (unprivileged ISA, "ISA Extension Naming
 * Conventions") such as `rv64imafdc_zicsr_zifencei_zba_zbb` or `rv64gc`.
 */

/** Thrown for a malformed ISA string or an extension tsvisor does not know. */
export class IsaError extends Error {
  override readonly name = 'IsaError';
}

/** Single-letter extensions the core implements (S and U are always present). */
const CORE_LETTERS = new Set(['i', 'm', 'a', 'f', 'd', 'c']);
/** Multi-letter extensions the core implements. */
export const CORE_MULTI = new Set([
  'zicsr', 'zifencei', 'zicntr', 'zihpm', 'zihintpause', 'zicond',
  'zba', 'zbb', 'zbc', 'zbs', 'sstc', 'zca', 'zcd', 'zmmul', 'svadu', 'svade', 'svnapot', 'svpbmt',
]);

/** Extensions implied by others (as QEMU and the naming conventions imply them). */
const IMPLIES: Record<string, string[]> = {
  g: ['i', 'm', 'a', 'f', 'd', 'zicsr', 'zifencei'],
  f: ['zicsr'],
  d: ['f'],
  c: ['zca'],
  zcd: ['zca', 'd'],
  zmmul: [],
};

/**
 * Parse `isa` into the set of enabled extension names (lowercase). `extra` lists the
 * names that plugged-in Extension objects implement (e.g. 'h'). Throws IsaError naming the
 * offending part: `unknown ISA extension 'zfoo' in --isa rv64gc_zfoo`.
 */
export function parseIsa(isa: string, extra: Iterable<string> = []): Set<string> {
  const s = isa.trim().toLowerCase();
  const known = new Set<string>(extra);
  if (!s.startsWith('rv64')) {
    throw new IsaError(`--isa ${isa}: only rv64 harts are supported (the string must start with 'rv64')`);
  }
  const parts = s.slice(4).split('_').filter((p) => p !== '');
  if (parts.length === 0) throw new IsaError(`--isa ${isa}: no base ISA letter after 'rv64'`);
  const out = new Set<string>();
  const add = (e: string): void => {
    if (out.has(e)) return;
    out.add(e);
    for (const dep of IMPLIES[e] ?? []) add(dep);
  };
  // The first part holds the base letter and any single-letter extensions.
  let first = parts[0];
  if (first[0] !== 'i' && first[0] !== 'g') {
    throw new IsaError(`--isa ${isa}: the base must be 'i' or 'g' (got '${first[0]}')`);
  }
  // Multi-letter names may follow directly without '_' only as separate parts; split the
  // letters up to the first 'z'/'s'/'x'.
  const rest: string[] = [];
  const mIdx = first.search(/[zsx]/);
  if (mIdx > 0) {
    rest.push(first.slice(mIdx));
    first = first.slice(0, mIdx);
  }
  for (const ch of first) {
    if (ch === 'g') { add('g'); out.delete('g'); continue; }
    if (CORE_LETTERS.has(ch) || known.has(ch)) { add(ch); continue; }
    if (ch === 's' || ch === 'u') continue;
    throw new IsaError(`unknown ISA extension '${ch}' in --isa ${isa}`);
  }
  for (const p of [...rest, ...parts.slice(1)]) {
    if (/^[a-z]$/.test(p)) {
      if (CORE_LETTERS.has(p) || known.has(p)) { add(p); continue; }
      throw new IsaError(`unknown ISA extension '${p}' in --isa ${isa}`);
    }
    // A version suffix like 'zicsr2p0' is accepted and ignored.
    const name = p.replace(/\d+(p\d+)?$/, '');
    if (CORE_MULTI.has(name) || known.has(name)) { add(name); continue; }
    throw new IsaError(`unknown ISA extension '${p}' in --isa ${isa}`);
  }
  if (out.has('c') && out.has('d')) out.add('zcd');
  if (out.has('zca') && (!out.has('d') || out.has('zcd'))) out.add('c');
  // Zicntr/Zihpm are always present in our hart (QEMU's default rv64 has them); zmmul is part of m.
  out.add('zicntr');
  out.add('zihpm');
  if (out.has('m')) out.add('zmmul');
  return out;
}

/** misa value (low 26 bits: letters A..Z) for the enabled set. MXL=2 goes in bits 63:62. */
export function misaLetters(enabled: ReadonlySet<string>, extraLetters: Iterable<string> = []): number {
  let v = 0;
  for (const ch of ['i', 'm', 'a', 'f', 'd', 'c']) if (enabled.has(ch)) v |= 1 << (ch.charCodeAt(0) - 97);
  for (const l of extraLetters) v |= 1 << (l.toLowerCase().charCodeAt(0) - 97);
  v |= 1 << ('s'.charCodeAt(0) - 97);
  v |= 1 << ('u'.charCodeAt(0) - 97);
  return v;
}
