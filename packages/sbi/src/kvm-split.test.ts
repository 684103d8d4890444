import { describe, expect, it } from 'vitest';
import * as d from './defs';
import { KVM_SBI_SPLIT, kvmSbiDisposition, kvmSbiRoute } from './kvm-split';
import { R, harness } from './test/harness';

describe("KVM's kernel/userspace split", () => {
  it('matches Linux: console and extension ranges forwarded, SRST a system event, the rest in kernel', () => {
    expect(kvmSbiDisposition(d.SBI_EXT_TIME)).toBe('kernel');
    expect(kvmSbiDisposition(d.SBI_EXT_HSM)).toBe('kernel');
    expect(kvmSbiDisposition(d.SBI_EXT_0_1_CONSOLE_PUTCHAR)).toBe('userspace');
    expect(kvmSbiDisposition(d.SBI_EXT_0_1_SHUTDOWN)).toBe('system-event');
    expect(kvmSbiDisposition(d.SBI_EXT_SRST)).toBe('system-event');
    expect(kvmSbiDisposition(d.SBI_EXT_DBCN)).toBe('userspace');
    expect(kvmSbiDisposition(d.SBI_EXT_SUSP)).toBe('kernel-then-userspace');
    expect(kvmSbiDisposition(0x08001234)).toBe('userspace');
    expect(kvmSbiDisposition(d.SBI_EXT_CPPC)).toBeUndefined();
    expect(KVM_SBI_SPLIT.filter((r) => !r.defaultEnabled).map((r) => r.extension)).toEqual(['dbcn', 'susp']);
  });

  it('routes through createSbi: forwarded calls are not executed here', () => {
    const h = harness(undefined, { route: kvmSbiRoute });
    expect(h.call(d.SBI_EXT_DBCN, 2, 0x41)).toEqual({ kind: 'forward' });
    expect(h.call(d.SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 0x41)).toEqual({ kind: 'forward' });
    expect(h.p.output).toEqual([]);
    expect(h.call(d.SBI_EXT_TIME, 0, 5)).toEqual(R(0));
    // probe of a vendor EID goes to the VMM; of anything else it is answered here.
    expect(kvmSbiRoute(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, [0x09000001n])).toBe('forward');
    expect(kvmSbiRoute(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, [BigInt(d.SBI_EXT_DBCN)])).toBe('handle');
    expect(kvmSbiRoute(d.SBI_EXT_BASE, d.SBI_EXT_BASE_PROBE_EXT, [(1n << 40n) | 0x09000001n])).toBe('handle');
  });
});
