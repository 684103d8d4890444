/**
 * The SBI dispatcher: decodes a7/a6, checks the call against the selected spec
 * version and the enabled extension modules, applies the routing policy, and
 * runs the module (SBI spec, "Binary Encoding").
 */
import {
  SBI_ERR_FAILED,
  SBI_ERR_NOT_SUPPORTED,
  SBI_EXT_0_1_SHUTDOWN,
} from './defs';
import { base } from './extensions/base';
import type { SbiSpecVersion } from './spec';
import type {
  SbiCall,
  SbiCallContext,
  SbiExtension,
  SbiExtensionName,
  SbiImplementation,
  SbiOutcome,
  SbiRouter,
} from './types';
import { ret } from './util';

export interface SbiOptions {
  /** Which SBI version the guest sees (spec.ts: SBI_V0_1 .. SBI_V3_0). */
  readonly version: SbiSpecVersion;
  /** The extension modules; BASE is added when absent (it is mandatory from 0.2 on). */
  readonly extensions: readonly SbiExtension[];
  /** Every hart the supervisor may name; a function is asked again on each call (harts added later). */
  readonly hartIds: readonly number[] | (() => readonly number[]);
  /** Identity reported through BASE: the implementation ID is required (KVM is 3); the rest default to 0. */
  readonly impl: Partial<SbiImplementation> & { readonly id: number };
  /** Routing policy (for KVM's kernel/userspace split). Default: handle everything here. */
  readonly route?: SbiRouter;
}

/** Versioned plain-data state of an Sbi instance. */
export interface SbiState {
  readonly stateVersion: 1;
  readonly disabled: readonly SbiExtensionName[];
  readonly modules: Readonly<Record<string, unknown>>;
}

const NOT_SUPPORTED = ret(SBI_ERR_NOT_SUPPORTED);
const LEGACY_NOT_SUPPORTED: SbiOutcome = { kind: 'legacy', value: BigInt(SBI_ERR_NOT_SUPPORTED) & ((1n << 64n) - 1n) };

/** A register value as a signed 32-bit ID, or undefined when it is not one (EIDs/FIDs are signed 32-bit). */
function id32(reg: bigint): number | undefined {
  const v = BigInt.asIntN(64, reg);
  if (v !== BigInt.asIntN(32, reg)) return undefined;
  return Number(v);
}

/** An SBI implementation as a guest sees it. */
export class Sbi {
  readonly version: SbiSpecVersion;
  readonly impl: SbiImplementation;
  readonly extensions: readonly SbiExtension[];
  private readonly disabled = new Set<SbiExtensionName>();
  private readonly hartSource: readonly number[] | (() => readonly number[]);
  private cachedIds: readonly number[] = [];
  private hartSet: ReadonlySet<number> = new Set();
  private readonly route: SbiRouter | undefined;

  constructor(options: SbiOptions) {
    this.version = options.version;
    this.hartSource = options.hartIds;
    this.impl = {
      id: options.impl.id,
      version: options.impl.version ?? 0n,
      mvendorid: options.impl.mvendorid ?? 0n,
      marchid: options.impl.marchid ?? 0n,
      mimpid: options.impl.mimpid ?? 0n,
    };
    const exts = [...options.extensions];
    if (!exts.some((e) => e.name === 'base')) exts.unshift(base());
    this.extensions = exts;
    this.route = options.route;
  }

  /** Every hart the supervisor may name, ascending. */
  get hartIds(): readonly number[] {
    const src = typeof this.hartSource === 'function' ? this.hartSource() : this.hartSource;
    if (src !== this.cachedIds) {
      this.cachedIds = src;
      this.hartSet = new Set(src);
      this.sortedIds = [...src].sort((a, b) => a - b);
    }
    return this.sortedIds;
  }

  private sortedIds: readonly number[] = [];

  /** Enables or disables an extension module (KVM's SBI_EXT registers). BASE cannot be disabled. */
  setEnabled(name: SbiExtensionName, enabled: boolean): void {
    if (name === 'base') return;
    if (enabled) this.disabled.delete(name);
    else this.disabled.add(name);
  }

  isEnabled(name: SbiExtensionName): boolean {
    return !this.disabled.has(name) && this.extensions.some((e) => e.name === name);
  }

  /** The module that answers `eid` under this version and the current enables, if any. */
  extensionFor(eid: number): SbiExtension | undefined {
    if (!this.versionDefines(eid)) return undefined;
    for (const e of this.extensions) {
      if (e.owns(eid)) return this.disabled.has(e.name) ? undefined : e;
    }
    return undefined;
  }

  /** BASE.probe_extension: 0 when the EID is not available (SBI spec, BASE FID 3). */
  probe(eid: number, hartId = this.hartIds[0] ?? 0): bigint {
    const e = this.extensionFor(eid);
    if (!e) return 0n;
    return e.probe ? e.probe(this.context(hartId), eid) : 1n;
  }

  /** Handles one ECALL from `hartId`. Never throws for anything a guest passes. */
  call(hartId: number, call: SbiCall): SbiOutcome {
    const eid = id32(call.eid);
    const legacyEid = eid !== undefined && eid >= 0 && eid <= SBI_EXT_0_1_SHUTDOWN;
    const unknown = this.version.legacyOnly || legacyEid ? LEGACY_NOT_SUPPORTED : NOT_SUPPORTED;
    if (eid === undefined) return unknown;
    const ext = this.extensionFor(eid);
    if (!ext) return unknown;
    // Legacy calls ignore a6 (SBI spec, "Legacy Extensions"); everything else checks the FID.
    let fid = 0;
    if (!legacyEid) {
      const f = id32(call.fid);
      const defined = this.version.extensions.get(eid);
      if (f === undefined || f < 0) return NOT_SUPPORTED;
      if (defined && !defined.includes(f)) return NOT_SUPPORTED;
      fid = f;
    }
    if (this.route && this.route(eid, fid, call.args) === 'forward') return { kind: 'forward' };
    const out = ext.handle(this.context(hartId), eid, fid, call.args);
    if (out.kind === 'return') {
      if (this.version.legacyOnly) return { kind: 'legacy', value: BigInt.asUintN(64, BigInt(out.error)) };
      // An error code this version does not define cannot reach the guest.
      if (!this.version.errors.has(out.error)) return ret(SBI_ERR_FAILED);
    }
    return out;
  }

  /** Per-hart reset of module state (FWFT values, STA shared memory) on hart reset. */
  resetHart(hartId: number): void {
    for (const e of this.extensions) e.resetHart?.(hartId);
  }

  getState(): SbiState {
    const modules: Record<string, unknown> = {};
    for (const e of this.extensions) if (e.getState) modules[e.name] = e.getState();
    return { stateVersion: 1, disabled: [...this.disabled], modules };
  }

  setState(state: SbiState): void {
    if (state.stateVersion !== 1) throw new Error(`SBI state version ${String(state.stateVersion)} is not supported (expected 1)`);
    this.disabled.clear();
    for (const n of state.disabled) this.disabled.add(n);
    for (const e of this.extensions) if (e.setState && state.modules[e.name] !== undefined) e.setState(state.modules[e.name]);
  }

  private versionDefines(eid: number): boolean {
    if (this.version.extensions.has(eid)) return true;
    return this.version.ranges.some((r) => eid >= r.from && eid <= r.to);
  }

  private context(hartId: number): SbiCallContext {
    const hartIds = this.hartIds;
    return {
      hartId,
      version: this.version,
      hartIds,
      isHart: (id) => id >= 0n && id <= 0xffffffffn && this.hartSet.has(Number(id)),
      probe: (eid) => this.probe(eid, hartId),
      firmwareEvent: (code, h) => {
        for (const e of this.extensions) if (!this.disabled.has(e.name)) e.onFirmwareEvent?.(code, h);
      },
      impl: this.impl,
    };
  }
}

/** Builds an SBI implementation from a version and a list of extension modules. */
export function createSbi(options: SbiOptions): Sbi {
  return new Sbi(options);
}
