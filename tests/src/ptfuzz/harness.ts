/**
 * Page-table fuzzer harness: patches a seed's script into the fixed runner ELF
 * (tests/baremetal/out/ptfuzz.elf), runs it on QEMU 7.2 (`-cpu rv64,h=true`, plus
 * `svnapot=true,svpbmt=true` for svExt seeds) and on tsvisor with the H extension, and
 * reports the first line where the logs differ, with the access and its scene's PTEs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIRT_DEFAULT_ISA } from '@tsvisor/board-virt';
import { H_1_0, hypervisor } from '@tsvisor/csr-h-ext';
import { CROSS, elfPath } from '../env.js';
import { runQemu, type GuestRun } from '../qemu.js';
import { runTsvisor } from '../tsvisor.js';
import { explainAccess, programPmp, replayAccess } from './explain.js';
import { generate, MODE_NAMES, type AccessInfo, type PtFuzzOptions, type PtProgram } from './gen.js';

const BLOB_BYTES = 192 * 1024;

interface RunnerImage { bytes: Buffer; blobOffset: number }
let runner: RunnerImage | undefined;

/** The runner ELF and the file offset of pf_blob (found through the symbol and the PT_LOAD headers). */
function runnerImage(): RunnerImage {
  if (runner) return runner;
  const elf = elfPath('ptfuzz');
  const bytes = readFileSync(elf);
  const sym = /^([0-9a-f]+) \w pf_blob$/m.exec(execFileSync(`${CROSS}nm`, [elf]).toString());
  if (!sym) throw new Error(`${elf}: no pf_blob symbol`);
  const addr = BigInt(`0x${sym[1]}`);
  const phoff = Number(bytes.readBigUInt64LE(0x20));
  const phentsize = bytes.readUInt16LE(0x36);
  const phnum = bytes.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (bytes.readUInt32LE(ph) !== 1) continue; // PT_LOAD
    const off = bytes.readBigUInt64LE(ph + 8), vaddr = bytes.readBigUInt64LE(ph + 16), filesz = bytes.readBigUInt64LE(ph + 32);
    if (addr >= vaddr && addr + BigInt(BLOB_BYTES) <= vaddr + filesz) {
      runner = { bytes, blobOffset: Number(off + addr - vaddr) };
      return runner;
    }
  }
  throw new Error(`${elf}: pf_blob is not in a loaded, file-backed segment`);
}

/** Writes the seed's ELF (the runner with its script) into a fresh folder. */
export function buildPtFuzz(prog: PtProgram, seed: number, workDir?: string): { dir: string; elf: string } {
  const img = runnerImage();
  if (prog.words.length * 8 > BLOB_BYTES) throw new Error(`seed ${seed}: script of ${prog.words.length} words does not fit the runner's blob`);
  const out = Buffer.from(img.bytes);
  prog.words.forEach((w, i) => out.writeBigUInt64LE(BigInt.asUintN(64, w), img.blobOffset + 8 * i));
  const base = workDir ?? join(tmpdir(), 'tsvisor-ptfuzz');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `seed-${seed}-`));
  const elf = join(dir, 'ptfuzz.elf');
  writeFileSync(elf, out);
  return { dir, elf };
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

export function describeAccess(a: AccessInfo): string {
  const fl = ['SUM', 'MXR', 'vsSUM', 'vsMXR'].filter((_, i) => a.flags & (1 << i)).join('|') || '-';
  return `access ${a.n} (scene ${a.scene}): ${a.kind} in ${MODE_NAMES[a.mode]} va=${hex(a.va)}` +
    `${a.value ? ` value=${hex(a.value)}` : ''} flags=${fl} target=${a.via}`;
}

const TRAP = /^A(\d+) c=(\S+) t=(\S+) t2=(\S+) ti=(\S+) g=(\d)(\d) i=(\S+)$/;
const PSEUDO = new Set([0x3000n, 0x3020n]);
const STORE_KINDS = /^(s[bhwd]$|amo|hsv)/;
const SIZE_OF: Record<string, number> = { ld: 8, lw: 4, lhu: 2, sd: 8, sw: 4, sh: 2 };

interface TrapLine { n: number; cause: bigint; tval: string; tval2: bigint; tinst: bigint; gva: string; mpv: string; insn: bigint }
function parseTrap(l: string): TrapLine | undefined {
  const m = TRAP.exec(l);
  if (!m) return undefined;
  return { n: Number(m[1]), cause: BigInt(m[2]!), tval: m[3]!, tval2: BigInt(m[4]!), tinst: BigInt(m[5]!), gva: m[6]!, mpv: m[7]!, insn: BigInt(m[8]!) };
}
const fmtTrap = (x: TrapLine): string => `A${x.n} c=${x.cause} t=${x.tval} t2=${x.tval2} ti=${x.tinst} g=${x.gva}${x.mpv} i=${x.insn}`;

/**
 * Where QEMU 7.2 is known to depart from the spec (QEMU_DEPARTURES) or the spec leaves a
 * choice, a trap line of ours is accepted if it is what the spec requires; each acceptance
 * is counted under its rule name. Returns undefined when the lines still differ.
 */
function reconcile(q: TrapLine, t: TrapLine, acc: AccessInfo | undefined, counts: Map<string, number>,
  prog: PtProgram, svExt: boolean): boolean {
  if (q.n !== t.n || !acc) return false;
  const used: string[] = [];
  const t2 = { ...t };
  // Loads, stores, AMOs and LR through MPRV with MPV=1: a G-stage fault is a guest-page
  // fault (20/21/23, for an implicit VS PTE access too); QEMU 7.2 reports the VS-stage page
  // fault cause of the access (13 for a load, an AMO, or an implicit PTE read; 15 for a
  // store), with mtval2 and mtinst written as for the guest-page fault (QEMU_DEPARTURES
  // 'mprv-mpv'). The rules below then compare mtval2, mtinst and GVA.
  // It also writes mtval2 (a guest physical address) for their access and page faults,
  // where the H spec has mtval2 = 0 for every trap other than a guest-page fault.
  const mprvV = acc.mode >= 4 && acc.kind !== 'fetch' && !/^h[ls]v/.test(acc.kind);
  if (mprvV && [20n, 21n, 23n].includes(t.cause) && (q.cause === 13n || q.cause === 15n) && q.tval2 !== 0n) {
    const type = STORE_KINDS.test(acc.kind) ? 2 : 1;
    const ok = /^amo/.test(acc.kind) || q.cause === (PSEUDO.has(q.tinst) ? 13n : [12n, 13n, 15n][type]!);
    if (ok) { t2.cause = q.cause; used.push('mprv-mpv'); }
  } else if (mprvV && [5n, 7n, 13n, 15n].includes(t.cause) && t.tval2 === 0n && q.tval2 !== 0n && [5n, 7n, 13n, 15n].includes(q.cause)) {
    t2.tval2 = q.tval2; used.push('mprv-mpv');
  }
  // H "Transformed Instruction or Pseudoinstruction for mtinst or htinst": 0 is always
  // allowed (QEMU 7.2 writes 0 for explicit accesses); ours writes the transformed
  // instruction (our probes use offset 0: rs1 field zeroed) or, for an implicit VS-stage
  // PTE access, the pseudoinstruction.
  // For a misaligned access the rs1 field holds the faulting address minus the original one
  // (the "Addr. Offset" of the transformed load/store).
  const offset = (BigInt(t.tval) - acc.va) & ((1n << 64n) - 1n);
  const transformed = t.insn !== 0n && offset < 32n && t.tinst === ((t.insn & ~(0x1fn << 15n)) | (offset << 15n));
  if (q.tinst === 0n && t.tinst !== 0n && (PSEUDO.has(t.tinst) || transformed)) {
    t2.tinst = 0n; used.push('tinst: QEMU 0, ours the transformed instruction or pseudoinstruction');
  }
  // mstatus.GVA for HLV/HLVX/HSV (and MPRV with MPV=1) executed in M: their mtval is a guest
  // virtual address, so GVA must be 1 (QEMU_DEPARTURES 'gva-hlv').
  const mIssuedV = acc.mode >= 4 && acc.kind !== 'fetch';
  if (mIssuedV && q.gva === '0' && t.gva === '1') { t2.gva = '0'; used.push('gva-hlv'); }
  // ... and 0 after a trap whose mtval is not a guest virtual address (QEMU 7.2 can leave
  // it 1 from an earlier trap: QEMU_DEPARTURES 'gva-stale').
  if (acc.mode < 4 && q.gva === '1' && t.gva === '0') { t2.gva = '1'; used.push('gva-stale'); }
  // Implicit VS-stage PTE access failing at the G-stage: reported with the original access
  // type (QEMU 7.2 always reports a load guest-page fault: QEMU_DEPARTURES 'implicit-gpf-type').
  const want = acc.kind === 'fetch' ? 20n : STORE_KINDS.test(acc.kind) ? 23n : 21n;
  if (q.cause === 21n && t.cause === want && want !== 21n && PSEUDO.has(t.tinst) && PSEUDO.has(q.tinst)) {
    t2.cause = 21n; used.push('implicit-gpf-type');
  }
  // ... and htval is the GPA of the VS PTE whose read failed; QEMU 7.2 writes the GPA of
  // the root-level VS PTE of the walk (QEMU_DEPARTURES 'implicit-gpf-htval'). Checked on
  // the replayed walk.
  if (PSEUDO.has(t.tinst) && PSEUDO.has(q.tinst) && t2.cause === q.cause && q.tval2 !== t.tval2) {
    const r = replayAccess(prog, acc.n, svExt);
    if (r?.implicitGpa === t.tval2 << 2n && r.rootVsPteGpa === q.tval2 << 2n) { t2.tval2 = q.tval2; used.push('implicit-gpf-htval'); }
  }
  const type = acc.kind === 'fetch' ? 0 : STORE_KINDS.test(acc.kind) ? 2 : 1;
  const ACCESS_FAULT = [1n, 5n, 7n], PAGE_FAULT = [12n, 13n, 15n], GUEST_PAGE_FAULT = [20n, 21n, 23n];
  // AMOs: QEMU 7.2 raises a load access fault (5) for every AMO fault, where the spec has
  // store/AMO access (7) or page (15) faults (QEMU_DEPARTURES 'amo-cause').
  if (/^amo/.test(acc.kind) && (q.cause === 5n || q.cause === 13n) && (t.cause === 7n || t.cause === 15n) && q.tval2 === t2.tval2) {
    t2.cause = q.cause; used.push('amo-cause');
  }
  // A PTE read from an address where no memory exists: an access fault (priv "Virtual
  // Address Translation Process" step 2: a PTE access that violates a PMA check raises an
  // access fault); QEMU 7.2 raises a page fault (QEMU_DEPARTURES 'pte-read-nonexistent').
  // In a G-stage walk (for the final GPA or for a VS PTE address) QEMU raises a guest-page
  // fault instead, with htval (and htinst 0 or the PTE-read pseudoinstruction).
  // (For the G-stage walk of a VS PTE address QEMU reports 21 whatever the access type:
  // 'implicit-gpf-type'; through MPRV with MPV=1, 13 or the page fault: 'mprv-mpv'.)
  const gpfLike = q.cause === GUEST_PAGE_FAULT[type] || (q.cause === 21n && PSEUDO.has(q.tinst)) ||
    (mprvV && (q.cause === PAGE_FAULT[type] || q.cause === 13n) && q.tval2 !== 0n);
  const gReplay = acc.mode >= 4 && gpfLike && t.cause === ACCESS_FAULT[type] && t.tval2 === 0n ? replayAccess(prog, acc.n, svExt) : undefined;
  if (gReplay?.pteOutsideRam && gReplay.lastStage === 'g') {
    t2.cause = q.cause; t2.tval2 = q.tval2; t2.tinst = q.tinst; used.push('pte-read-nonexistent');
  } else if (gReplay?.pteDenied && gReplay.lastStage === 'g') {
    // PMP refusing a G-stage PTE read: an access fault too; QEMU 7.2 turns it into a
    // guest-page fault like a PMP denial of the final address (QEMU_DEPARTURES 'pmp-gpf').
    t2.cause = q.cause; t2.tval2 = q.tval2; t2.tinst = q.tinst; used.push('pmp-gpf');
  } else if (q.cause === PAGE_FAULT[type] && t.cause === ACCESS_FAULT[type] && q.tval2 === t2.tval2) {
    const r = replayAccess(prog, acc.n, svExt);
    if (r?.pteOutsideRam) { t2.cause = q.cause; used.push('pte-read-nonexistent'); }
  }
  // A misaligned load that faults: mtval is the address of the portion that faulted (priv
  // "Machine Trap Value Register": the original address, or the first byte of the second
  // page); QEMU 7.2 splits it into aligned halves and reports the aligned address below it
  // (QEMU_DEPARTURES 'misaligned-tval').
  const size = BigInt(SIZE_OF[acc.kind] ?? 1);
  if (type === 1 && (acc.va & (size - 1n)) !== 0n && BigInt(t.tval) === acc.va && BigInt(q.tval) === (acc.va & ~(size - 1n)) && q.cause === t2.cause) {
    t2.tval = q.tval; used.push('misaligned-tval');
  }
  // A trap whose mtval is not a guest virtual address (illegal instruction, tval 0) clears
  // GVA; QEMU 7.2 sets it for every trap from V=1 (QEMU_DEPARTURES 'gva-stale').
  if (t.cause === 2n && q.gva === '1' && t.gva === '0') { t2.gva = '1'; used.push('gva-stale'); }
  // MPRV accesses with MPV=1 from M with satp Bare: QEMU 7.2 turns VS-stage page faults into access
  // faults because it looks at satp, not vsatp (QEMU_DEPARTURES 'vs-fault-satp-bare').
  if (mIssuedV && prog.scenes[acc.scene]!.satpMode === 0 && q.cause === ACCESS_FAULT[type] && t.cause === PAGE_FAULT[type]) {
    t2.cause = q.cause; used.push('vs-fault-satp-bare');
  }
  // PMP denying the final access of a two-stage translation: an access fault (priv "Physical
  // Memory Protection"); QEMU 7.2 reports a guest-page fault with htval (QEMU_DEPARTURES
  // 'pmp-gpf'). Accepted only when replaying the walk shows PMP denies the final address.
  if (acc.mode >= 4 && q.cause === GUEST_PAGE_FAULT[type] && t.cause === ACCESS_FAULT[type] && t.tval2 === 0n) {
    const r = replayAccess(prog, acc.n, svExt);
    if (r?.pmpDenied) { t2.cause = q.cause; t2.tval2 = q.tval2; t2.tinst = q.tinst; used.push('pmp-gpf'); }
  }
  if (fmtTrap(q) !== fmtTrap(t2)) return false;
  for (const u of used) counts.set(u, (counts.get(u) ?? 0) + 1);
  return true;
}

/**
 * HLVX needs execute permission at both stages, not read, and PMP must grant read and
 * execute (H "Hypervisor Virtual-Machine Load and Store Instructions"); QEMU 7.2 checks it
 * like the HLV of the same size. Accepted when
 * the two permission rules give different outcomes on the replayed walk, ours is the HLVX
 * outcome and QEMU's the plain load's (completion, or the same cause).
 */
function hlvxAsLoad(q: string, t: string, acc: AccessInfo, prog: PtProgram, svExt: boolean): boolean {
  if (!new RegExp(`^A${acc.n} `).test(q) || !new RegExp(`^A${acc.n} `).test(t)) return false;
  const rx = replayAccess(prog, acc.n, svExt), rl = replayAccess(prog, acc.n, svExt, { asPlainLoad: true });
  if (!rx || !rl || (rx.ok === rl.ok && rx.cause === rl.cause && rx.pmpDenied === rl.pmpDenied)) return false;
  const pq = parseTrap(q), pt = parseTrap(t);
  // (A walk that succeeds can still fail on the final address: PMP, or no memory there; an
  // access fault, which QEMU 7.2 reports as a guest-page fault for PMP: 'pmp-gpf'.)
  const outcome = (p: TrapLine | undefined, r: typeof rx): boolean => {
    const finalFails = r.ok && (r.pmpDenied || r.pa < 0x8000_0000 || r.pa >= 0x9000_0000);
    if (p === undefined) return r.ok && !finalFails;
    if (BigInt(p.tval) !== acc.va) return false;
    return r.ok ? finalFails && (p.cause === 5n || (p === pq && p.cause === 21n)) : p.cause === BigInt(r.cause);
  };
  return outcome(pt, rx) && outcome(pq, rl);
}

/** Is ours the access fault of an A/D store that PMP refuses (checked on the replayed walk)? */
function adWriteFault(t: TrapLine, acc: AccessInfo, prog: PtProgram, svExt: boolean): boolean {
  const type = acc.kind === 'fetch' ? 0 : STORE_KINDS.test(acc.kind) ? 2 : 1;
  if (t.cause !== [1n, 5n, 7n][type] || BigInt(t.tval) !== acc.va || t.tval2 !== 0n) return false;
  return replayAccess(prog, acc.n, svExt)?.adWriteDenied === true;
}

export interface PtDivergence { line: number; report: string }

export function comparePtRuns(prog: PtProgram, qemu: GuestRun, ours: GuestRun, svExt = false):
  { divergence?: PtDivergence; accepted: Map<string, number> } {
  const accepted = new Map<string, number>();
  const count = (rule: string): void => { accepted.set(rule, (accepted.get(rule) ?? 0) + 1); };
  // An AMO that faults may leave A set in QEMU 7.2's PTE (it translates the AMO as a load
  // first, then faults as a store: QEMU_DEPARTURES 'amo-cause'), and tsvisor may set A/D
  // before the physical access fails (the walk's A/D step precedes the PMA/PMP check of the
  // final address). The W lines of AMOs that trapped on QEMU are left out on both sides.
  // The same for HLVX accesses whose lines differ (QEMU 7.2 checks them like loads:
  // QEMU_DEPARTURES 'hlvx-permission').
  const looseAd = new Set<number>();
  const aLines = (out: string): Map<number, string> => {
    const m = new Map<number, string>();
    for (const l of out.split('\n')) { const a = /^A(\d+) /.exec(l); if (a) m.set(Number(a[1]), l); }
    return m;
  };
  // And for V=1 accesses that fail at the G-stage (a guest-page fault; through MPRV, QEMU's
  // page fault with mtval2): QEMU 7.2 has set the VS leaf's A/D by then, tsvisor has not; the
  // spec allows either (QEMU_DEPARTURES 'vs-ad-before-g').
  const qA = aLines(qemu.output), tA = aLines(ours.output);
  for (const [n, l] of qA) {
    const a = prog.accesses[n];
    const kind = a?.kind ?? '';
    const tr = parseTrap(l);
    const gFault = !!a && a.mode >= 4 && !!tr && ([20n, 21n, 23n].includes(tr.cause) || ((tr.cause === 13n || tr.cause === 15n) && tr.tval2 !== 0n));
    if ((/^amo/.test(kind) && / c=/.test(l)) || (kind.startsWith('hlvx') && tA.get(n) !== l) || gFault) looseAd.add(n);
  }
  const W = /^W(\d+) (\S+) (\S+)$/;
  /** The W lines of trapped AMOs on one side: PTE address -> value and access number. */
  const dropped = (lines: string[]): Map<string, { value: string; n: number }> => {
    const d = new Map<string, { value: string; n: number }>();
    for (const l of lines) {
      const w = W.exec(l);
      if (w && looseAd.has(Number(w[1]))) d.set(w[2]!, { value: w[3]!, n: Number(w[1]) });
    }
    return d;
  };
  const qLines = qemu.output.split('\n'), tLines = ours.output.split('\n');
  const qDropped = dropped(qLines), tDropped = dropped(tLines);
  // A bit left out on one side is set later on the other side by the next access that needs
  // it (a load after QEMU's AMO did not set A there, or a store after ours set D): that
  // catch-up W line, same address and value, later in the same scene, is left out too.
  // Svnapot: a leaf with N=1 and a reserved size (ppn[3:0] != 1000, or above level 0) is a
  // page fault before any A/D update; QEMU 7.2 sets A/D first (QEMU_DEPARTURES
  // 'napot-ad-reserved'). Such W lines of QEMU's that tsvisor does not have are left out.
  const tSet = new Set(tLines);
  const pmp = programPmp(prog);
  const filter = (lines: string[], mine: typeof qDropped, other: typeof qDropped, isQemu: boolean): string[] => {
    const pending = new Map([...other].filter(([addr, o]) => mine.get(addr)?.value !== o.value));
    return lines.filter((l) => {
      const w = W.exec(l);
      if (!w) return true;
      const n = Number(w[1]);
      if (looseAd.has(n)) { count(/^amo/.test(prog.accesses[n]?.kind ?? '') ? 'amo-a-bit' : 'vs-ad-before-g'); return false; }
      if (isQemu && svExt && !tSet.has(l) && (BigInt(w[3]!) >> 63n) === 1n) { count('napot-ad-reserved'); return false; }
      // A/D stores into a PTE that PMP makes read-only for S/U: an access fault; QEMU 7.2
      // writes them anyway (QEMU_DEPARTURES 'pmp-ad-write').
      if (isQemu && !tSet.has(l) && !pmp.check(Number(BigInt(w[2]!)), 8, 2, 1)) { count('pmp-ad-write'); return false; }
      const o = pending.get(w[2]!);
      if (o && o.value === w[3] && o.n < n && prog.accesses[o.n]?.scene === prog.accesses[n]?.scene) {
        pending.delete(w[2]!);
        count(/^amo/.test(prog.accesses[o.n]?.kind ?? '') ? 'amo-a-bit' : 'vs-ad-before-g');
        return false;
      }
      return true;
    });
  };
  const a = filter(qLines, qDropped, tDropped, true);
  const b = filter(tLines, tDropped, qDropped, false);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const q = a[i];
    const t = b[i];
    if (q === t) continue;
    const m = /^[AW](\d+)/.exec(q ?? '') ?? /^[AW](\d+)/.exec(t ?? '');
    const acc = m ? prog.accesses[Number(m[1])] : undefined;
    const pq = q ? parseTrap(q) : undefined, pt = t ? parseTrap(t) : undefined;
    if (pq && pt && reconcile(pq, pt, acc, accepted, prog, svExt)) continue;
    if (acc?.kind.startsWith('hlvx') && q && t && hlvxAsLoad(q, t, acc, prog, svExt)) { count('hlvx-permission'); continue; }
    // Ours an access fault because PMP refuses an A/D store into a PTE, QEMU's anything else
    // (it writes the PTE regardless: QEMU_DEPARTURES 'pmp-ad-write'): accepted when the
    // replayed walk stops there and ours is exactly that fault.
    if (pt && acc && q && new RegExp(`^A${acc.n} `).test(q) && adWriteFault(pt, acc, prog, svExt)) { count('pmp-ad-write'); continue; }
    const parts = [`first divergence at output line ${i + 1}`, `  qemu:    ${q ?? '(end of output)'}`, `  tsvisor: ${t ?? '(end of output)'}`];
    if (acc) {
      parts.push(describeAccess(acc), prog.scenes[acc.scene]!.text);
      try { parts.push(explainAccess(prog, acc.n, svExt)); } catch (e) { parts.push(`(replay failed: ${String(e)})`); }
      parts.push('PTEs written for the scene (address value):');
      for (const [addr, v] of prog.scenes[acc.scene]!.ptes) parts.push(`  ${hex(addr)} ${hex(v)}`);
    }
    if (qemu.status !== ours.status) parts.push(`exit status: qemu=${qemu.status} tsvisor=${ours.status}`);
    return { divergence: { line: i, report: parts.join('\n') }, accepted };
  }
  if (qemu.status !== ours.status) {
    return { divergence: { line: a.length, report: `same output, exit status differs: qemu=${qemu.status} tsvisor=${ours.status}` }, accepted };
  }
  return { accepted };
}

export interface PtSeedResult {
  seed: number;
  svExt: boolean;
  accesses: number;
  /** Accesses that trapped on QEMU / completed. */
  traps: number;
  /** Lines accepted by a rule of `reconcile` (rule name -> count). */
  accepted: Map<string, number>;
  divergence?: PtDivergence;
  qemu: GuestRun;
  tsvisor: GuestRun;
  elf: string;
}

/** The tsvisor hart ISA for the runs: the board default plus H (and Svnapot/Svpbmt). */
export function ptFuzzIsa(svExt: boolean): string {
  return VIRT_DEFAULT_ISA.replace(/^rv64imafdc/, 'rv64imafdch') + (svExt ? '_svnapot_svpbmt' : '');
}

/** Runs one seed on both machines; keeps the ELF only when they diverge (or `keep`). */
export async function runPtSeed(seed: number, opts: PtFuzzOptions & { keep?: boolean; workDir?: string } = {}): Promise<PtSeedResult> {
  const svExt = opts.svExt ?? false;
  const prog = generate(seed, opts);
  const built = buildPtFuzz(prog, seed, opts.workDir);
  const qemu = await runQemu(built.elf, { h: true, cpuProps: svExt ? ['svnapot=true', 'svpbmt=true'] : [], timeoutMs: 120_000 });
  if (!/^END$/m.test(qemu.output)) {
    throw new Error(`seed ${seed}: the runner did not finish on QEMU (kept at ${built.elf}):\n${qemu.output.slice(-600)}`);
  }
  const ours = await runTsvisor(built.elf, { timeoutMs: 240_000, isa: ptFuzzIsa(svExt), extensions: [hypervisor(H_1_0)] });
  const { divergence, accepted } = comparePtRuns(prog, qemu, ours, svExt);
  if (!divergence && !opts.keep) rmSync(built.dir, { recursive: true, force: true });
  const traps = qemu.output.split('\n').filter((l) => / c=/.test(l)).length;
  return { seed, svExt, accesses: prog.accesses.length, traps, accepted, divergence, qemu, tsvisor: ours, elf: built.elf };
}
