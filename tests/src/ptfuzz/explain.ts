/**
 * For divergence reports: replays one access's translation on a stand-alone mmu-2stage
 * Translator over the scene's PTEs as written (A/D updates and stores by earlier accesses
 * of the scene are not replayed) and lists the walk steps with their decisions.
 */
import { Pmp, Translator } from '@tsvisor/mmu-2stage';
import { OP, KINDS, type PtProgram } from './gen.js';

interface Replay {
  text: string; ok: boolean; pa: number; cause: number;
  /** The walk succeeded and PMP denies the final access (as S/U). */
  pmpDenied: boolean;
  /** The walk stopped at a PTE address outside RAM. */
  pteOutsideRam: boolean;
  /** The walk stopped because PMP or PMA refused a PTE read (any address). */
  pteDenied: boolean;
  /** Stage of the walk's last step ('single', 'vs' or 'g'). */
  lastStage?: string;
  /** The walk, writing A/D, stops because PMP (or PMA) forbids the A/D store into a PTE. */
  adWriteDenied: boolean;
  /** For a G-stage fault on a VS PTE read: that PTE's GPA, and the GPA of the first (root) VS PTE read. */
  implicitGpa?: bigint;
  rootVsPteGpa?: bigint;
}

/** The seed's PMP (written once, before the first scene), as S/U accesses see it. */
export function programPmp(prog: PtProgram): Pmp {
  const pmp = new Pmp({ entries: 16 });
  const w = prog.words;
  for (let i = 1; i < w.length;) {
    const op = w[i]!;
    if (op === OP.END || op === OP.ACC) break;
    if (op === OP.CSR) {
      const c = Number(w[i + 1]!), v = w[i + 2]!;
      if (c === 0x3a0) pmp.writeCfg(0, v);
      else if (c >= 0x3b0 && c < 0x3c0) pmp.writeAddr(c - 0x3b0, v);
    }
    i += 3;
  }
  return pmp;
}

export function explainAccess(prog: PtProgram, n: number, svExt: boolean): string {
  return replayAccess(prog, n, svExt)?.text ?? '';
}

/** Replays access n; pmpDenied: the walk succeeded and PMP denies the final access as S/U. */
export function replayAccess(prog: PtProgram, n: number, svExt: boolean, opts: { asPlainLoad?: boolean } = {}): Replay | undefined {
  const acc = prog.accesses[n];
  if (!acc) return undefined;
  const mem = new Map<number, number>();
  const csrs = new Map<number, bigint>();
  const pmp = new Pmp({ entries: 16 });
  const w = prog.words;
  for (let i = 1; i < w.length;) {
    const op = w[i]!;
    if (op === OP.END) break;
    if (op === OP.ZERO) { mem.clear(); i += 3; continue; }
    if (op === OP.FILL) { i += 3; continue; }
    if (op === OP.PTE) {
      const a = Number(w[i + 1]!), v = w[i + 2]!;
      mem.set(a, Number(v & 0xffffffffn) | 0);
      mem.set(a + 4, Number(v >> 32n) | 0);
      i += 3; continue;
    }
    if (op === OP.CSR) {
      const c = Number(w[i + 1]!), v = w[i + 2]!;
      csrs.set(c, v);
      if (c === 0x3a0) pmp.writeCfg(0, v);
      else if (c >= 0x3b0 && c < 0x3c0) pmp.writeAddr(c - 0x3b0, v);
      i += 3; continue;
    }
    if (op === OP.ACC) { if (Number(w[i + 1]!) === n) break; i += 7; continue; }
    throw new Error(`bad op ${op}`);
  }
  const arena = (pa: number): number => (((pa >>> 2) & 0xffff) << 16);
  const t = new Translator({
    memory: {
      read32: (pa) => mem.get(pa) ?? (pa >= 0x8080_0000 && pa < 0x80c0_0000 ? arena(pa) : 0),
      write32: (pa, v) => { mem.set(pa, v); },
    },
    checkPhys: (pa, size, access) => pa >= 0x8000_0000 && pa + size <= 0x9000_0000 && pmp.check(pa, size, access, 1),
    adUpdate: 'always', svnapot: svExt, svpbmt: svExt,
  });
  const f = acc.flags;
  t.configure({
    satp: csrs.get(0x180) ?? 0n, hgatp: (csrs.get(0x680) ?? 0n) & ~3n, vsatp: csrs.get(0x280) ?? 0n,
    mstatus: (f & 1 ? 1n << 18n : 0n) | (f & 2 ? 1n << 19n : 0n),
    vsstatus: (f & 4 ? 1n << 18n : 0n) | (f & 8 ? 1n << 19n : 0n),
    menvcfg: csrs.get(0x30a) ?? 0n, henvcfg: (csrs.get(0x60a) ?? 0n) & (csrs.get(0x30a) ?? 0n),
  });
  // asPlainLoad: an HLVX replayed as the HLV of the same size (read permission, not execute).
  const kind = opts.asPlainLoad && acc.kind.startsWith('hlvx') ? acc.kind.replace('hlvx', 'hlv') as typeof acc.kind : acc.kind;
  const access = kind === 'fetch' ? 'fetch' : /^(s[bhwd]|amo|hsv)/.test(kind) ? 'store' : 'load';
  const r = t.translateVa(acc.va, { access, priv: (acc.mode & 1) as 0 | 1, virt: acc.mode >= 4, hlvx: kind.startsWith('hlvx'), trace: true, noTlb: true, readOnly: true });
  // Once more with the A/D stores (into the replay's own copy of the tables), to see whether
  // one of them is refused: priv "Virtual Address Translation Process": the PTE update is
  // checked like a store, and a PMP/PMA violation is an access fault.
  const w2 = t.translateVa(acc.va, { access, priv: (acc.mode & 1) as 0 | 1, virt: acc.mode >= 4, hlvx: kind.startsWith('hlvx'), trace: true, noTlb: true });
  // (For a VS leaf the G-stage steps of the PTE store follow the leaf's step in the trace.)
  const adWriteDenied = !w2.ok && (w2.trace ?? []).some((x) => /A\/D update not permitted/.test(x.decision));
  const lines = [`mmu-2stage replay of access ${n} (${KINDS.indexOf(kind) >= 0 ? kind : ''} ${access}):`];
  for (const s of r.trace ?? []) {
    lines.push(`  ${s.stage} L${s.level} pte@0x${s.pteAddr.toString(16)}${s.ptePa !== s.pteAddr ? ` (pa 0x${s.ptePa.toString(16)})` : ''} = 0x${s.pte.toString(16)}: ${s.decision}`);
  }
  lines.push(r.ok ? `  -> pa 0x${r.pa.toString(16)} (PMP/PMA of the final access not replayed)` :
    `  -> fault cause ${r.fault.cause} tval 0x${r.fault.tval.toString(16)} htval 0x${r.fault.htval.toString(16)} tinst 0x${r.fault.tinst.toString(16)}`);
  const accessNum = access === 'fetch' ? 0 : access === 'load' ? 1 : 2;
  const pmpDenied = r.ok && !(kind.startsWith('hlvx') ? pmp.check(r.pa, 1, 1, acc.mode & 1) && pmp.check(r.pa, 1, 0, acc.mode & 1)
    : pmp.check(r.pa, 1, accessNum as 0 | 1 | 2, acc.mode & 1));
  // The walk stopped on a page-table address where no memory is: the failed PTE read, an
  // address >= 2^53, or (vsatp with hgatp Bare) a pointer to a table outside RAM.
  const last = r.trace?.[r.trace.length - 1];
  const outside = (a: bigint): boolean => a < 0x8000_0000n || a >= 0x9000_0000n;
  const m = last && /PTE at 0x([0-9a-f]+) not accessible/.exec(last.decision);
  const ptr = last && /^pointer to next level at ppn 0x([0-9a-f]+)/.exec(last.decision);
  const accessFault = !r.ok && [1, 5, 7].includes(r.fault.cause);
  // (or a G-stage leaf that puts a VS page table outside RAM: the walk stops on reading it)
  const gLeaf = last && last.stage === 'g' && /^leaf.*ppn 0x([0-9a-f]+)/.exec(last.decision);
  const pteOutsideRam = accessFault && !!last && ((!!m && outside(BigInt(`0x${m[1]}`))) ||
    /table address >= 2\^53/.test(last.decision) || (!!ptr && outside(BigInt(`0x${ptr[1]}`) << 12n)) ||
    (!!gLeaf && outside(BigInt(`0x${gLeaf[1]}`) << 12n)));
  const vsSteps = (r.trace ?? []).filter((x) => x.stage === 'vs' && x.pteAddr >= 0n);
  const implicitGpa = !r.ok && r.fault.tinst !== 0 ? r.fault.htval << 2n : undefined;
  const rootVsPteGpa = vsSteps.length ? vsSteps[0]!.pteAddr : undefined;
  return { text: lines.join('\n'), ok: r.ok, pa: r.ok ? r.pa : 0, cause: r.ok ? -1 : r.fault.cause, pmpDenied, pteOutsideRam, pteDenied: accessFault && !!m, lastStage: last?.stage, adWriteDenied,
    implicitGpa, rootVsPteGpa };
}
