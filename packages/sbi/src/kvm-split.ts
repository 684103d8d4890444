/**
 * Linux KVM's split of SBI calls between the kernel (kvm.ko, our kvm-api) and
 * the VMM, as data (Linux arch/riscv/kvm/vcpu_sbi*.c; ../SPECS §5):
 * - kernel: handled in kvm-api by these modules;
 * - system-event: handled in kvm-api, whose platform turns it into KVM_EXIT_SYSTEM_EVENT;
 * - kernel-then-userspace: kvm-api checks the arguments, then forwards (SUSP);
 * - userspace: forwarded untouched as KVM_EXIT_RISCV_SBI.
 */
import * as d from './defs';
import type { SbiExtensionName, SbiRoute } from './types';

export type KvmSbiDisposition = 'kernel' | 'system-event' | 'kernel-then-userspace' | 'userspace';

export interface KvmSbiSplitRow {
  readonly extension: SbiExtensionName;
  /** EIDs this row covers; for the legacy extension each function is its own EID. */
  readonly eids: readonly number[] | { readonly from: number; readonly to: number };
  readonly where: KvmSbiDisposition;
  /** Whether KVM enables it by default (DBCN, SUSP and MPXY must be enabled by the VMM). */
  readonly defaultEnabled: boolean;
  readonly note?: string;
}

export const KVM_SBI_SPLIT: readonly KvmSbiSplitRow[] = [
  { extension: 'base', eids: [d.SBI_EXT_BASE], where: 'kernel', defaultEnabled: true,
    note: 'probe_extension of an experimental or vendor EID is forwarded (see kvmSbiRoute)' },
  { extension: 'time', eids: [d.SBI_EXT_TIME], where: 'kernel', defaultEnabled: true, note: 'programs the VS timer' },
  { extension: 'ipi', eids: [d.SBI_EXT_IPI], where: 'kernel', defaultEnabled: true, note: 'injects VSSIP' },
  { extension: 'rfence', eids: [d.SBI_EXT_RFENCE], where: 'kernel', defaultEnabled: true,
    note: 'fence.i and sfence.vma[.asid] become HFENCE.VVMA in the VMID; the hfence functions are no-ops' },
  { extension: 'hsm', eids: [d.SBI_EXT_HSM], where: 'kernel', defaultEnabled: true,
    note: 'suspend: default retentive only (a WFI); default non-retentive is SBI_ERR_NOT_SUPPORTED' },
  { extension: 'srst', eids: [d.SBI_EXT_SRST], where: 'system-event', defaultEnabled: true,
    note: 'shutdown -> SHUTDOWN, cold/warm reboot -> RESET' },
  { extension: 'pmu', eids: [d.SBI_EXT_PMU], where: 'kernel', defaultEnabled: true },
  { extension: 'sta', eids: [d.SBI_EXT_STA], where: 'kernel', defaultEnabled: true },
  { extension: 'fwft', eids: [d.SBI_EXT_FWFT], where: 'kernel', defaultEnabled: true },
  { extension: 'legacy',
    eids: [d.SBI_EXT_0_1_SET_TIMER, d.SBI_EXT_0_1_CLEAR_IPI, d.SBI_EXT_0_1_SEND_IPI, d.SBI_EXT_0_1_REMOTE_FENCE_I,
      d.SBI_EXT_0_1_REMOTE_SFENCE_VMA, d.SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID],
    where: 'kernel', defaultEnabled: true },
  { extension: 'legacy', eids: [d.SBI_EXT_0_1_CONSOLE_PUTCHAR, d.SBI_EXT_0_1_CONSOLE_GETCHAR], where: 'userspace', defaultEnabled: true },
  { extension: 'legacy', eids: [d.SBI_EXT_0_1_SHUTDOWN], where: 'system-event', defaultEnabled: true },
  { extension: 'dbcn', eids: [d.SBI_EXT_DBCN], where: 'userspace', defaultEnabled: false },
  { extension: 'susp', eids: [d.SBI_EXT_SUSP], where: 'kernel-then-userspace', defaultEnabled: false,
    note: 'KVM checks the sleep type, the resume address and that every other vCPU is stopped first' },
  { extension: 'experimental', eids: { from: d.SBI_EXT_EXPERIMENTAL_START, to: d.SBI_EXT_EXPERIMENTAL_END }, where: 'userspace', defaultEnabled: true },
  { extension: 'vendor', eids: { from: d.SBI_EXT_VENDOR_START, to: d.SBI_EXT_VENDOR_END }, where: 'userspace', defaultEnabled: true },
];

function rowFor(eid: number): KvmSbiSplitRow | undefined {
  return KVM_SBI_SPLIT.find((r) => (Array.isArray(r.eids) ? (r.eids as readonly number[]).includes(eid) : eid >= (r.eids as { from: number }).from && eid <= (r.eids as { to: number }).to));
}

/** Where KVM sends one call: a SbiRouter for `createSbi({ route })` on the kvm-api side. */
export function kvmSbiRoute(eid: number, fid: number, args: readonly bigint[]): SbiRoute {
  if (eid === d.SBI_EXT_BASE && fid === d.SBI_EXT_BASE_PROBE_EXT) {
    const probed = rowFor(Number(BigInt.asIntN(32, args[0] ?? 0n)));
    const target = BigInt.asIntN(64, args[0] ?? 0n);
    if (probed?.where === 'userspace' && (probed.extension === 'experimental' || probed.extension === 'vendor') &&
      target === BigInt.asIntN(32, target)) return 'forward';
    return 'handle';
  }
  return rowFor(eid)?.where === 'userspace' ? 'forward' : 'handle';
}

/** The disposition of an EID under KVM's split (undefined: KVM has no handler, so SBI_ERR_NOT_SUPPORTED). */
export function kvmSbiDisposition(eid: number): KvmSbiDisposition | undefined {
  return rowFor(eid)?.where;
}
