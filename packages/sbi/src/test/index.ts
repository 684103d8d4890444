/**
 * Test doubles: a fake platform with flat RAM, per-hart HSM states and a log
 * of everything the SBI implementation asked of it. Exported as "@tsvisor/sbi/test".
 */
import * as d from '../defs';
import type { RemoteFence } from '../extensions/rfence';
import type { SupervisorLoad } from '../extensions/legacy';
import type { SbiPlatform } from '../standard';
import type { SbiGuestMemory } from '../types';
import type { SbiFwftHost } from '../extensions/fwft';

/** Flat RAM at `base`; everything else is not memory. */
export class FakeGuestMemory implements SbiGuestMemory {
  readonly bytes: Uint8Array;
  constructor(readonly base: bigint, size: number) {
    this.bytes = new Uint8Array(size);
  }
  private offset(pa: bigint, length: bigint): number | undefined {
    if (length < 0n || pa < this.base || pa + length > this.base + BigInt(this.bytes.length)) return undefined;
    return Number(pa - this.base);
  }
  accessible(pa: bigint, length: bigint): boolean {
    return this.offset(pa, length) !== undefined;
  }
  read(pa: bigint, length: number): Uint8Array | undefined {
    const o = this.offset(pa, BigInt(length));
    return o === undefined ? undefined : this.bytes.slice(o, o + length);
  }
  write(pa: bigint, data: Uint8Array): boolean {
    const o = this.offset(pa, BigInt(data.length));
    if (o === undefined) return false;
    this.bytes.set(data, o);
    return true;
  }
  isExecutable(pa: bigint): boolean {
    return this.offset(pa, 4n) !== undefined;
  }
}

export interface FakePlatformOptions {
  readonly hartIds?: readonly number[];
  readonly ramBase?: bigint;
  readonly ramSize?: number;
  readonly hypervisor?: boolean;
  readonly fwftFeatures?: SbiFwftHost;
}

/** A platform that records every request; harts other than the first start STOPPED. */
export class FakePlatform implements SbiPlatform {
  readonly memory: FakeGuestMemory;
  readonly hypervisor: boolean;
  readonly fwftFeatures: SbiFwftHost;
  readonly states = new Map<number, number>();
  readonly timers = new Map<number, bigint>();
  readonly ipis: { from: number; to: readonly number[] }[] = [];
  readonly pendingIpi = new Set<number>();
  readonly fences: RemoteFence[] = [];
  readonly starts: { hartId: number; addr: bigint; opaque: bigint }[] = [];
  readonly suspends: { hartId: number; type: number; addr: bigint; opaque: bigint }[] = [];
  readonly resets: { type: number; reason: number }[] = [];
  readonly systemSuspends: { type: number; addr: bigint; opaque: bigint }[] = [];
  readonly output: number[] = [];
  input: number[] = [];
  /** How many bytes consoleWrite accepts per call (to test partial writes). */
  consoleBudget = Infinity;
  /** The error the console reports, if any (SBI_ERR_DENIED / SBI_ERR_FAILED). */
  consoleError = 0;
  /** Supervisor virtual memory for the legacy hart-mask pointers: va -> value; anything else faults. */
  readonly supervisorWords = new Map<bigint, bigint>();
  /** What the next hartSuspend / systemSuspend / systemReset answers. */
  suspendAnswer = 0;
  systemSuspendAnswer: number | 'forward' = 0;
  resetAnswer = 0;

  constructor(options: FakePlatformOptions = {}) {
    const harts = options.hartIds ?? [0, 1, 2, 3];
    harts.forEach((h, i) => this.states.set(h, i === 0 ? d.SBI_HSM_STATE_STARTED : d.SBI_HSM_STATE_STOPPED));
    this.memory = new FakeGuestMemory(options.ramBase ?? 0x8000_0000n, options.ramSize ?? 64 * 1024);
    this.hypervisor = options.hypervisor ?? false;
    this.fwftFeatures = options.fwftFeatures ?? {};
  }
  get hartIds(): number[] {
    return [...this.states.keys()];
  }
  setTimer(hartId: number, stime: bigint): void {
    this.timers.set(hartId, stime);
  }
  sendIpi(from: number, to: readonly number[]): void {
    this.ipis.push({ from, to: [...to] });
    for (const h of to) this.pendingIpi.add(h);
  }
  clearIpi(hartId: number): boolean {
    return this.pendingIpi.delete(hartId);
  }
  remoteFence(req: RemoteFence): number {
    this.fences.push(req);
    return d.SBI_SUCCESS;
  }
  hartStatus(hartId: number): number {
    return this.states.get(hartId) ?? d.SBI_HSM_STATE_STOPPED;
  }
  hartStart(hartId: number, addr: bigint, opaque: bigint): number {
    this.starts.push({ hartId, addr, opaque });
    this.states.set(hartId, d.SBI_HSM_STATE_STARTED);
    return d.SBI_SUCCESS;
  }
  hartStop(hartId: number): number {
    this.states.set(hartId, d.SBI_HSM_STATE_STOPPED);
    return d.SBI_SUCCESS;
  }
  hartSuspend(hartId: number, type: number, addr: bigint, opaque: bigint): number {
    this.suspends.push({ hartId, type, addr, opaque });
    return this.suspendAnswer;
  }
  isExecutable(pa: bigint): boolean {
    return this.memory.isExecutable(pa);
  }
  systemReset(_hartId: number, type: number, reason: number): number {
    this.resets.push({ type, reason });
    return this.resetAnswer;
  }
  systemSuspend(_hartId: number, type: number, addr: bigint, opaque: bigint): number | 'forward' {
    this.systemSuspends.push({ type, addr, opaque });
    return this.systemSuspendAnswer;
  }
  consoleWrite(bytes: Uint8Array): number {
    if (this.consoleError) return this.consoleError;
    const n = Math.min(bytes.length, this.consoleBudget);
    this.output.push(...bytes.subarray(0, n));
    return n;
  }
  consoleRead(max: number): Uint8Array {
    const taken = this.input.slice(0, max);
    this.input = this.input.slice(taken.length);
    return Uint8Array.from(taken);
  }
  loadSupervisorUlong(_hartId: number, va: bigint): SupervisorLoad {
    const v = this.supervisorWords.get(va);
    // Load page fault (cause 13) at the address, as a walk miss would give.
    return v === undefined ? { ok: false, cause: 13, tval: va } : { ok: true, value: v };
  }
  /** The console output as a string. */
  text(): string {
    return String.fromCharCode(...this.output);
  }
}
