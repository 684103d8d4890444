/**
 * Disassembler and assembler driven by the instruction table. Output follows GNU objdump
 * (binutils 2.40) default mode: aliases such as li/mv/ret/j/csrr are printed as objdump
 * prints them, and compressed instructions are printed as their 32-bit expansion (as
 * objdump's default output does). Branch targets are absolute hex addresses without
 * objdump's `<symbol>` suffix.
 */
import { Decoder, immB, immI, immJ, immS, type InsnRow } from './insn-table.js';
import { builtinRows } from './ext/index.js';

export const XREG = ['zero', 'ra', 'sp', 'gp', 'tp', 't0', 't1', 't2', 's0', 's1', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5',
  'a6', 'a7', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9', 's10', 's11', 't3', 't4', 't5', 't6'];
export const FREG = ['ft0', 'ft1', 'ft2', 'ft3', 'ft4', 'ft5', 'ft6', 'ft7', 'fs0', 'fs1', 'fa0', 'fa1', 'fa2', 'fa3',
  'fa4', 'fa5', 'fa6', 'fa7', 'fs2', 'fs3', 'fs4', 'fs5', 'fs6', 'fs7', 'fs8', 'fs9', 'fs10', 'fs11', 'ft8', 'ft9', 'ft10', 'ft11'];
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'];

/** Standard CSR names (priv spec 2.2 tables), for disassembly and the assembler. */
export const CSR_NAMES: Record<number, string> = (() => {
  const t: Record<number, string> = {
    0x001: 'fflags', 0x002: 'frm', 0x003: 'fcsr',
    0xc00: 'cycle', 0xc01: 'time', 0xc02: 'instret',
    0x100: 'sstatus', 0x104: 'sie', 0x105: 'stvec', 0x106: 'scounteren', 0x10a: 'senvcfg',
    0x140: 'sscratch', 0x141: 'sepc', 0x142: 'scause', 0x143: 'stval', 0x144: 'sip', 0x14d: 'stimecmp', 0x180: 'satp',
    0x600: 'hstatus', 0x602: 'hedeleg', 0x603: 'hideleg', 0x604: 'hie', 0x605: 'htimedelta', 0x606: 'hcounteren',
    0x607: 'hgeie', 0x60a: 'henvcfg', 0x643: 'htval', 0x644: 'hip', 0x645: 'hvip', 0x64a: 'htinst', 0x680: 'hgatp',
    0xe12: 'hgeip', 0x200: 'vsstatus', 0x204: 'vsie', 0x205: 'vstvec', 0x240: 'vsscratch', 0x241: 'vsepc',
    0x242: 'vscause', 0x243: 'vstval', 0x244: 'vsip', 0x24d: 'vstimecmp', 0x280: 'vsatp',
    0xf11: 'mvendorid', 0xf12: 'marchid', 0xf13: 'mimpid', 0xf14: 'mhartid', 0xf15: 'mconfigptr',
    0x300: 'mstatus', 0x301: 'misa', 0x302: 'medeleg', 0x303: 'mideleg', 0x304: 'mie', 0x305: 'mtvec',
    0x306: 'mcounteren', 0x30a: 'menvcfg', 0x320: 'mcountinhibit', 0x340: 'mscratch', 0x341: 'mepc',
    0x342: 'mcause', 0x343: 'mtval', 0x344: 'mip', 0x34a: 'mtinst', 0x34b: 'mtval2',
    0xb00: 'mcycle', 0xb02: 'minstret',
    0x7a0: 'tselect', 0x7a1: 'tdata1', 0x7a2: 'tdata2', 0x7a3: 'tdata3', 0x7b0: 'dcsr', 0x7b1: 'dpc', 0x7b2: 'dscratch0', 0x7b3: 'dscratch1',
  };
  for (let n = 3; n < 32; n++) {
    t[0xc00 + n] = `hpmcounter${n}`;
    t[0xb00 + n] = `mhpmcounter${n}`;
    t[0x320 + n] = `mhpmevent${n}`;
  }
  for (let n = 0; n < 32; n++) t[0xc80 + n] = n < 3 ? ['cycleh', 'timeh', 'instreth'][n] : `hpmcounter${n}h`;
  for (let n = 0; n < 16; n++) t[0x3a0 + n] = `pmpcfg${n}`;
  for (let n = 0; n < 64; n++) t[0x3b0 + n] = `pmpaddr${n}`;
  return t;
})();
const CSR_BY_NAME: Record<string, number> = Object.fromEntries(Object.entries(CSR_NAMES).map(([k, v]) => [v, Number(k)]));

let defaultDecoder: Decoder | undefined;
function decoderFor(rows?: readonly InsnRow[]): Decoder {
  if (rows) return new Decoder(rows);
  defaultDecoder ??= new Decoder(builtinRows());
  return defaultDecoder;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
const fence = (v: number): string => (v & 8 ? 'i' : '') + (v & 4 ? 'o' : '') + (v & 2 ? 'r' : '') + (v & 1 ? 'w' : '') || '0';
const csrName = (c: number): string => CSR_NAMES[c] ?? hex(c);

function target(pc: bigint, off: number): string {
  return BigInt.asUintN(64, pc + BigInt(off)).toString(16);
}

/** Operand text for one fmt token. */
function operand(tok: string, w: number, pc: bigint): string {
  const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31, rs3 = (w >>> 27) & 31;
  switch (tok) {
    case 'd': return XREG[rd];
    case 's': return XREG[rs1];
    case 't': return XREG[rs2];
    case 'D': return FREG[rd];
    case 'S': return FREG[rs1];
    case 'T': return FREG[rs2];
    case 'R': return FREG[rs3];
    case 'j': return String(immI(w));
    case 'o(s)': return `${immI(w)}(${XREG[rs1]})`;
    case 'q(s)': return `${immS(w)}(${XREG[rs1]})`;
    case '(s)': return `(${XREG[rs1]})`;
    case 'p': return target(pc, immB(w));
    case 'a': return target(pc, immJ(w));
    case 'u': return hex(w >>> 12);
    case '>': return hex((w >>> 20) & 63);
    case '<': return hex((w >>> 20) & 31);
    case 'E': return csrName(w >>> 20);
    case 'Z': return String(rs1);
    case 'm': return RM[(w >>> 12) & 7];
    case 'P': return fence((w >>> 24) & 15);
    case 'Q': return fence((w >>> 20) & 15);
    default: return tok;
  }
}

function generic(row: InsnRow, w: number, pc: bigint): string {
  let name = row.name;
  if ((w & 0x7f) === 0x2f) name += ['', '.rl', '.aq', '.aqrl'][(w >>> 25) & 3];
  const toks = row.fmt === '' ? [] : row.fmt.split(',');
  const ops: string[] = [];
  for (const t of toks) {
    // objdump omits the rounding mode when it is dynamic.
    if (t === 'm' && ((w >>> 12) & 7) === 7) continue;
    ops.push(operand(t, w, pc));
  }
  return ops.length ? `${name}\t${ops.join(',')}` : name;
}

/** objdump (binutils 2.40) default-mode aliases. Returns undefined when none applies. */
function alias(row: InsnRow, w: number, pc: bigint): string | undefined {
  const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31;
  const d = XREG[rd], s = XREG[rs1], t = XREG[rs2], imm = immI(w), csr = w >>> 20;
  const sh = (w >>> 20) & 63;
  switch (row.name) {
    case 'addi':
      if (rd === 0 && rs1 === 0 && imm === 0) return 'nop';
      if (rs1 === 0) return `li\t${d},${imm}`;
      if (imm === 0) return `mv\t${d},${s}`;
      return `add\t${d},${s},${imm}`;
    case 'addiw': return imm === 0 ? `sext.w\t${d},${s}` : `addw\t${d},${s},${imm}`;
    case 'andi': return imm === 255 ? `zext.b\t${d},${s}` : `and\t${d},${s},${imm}`;
    case 'ori': return `or\t${d},${s},${imm}`;
    case 'xori': return imm === -1 ? `not\t${d},${s}` : `xor\t${d},${s},${imm}`;
    case 'sltiu': return imm === 1 ? `seqz\t${d},${s}` : undefined;
    case 'slli': return `sll\t${d},${s},${hex(sh)}`;
    case 'srli': return `srl\t${d},${s},${hex(sh)}`;
    case 'srai': return `sra\t${d},${s},${hex(sh)}`;
    case 'slliw': return `sllw\t${d},${s},${hex(sh & 31)}`;
    case 'srliw': return `srlw\t${d},${s},${hex(sh & 31)}`;
    case 'sraiw': return `sraw\t${d},${s},${hex(sh & 31)}`;
    case 'rori': return `ror\t${d},${s},${hex(sh)}`;
    case 'roriw': return `rorw\t${d},${s},${hex(sh & 31)}`;
    case 'bclri': return `bclr\t${d},${s},${hex(sh)}`;
    case 'bseti': return `bset\t${d},${s},${hex(sh)}`;
    case 'binvi': return `binv\t${d},${s},${hex(sh)}`;
    case 'bexti': return `bext\t${d},${s},${hex(sh)}`;
    case 'sub': return rs1 === 0 ? `neg\t${d},${t}` : undefined;
    case 'subw': return rs1 === 0 ? `negw\t${d},${t}` : undefined;
    case 'sltu': return rs1 === 0 ? `snez\t${d},${t}` : undefined;
    case 'slt': return rs2 === 0 ? `sltz\t${d},${s}` : rs1 === 0 ? `sgtz\t${d},${t}` : undefined;
    case 'add.uw': return rs2 === 0 ? `zext.w\t${d},${s}` : undefined;
    case 'beq': return rs2 === 0 ? `beqz\t${s},${target(pc, immB(w))}` : undefined;
    case 'bne': return rs2 === 0 ? `bnez\t${s},${target(pc, immB(w))}` : undefined;
    case 'bge':
      if (rs1 === 0) return `blez\t${t},${target(pc, immB(w))}`;
      return rs2 === 0 ? `bgez\t${s},${target(pc, immB(w))}` : undefined;
    case 'blt':
      if (rs2 === 0) return `bltz\t${s},${target(pc, immB(w))}`;
      return rs1 === 0 ? `bgtz\t${t},${target(pc, immB(w))}` : undefined;
    case 'jal':
      if (rd === 0) return `j\t${target(pc, immJ(w))}`;
      if (rd === 1) return `jal\t${target(pc, immJ(w))}`;
      return undefined;
    case 'jalr': {
      const m = imm === 0 ? s : `${imm}(${s})`;
      if (rd === 0 && rs1 === 1 && imm === 0) return 'ret';
      if (rd === 0) return `jr\t${m}`;
      if (rd === 1) return `jalr\t${m}`;
      return `jalr\t${d},${m}`;
    }
    case 'csrrs':
      if (rs1 === 0) {
        const rdName: Record<number, string> = { 0xc00: 'rdcycle', 0xc01: 'rdtime', 0xc02: 'rdinstret', 0xc80: 'rdcycleh', 0xc81: 'rdtimeh', 0xc82: 'rdinstreth', 1: 'frflags', 2: 'frrm', 3: 'frcsr' };
        if (rdName[csr]) return `${rdName[csr]}\t${d}`;
        return `csrr\t${d},${csrName(csr)}`;
      }
      return rd === 0 ? `csrs\t${csrName(csr)},${s}` : undefined;
    case 'csrrc': return rd === 0 ? `csrc\t${csrName(csr)},${s}` : undefined;
    case 'csrrw': {
      if (w === (0xc0001073 | 0)) return 'unimp';
      const f: Record<number, string> = { 1: 'fsflags', 2: 'fsrm', 3: 'fscsr' };
      if (f[csr]) return rd === 0 ? `${f[csr]}\t${s}` : `${f[csr]}\t${d},${s}`;
      return rd === 0 ? `csrw\t${csrName(csr)},${s}` : undefined;
    }
    case 'csrrwi': {
      const f: Record<number, string> = { 1: 'fsflagsi', 2: 'fsrmi' };
      if (f[csr]) return `${f[csr]}\t${d},${rs1}`;
      return rd === 0 ? `csrw\t${csrName(csr)},${rs1}` : `csrrw\t${d},${csrName(csr)},${rs1}`;
    }
    case 'csrrsi': return rd === 0 ? `csrs\t${csrName(csr)},${rs1}` : `csrrs\t${d},${csrName(csr)},${rs1}`;
    case 'csrrci': return rd === 0 ? `csrc\t${csrName(csr)},${rs1}` : `csrrc\t${d},${csrName(csr)},${rs1}`;
    case 'fence': return ((w >>> 20) & 0xff) === 0xff ? 'fence' : undefined;
    case 'sfence.vma':
      if (rs1 === 0 && rs2 === 0) return 'sfence.vma';
      return rs2 === 0 ? `sfence.vma\t${s}` : undefined;
    case 'fsgnj.s': case 'fsgnj.d': case 'fsgnjn.s': case 'fsgnjn.d': case 'fsgnjx.s': case 'fsgnjx.d': {
      if (rs1 !== rs2) return undefined;
      const kind = row.name.startsWith('fsgnjn') ? 'fneg' : row.name.startsWith('fsgnjx') ? 'fabs' : 'fmv';
      return `${kind}${row.name.slice(-2)}\t${FREG[rd]},${FREG[rs1]}`;
    }
    default: return undefined;
  }
}

/** objdump's printing of RVC HINT forms and c.mv (it keeps the c.* name where the expansion would mislead). */
function compressedAlias(name16: string, e: number): string | undefined {
  const rd = (e >>> 7) & 31, rs2 = (e >>> 20) & 31, imm = immI(e), sh = (e >>> 20) & 63;
  const d = XREG[rd];
  switch (name16) {
    case 'c.mv': return rd === 0 ? `c.mv\tzero,${XREG[rs2]}` : `mv\t${d},${XREG[rs2]}`;
    case 'c.add': return rd === 0 ? `c.add\tzero,${XREG[rs2]}` : undefined;
    case 'c.addi':
      if (rd === 0) return imm === 0 ? 'nop' : `c.nop\t${imm}`;
      return imm === 0 ? `add\t${d},${d},0` : undefined;
    case 'c.li': return rd === 0 ? `c.li\tzero,${imm}` : undefined;
    case 'c.lui': return rd === 0 ? `c.lui\tzero,${hex(e >>> 12)}` : undefined;
    case 'c.slli':
      if (rd === 0) return `c.slli\tzero,${hex(sh)}`;
      return sh === 0 ? `c.slli64\t${d}` : undefined;
    case 'c.srli': return sh === 0 ? `c.srli64\t${d}` : undefined;
    case 'c.srai': return (sh & 63) === 0 ? `c.srai64\t${d}` : undefined;
    default: return undefined;
  }
}

/**
 * Disassemble one instruction word (16-bit words are RVC). `pc` resolves branch targets.
 * Unknown encodings print as objdump's `.insn` form.
 */
export function disassemble(w: number, pc: bigint = 0n, rows?: readonly InsnRow[]): string {
  const dec = decoderFor(rows);
  let row = dec.find(w);
  let word = w | 0;
  if (row && !row.exec && row.expand) {
    const e = row.expand(w & 0xffff);
    const r32 = e !== 0 ? dec.find(e) : undefined;
    if (!r32) return (w & 0xffff) === 0 ? 'unimp' : `.insn\t2, ${hex(w & 0xffff)}`;
    const special = compressedAlias(row.name, e);
    if (special !== undefined) return special;
    row = r32;
    word = e;
  }
  if (!row) return (w & 3) === 3 ? `.insn\t4, ${hex(w)}` : `.insn\t2, ${hex(w & 0xffff)}`;
  return alias(row, word, pc) ?? generic(row, word, pc);
}

// ------------------------------------------------------------------ assembler

/** Thrown for assembly text the table cannot encode. */
export class AsmError extends Error {
  override readonly name = 'AsmError';
}

function reg(name: string, fp: boolean): number {
  const n = name.trim();
  const m = /^([xf])(\d+)$/.exec(n);
  if (m && (m[1] === 'f') === fp) return Number(m[2]);
  const i = (fp ? FREG : XREG).indexOf(n === 'fp' && !fp ? 's0' : n);
  if (i < 0 || (m && Number(m[2]) > 31)) throw new AsmError(`bad ${fp ? 'FP' : 'integer'} register '${name}'`);
  return i;
}
function num(text: string): number {
  let t = text.trim();
  // '.+8' / '.-8': a pc-relative offset (branch and jump targets).
  if (t.startsWith('.')) t = t.slice(1).replace(/^\+/, '');
  const v = Number(t.startsWith('-0x') ? -Number(t.slice(1)) : t);
  if (!Number.isFinite(v) || t === '') throw new AsmError(`bad number '${text}'`);
  return v;
}
function memOperand(text: string): [number, number] {
  const m = /^(.*)\((\w+)\)$/.exec(text.trim());
  if (!m) throw new AsmError(`bad address operand '${text}'`);
  return [m[1].trim() === '' ? 0 : num(m[1]), reg(m[2], false)];
}
function fenceBits(t: string): number {
  let v = 0;
  for (const c of t.trim()) v |= c === 'i' ? 8 : c === 'o' ? 4 : c === 'r' ? 2 : c === 'w' ? 1 : 0;
  return v;
}

let rowsByName: Map<string, InsnRow> | undefined;
const compressedCache = new Map<string, Map<number, number>>();

/**
 * Assemble one instruction in objdump no-aliases syntax (`addi a0,a0,1`, `ld a0,8(sp)`,
 * `beq a0,a1,-8` with a pc-relative offset, `csrrw a0,mstatus,a1`, `amoadd.w.aqrl a0,a1,(a2)`).
 * `c.*` mnemonics take their 32-bit expansion's operands (`c.addi a0,a0,1`) and return the
 * 16-bit word. Returns the encoded word (unsigned).
 */
export function assemble(text: string, rows?: readonly InsnRow[]): number {
  const all = rows ?? builtinRows();
  if (!rows) rowsByName ??= new Map(all.map((r) => [r.name, r]));
  const byName = rows ? new Map(all.map((r) => [r.name, r])) : rowsByName!;
  const m = /^\s*(\S+)\s*(.*)$/.exec(text);
  if (!m) throw new AsmError(`empty instruction`);
  let name = m[1];
  const opsText = m[2].trim();
  if (name.startsWith('c.')) return assembleCompressed(name, opsText, all, byName);
  let aqrl = 0;
  const am = /^(.*)\.(aq|rl|aqrl)$/.exec(name);
  if (am && byName.has(am[1])) {
    name = am[1];
    aqrl = am[2] === 'aq' ? 2 : am[2] === 'rl' ? 1 : 3;
  }
  const row = byName.get(name);
  if (!row || !row.exec) throw new AsmError(`unknown instruction '${name}'`);
  const toks = row.fmt === '' ? [] : row.fmt.split(',');
  const ops = opsText === '' ? [] : opsText.split(',').map((s) => s.trim());
  // A dynamic rounding mode may be omitted.
  if (toks[toks.length - 1] === 'm' && ops.length === toks.length - 1) ops.push('dyn');
  if (ops.length !== toks.length) throw new AsmError(`'${name}' takes ${toks.length} operands (${row.fmt}), got ${ops.length}`);
  let w = row.match | 0;
  toks.forEach((t, k) => {
    const o = ops[k];
    switch (t) {
      case 'd': w |= reg(o, false) << 7; break;
      case 's': w |= reg(o, false) << 15; break;
      case 't': w |= reg(o, false) << 20; break;
      case 'D': w |= reg(o, true) << 7; break;
      case 'S': w |= reg(o, true) << 15; break;
      case 'T': w |= reg(o, true) << 20; break;
      case 'R': w |= reg(o, true) << 27; break;
      case 'j': w |= (num(o) & 0xfff) << 20; break;
      case 'o(s)': { const [i, r] = memOperand(o); w |= ((i & 0xfff) << 20) | (r << 15); break; }
      case 'q(s)': { const [i, r] = memOperand(o); w |= (((i >> 5) & 0x7f) << 25) | ((i & 31) << 7) | (r << 15); break; }
      case '(s)': { const [, r] = memOperand(o); w |= r << 15; break; }
      case 'p': { const i = num(o); w |= (((i >> 12) & 1) << 31) | (((i >> 5) & 0x3f) << 25) | (((i >> 1) & 0xf) << 8) | (((i >> 11) & 1) << 7); break; }
      case 'a': { const i = num(o); w |= (((i >> 20) & 1) << 31) | (((i >> 1) & 0x3ff) << 21) | (((i >> 11) & 1) << 20) | (((i >> 12) & 0xff) << 12); break; }
      case 'u': w |= (num(o) & 0xfffff) << 12; break;
      case '>': w |= (num(o) & 63) << 20; break;
      case '<': w |= (num(o) & 31) << 20; break;
      case 'E': w |= ((CSR_BY_NAME[o] ?? num(o)) & 0xfff) << 20; break;
      case 'Z': w |= (num(o) & 31) << 15; break;
      case 'm': { const r = RM.indexOf(o); if (r < 0) throw new AsmError(`bad rounding mode '${o}'`); w = (w & ~0x7000) | (r << 12); break; }
      case 'P': w |= fenceBits(o) << 24; break;
      case 'Q': w |= fenceBits(o) << 20; break;
      default: throw new AsmError(`unsupported operand kind '${t}'`);
    }
  });
  w |= aqrl << 25;
  if ((w & row.mask) !== (row.match | 0)) throw new AsmError(`operands of '${text}' do not fit the encoding`);
  return w >>> 0;
}

function assembleCompressed(name: string, opsText: string, all: readonly InsnRow[], byName: Map<string, InsnRow>): number {
  const row = byName.get(name);
  if (!row || !row.expand) throw new AsmError(`unknown instruction '${name}'`);
  let map = compressedCache.get(name);
  if (!map) {
    map = new Map();
    for (let w = 0; w < 0x10000; w++) {
      if ((w & row.mask) !== row.match) continue;
      const e = row.expand(w);
      if (e !== 0 && !map.has(e | 0)) map.set(e | 0, w);
    }
    compressedCache.set(name, map);
  }
  // The expansion's mnemonic: find the 32-bit row whose encoding the expansions share.
  let base: string | undefined;
  for (const e of map.keys()) {
    base = new Decoder(all).find(e)?.name;
    break;
  }
  if (!base) throw new AsmError(`'${name}' has no encodable forms`);
  const w32 = assemble(`${base} ${opsText}`, all) | 0;
  const w16 = map.get(w32);
  if (w16 === undefined) throw new AsmError(`'${name} ${opsText}' has no compressed encoding`);
  return w16;
}
