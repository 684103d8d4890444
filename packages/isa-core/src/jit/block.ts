/**
 * The block compiler: turns the hot code at one guest address into a JS function.
 *
 * A block is a superblock: straight-line code from the entry, going on past conditional
 * branches (a taken branch leaves the block) and through direct jumps (JAL) whose target is on
 * the same page, ending at an indirect jump, a SYSTEM or FENCE instruction, the page end, an
 * undecodable word, or `maxInsns`. A branch or jump back to the entry makes the block a loop
 * (`for (;;)`), which checks the instruction budget before each further iteration, so the
 * dispatcher is not re-entered every few instructions while instret stays exact.
 *
 * Integer registers live in JS locals for the whole block (loaded at entry; written back at
 * every exit and before every call that can trap or observe them: slow memory paths and
 * instructions without an emitter, which run their row's exec). Rows with an emitter
 * (`InsnRow.jit`, jit/emit.ts) are inlined; loads and stores take an inline front-TLB fast path.
 * After a slow memory access or an exec call the block also stops when the slice was ended
 * (interrupt, stop request) or its own page was written (self-modifying code), like the
 * interpreter does after that instruction.
 *
 * The generated function is `block(h, n)`: `n` is `h.n` at entry; it returns how many
 * instructions it executed (retired, or up to and including a trapping one, which throws), and
 * leaves the next pc in st[2..3] (ST_NPC).
 */
import type { ExecFn, InsnRow } from '../insn-table.js';
import type { JitCtx } from './emit.js';

export interface BlockSource {
  /** Entry address. */
  pl: number;
  ph: number;
  /** Raw bits (16- or 32-bit, by the low two bits) at byte offset `off` of the entry's page; undefined when the instruction does not fit in the page. */
  fetch(off: number): number | undefined;
  /** Row and executed word (the expansion for RVC) of raw bits, or undefined. */
  decode(w: number): { row: InsnRow; word: number } | undefined;
  hasC: boolean;
  maxInsns: number;
  /** Front TLB geometry: index mask and the base index of the load and store parts. */
  tlbMask: number;
  tlbLoad: number;
  tlbStore: number;
  /** RAM page index of the code and its write generation now (self-modifying code check). */
  page: number;
  gen: number;
}

export interface CompiledBlock {
  /** Body of `new Function('F', 'G', 'E', src)`, which returns the block function. */
  src: string;
  fns: ExecFn[];
  /** Pure helpers the emitted code calls (JitCtx.fn). */
  helpers: ((...args: never[]) => unknown)[];
  /** Instructions in one pass (the longest path through the block). */
  count: number;
  /** Addresses (low halves) and lengths in bytes of the instructions. */
  pcs: number[];
  lens: number[];
}

interface Insn {
  pc: number;
  next: number;
  nh: number;
  raw: number;
  word: number;
  row: InsnRow;
  /** A JAL whose target is the next instruction in the block. */
  followed: boolean;
}

const SYSTEM = 0x73, MISC_MEM = 0x0f, JALR = 0x67, JAL = 0x6f, BRANCH = 0x63;
/** Major opcodes whose rows read at most x[rs1] and x[rs2] and write at most x[rd] (FP, AMO, OP/OP-IMM extensions). */
const PLAIN_OPS = new Set([0x03, 0x07, 0x13, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53]);

const immB = (i: number): number => ((i >> 19) & ~0xfff) | ((i << 4) & 0x800) | ((i >>> 20) & 0x7e0) | ((i >>> 7) & 0x1e);
const immJ = (i: number): number => ((i >> 11) & ~0xfffff) | (i & 0xff000) | ((i >>> 9) & 0x800) | ((i >>> 20) & 0x7fe);

/** pc + off as (lo, hi). */
function target(pl: number, ph: number, off: number): [number, number] {
  const l = (pl + off) | 0;
  return [l, (ph + (off >> 31) + ((l >>> 0) < (pl >>> 0) ? 1 : 0)) | 0];
}

/** Walk the code from the entry; undefined when it is not worth compiling (under 2 instructions). */
function walk(s: BlockSource): { insns: Insn[]; loop: boolean } | undefined {
  const insns: Insn[] = [];
  const seen = new Set<number>();
  let loop = false;
  let a = s.pl;
  const page = s.pl & -4096;
  while (insns.length < s.maxInsns && !seen.has(a)) {
    const w = s.fetch(a & 4095);
    if (w === undefined) break;
    const d = s.decode(w);
    if (!d || !d.row.exec) break;
    seen.add(a);
    const next = (a + ((w & 3) === 3 ? 4 : 2)) | 0;
    // A block lies in one page: the high half changes only when `next` wraps past 2^32.
    const nh = (next >>> 0) < (a >>> 0) ? (s.ph + 1) | 0 : s.ph;
    const ins: Insn = { pc: a, next, nh, raw: w, word: d.word, row: d.row, followed: false };
    insns.push(ins);
    const op = d.word & 0x7f;
    if (op === BRANCH) {
      const [tl, th] = target(a, s.ph, immB(d.word));
      if (tl === s.pl && th === s.ph) loop = true;
    } else if (op === JAL) {
      const [tl, th] = target(a, s.ph, immJ(d.word));
      if (!s.hasC && (tl & 2) !== 0) break;
      if (tl === s.pl && th === s.ph) { loop = true; break; }
      if ((tl & -4096) !== page || th !== s.ph || seen.has(tl) || insns.length >= s.maxInsns) break;
      ins.followed = true;
      a = tl;
      continue;
    } else if (op === JALR || op === SYSTEM || op === MISC_MEM) {
      break;
    }
    if (nh !== s.ph || (next & -4096) !== page) break;
    a = next;
  }
  if (insns.length < 2 && !loop) return undefined;
  // A followed JAL must be followed by its target: drop a trailing one whose target was not taken in.
  const last = insns[insns.length - 1];
  if (last.followed) last.followed = false;
  return { insns, loop };
}

/** Compile the code at (s.pl, s.ph), or undefined when there is nothing worth compiling. */
export function compileBlock(s: BlockSource): CompiledBlock | undefined {
  const w = walk(s);
  if (!w) return undefined;
  const { insns, loop } = w;
  const N = insns.length;
  const fns: ExecFn[] = [];
  const helpers: ((...args: never[]) => unknown)[] = [];
  const C = loop ? 'c+' : '';

  // Pass 1 finds the registers the emitted code uses and writes; pass 2 emits for real.
  let used = new Set<number>();
  let written = new Set<number>();
  let body = '';
  for (let pass = 0; pass < 2; pass++) {
    const nowUsed = new Set<number>();
    const dirty = new Set<number>();
    const allWritten = written;
    fns.length = 0;
    const wb = (): string => {
      let out = '';
      for (const r of loop ? allWritten : dirty) out += `x[${2 * r}]=a${r};x[${2 * r + 1}]=b${r};`;
      return out;
    };
    const exitTo = (tl: string, th: string, k: number): string =>
      `${wb()}st[2]=${tl};st[3]=${th};return ${C}${k + 1};`;
    const lines: string[] = [];
    for (let k = 0; k < N; k++) {
      const ins = insns[k];
      const K = k + 1;
      let slow = false;
      const pre = (): string =>
        `${wb()}st[0]=${ins.pc};st[2]=${ins.next};st[3]=${ins.nh};st[4]=${ins.raw | 0};h.n=n+${C}${k};`;
      const backEdge = (): string =>
        `c+=${K};if(c<=bud)continue;${wb()}st[2]=${s.pl};st[3]=${s.ph};return c;`;
      const ctx: JitCtx = {
        pc: ins.pc, pch: s.ph, npc: ins.next, npch: ins.nh, hasC: s.hasC,
        lo(r) { if (r === 0) return '0'; nowUsed.add(r); return `a${r}`; },
        hi(r) { if (r === 0) return '0'; nowUsed.add(r); return `b${r}`; },
        set(r, lo, hi) {
          if (r === 0) return '';
          nowUsed.add(r);
          dirty.add(r);
          return `a${r}=${lo};b${r}=${hi};`;
        },
        load(size, signed, al, ah) {
          slow = true;
          const align = -4096 | (size - 1);
          const arr = size === 1 ? (signed ? 'i8' : 'u8') : size === 2 ? (signed ? 'i16' : 'u16') : 'i32';
          const sh = size === 1 ? 0 : size === 2 ? 1 : 2;
          const fast = size === 8
            ? `const o=(tB[ti]+(${al}&4095))>>>2;v=i32[o];vh=i32[o+1];`
            : `v=${arr}[(tB[ti]+(${al}&4095))>>>${sh}];`;
          const call = size === 8 ? `v=h.load64(${al},${ah});vh=R.hi;`
            : size === 4 ? `v=h.load32(${al},${ah});`
              : `v=h.load${size * 8}(${al},${ah});` + (signed ? `v=(v<<${32 - 8 * size})>>${32 - 8 * size};` : '');
          return `let v=0${size === 8 ? ',vh=0' : ''};{const ti=${s.tlbLoad}+((${al}>>>12)&${s.tlbMask});` +
            `if(tT[ti]===((${al}&${align})|lk)&&tH[ti]===${ah}){${fast}}else{${pre()}${call}sl=1;}}`;
        },
        store(size, al, ah, vl, vh) {
          slow = true;
          const align = -4096 | (size - 1);
          const fast = size === 8 ? `const o=(tB[ti]+(${al}&4095))>>>2;i32[o]=${vl};i32[o+1]=${vh};`
            : `${size === 1 ? 'u8' : size === 2 ? 'u16' : 'i32'}[(tB[ti]+(${al}&4095))>>>${size === 1 ? 0 : size === 2 ? 1 : 2}]=${vl};`;
          const call = size === 8 ? `h.store64(${al},${ah},${vl},${vh});`
            : size === 4 ? `h.store32(${al},${ah},${vl});`
              : `h.store${size * 8}(${al},${ah},(${vl})&${size === 1 ? 255 : 65535});`;
          return `{const ti=${s.tlbStore}+((${al}>>>12)&${s.tlbMask});` +
            `if(tT[ti]===((${al}&${align})|sk)&&tH[ti]===${ah}){${fast}}else{${pre()}${call}sl=1;}}`;
        },
        branch(cond, off) {
          const [tl, th] = target(ins.pc, s.ph, off);
          if (!s.hasC && (tl & 2) !== 0) return undefined;
          if (loop && tl === s.pl && th === s.ph) return `if(${cond}){${backEdge()}}`;
          return `if(${cond}){${exitTo(String(tl), String(th), k)}}`;
        },
        fn(f) {
          let k = helpers.indexOf(f);
          if (k < 0) { k = helpers.length; helpers.push(f); }
          return `g${k}`;
        },
        jump(lo, hi) {
          if (ins.followed) return '';
          if (loop && /^-?\d+$/.test(lo) && /^-?\d+$/.test(hi) && Number(lo) === s.pl && Number(hi) === s.ph) return backEdge();
          return `{const tl=${lo},th=${hi};${exitTo('tl', 'th', k)}}`;
        },
      };
      const op = ins.word & 0x7f;
      const ends = k === N - 1 && !ins.followed;
      let code = ins.row.jit?.(ins.word, ctx);
      if (code === undefined) {
        // No emitter: call the row's exec with pc, npc and the raw bits in place.
        slow = false;
        const f = fns.length;
        fns.push(ins.row.exec!);
        const rd = (ins.word >>> 7) & 31;
        const control = op === BRANCH || op === JAL || op === JALR || op === SYSTEM || op === MISC_MEM;
        const zero = rd === 0 ? 'x[0]=0;x[1]=0;' : '';
        if (control || !PLAIN_OPS.has(op)) {
          // May read or write any register, change privilege or jump: everything written
          // back before, nothing kept after; the block ends here.
          code = `${pre()}f${f}(h,${ins.word | 0});${zero}return ${C}${K};`;
          lines.push(code);
          break;
        }
        const reload = rd !== 0 && used.has(rd) ? `a${rd}=x[${2 * rd}];b${rd}=x[${2 * rd + 1}];` : '';
        // These rows read at most x[rs1] and x[rs2] and neither jump nor read npc: write back
        // just those before the call, and everything else only if it traps. The rd field too
        // (it may name an f register, and then the reload below must find x[rd] current).
        let wbSrc = '';
        for (const r of new Set([(ins.word >>> 15) & 31, (ins.word >>> 20) & 31, rd])) {
          if (r !== 0 && (loop ? allWritten : dirty).has(r)) wbSrc += `x[${2 * r}]=a${r};x[${2 * r + 1}]=b${r};`;
        }
        code = `${wbSrc}st[0]=${ins.pc};st[4]=${ins.raw | 0};h.n=n+${C}${k};` +
          `try{f${f}(h,${ins.word | 0});}catch(e){${wb()}throw e;}${zero}${reload}lk=h.jitLoadKey;sk=h.jitStoreKey;` +
          `if(h.budget<=n+${C}${K}||pg[${s.page}]!==${s.gen}){${exitTo(String(ins.next), String(ins.nh), k)}}`;
        lines.push(`{${code}}`);
        if (ends) lines.push(`${exitTo(String(ins.next), String(ins.nh), k)}`);
        continue;
      }
      lines.push(`{${code}}`);
      if (slow) {
        lines.push(`if(sl!==0){sl=0;lk=h.jitLoadKey;sk=h.jitStoreKey;if(h.budget<=n+${C}${K}||pg[${s.page}]!==${s.gen}){${exitTo(String(ins.next), String(ins.nh), k)}}}`);
      }
      const isJump = op === JAL || op === JALR;
      if (ends && !isJump) lines.push(exitTo(String(ins.next), String(ins.nh), k));
    }
    used = nowUsed;
    written = new Set(dirty);
    body = lines.join('\n');
  }

  let head = '';
  for (const r of used) head += `let a${r}=x[${2 * r}],b${r}=x[${2 * r + 1}];`;
  const fnDecl = fns.map((_, k) => `const f${k}=F[${k}];`).join('') + helpers.map((_, k) => `const g${k}=G[${k}];`).join('');
  const src =
    'const st=E.st,x=E.x,tT=E.tT,tH=E.tH,tB=E.tB,u8=E.u8,i8=E.i8,u16=E.u16,i16=E.i16,i32=E.i32,pg=E.pg,R=E.R,H=E.H;' +
    fnDecl +
    `return function block(h,n){let lk=h.jitLoadKey,sk=h.jitStoreKey,sl=0;st[1]=${s.ph};st[3]=${s.ph};${head}` +
    (loop ? `let c=0;const bud=h.budget-n-${N};for(;;){\n${body}\n}` : `\n${body}\n`) +
    '};';
  return { src, fns, helpers, count: N, pcs: insns.map((i) => i.pc), lens: insns.map((i) => (i.raw & 3) === 3 ? 4 : 2) };
}
