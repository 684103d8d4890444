/**
 * Exit counters printed the way `kvm_stat -1` (one-shot, debugfs counters) prints them:
 * one row per counter with its total, largest first, zero rows left out; kvm-api's own
 * counters (no KVM counterpart) follow under their own heading.
 */
import { KVM_VCPU_STATS, TSVISOR_VCPU_STATS, type VcpuStats } from '@tsvisor/kvm-api';

export interface KvmStatReport {
  /** Counters summed over the vCPUs. */
  readonly stats: VcpuStats;
  /** Guest instructions retired, all vCPUs. */
  readonly instructions: number;
  /** Seconds the figures cover (for the per-second column). */
  readonly seconds?: number;
}

export function formatKvmStat(r: KvmStatReport): string {
  const per = (n: number) => (r.seconds && r.seconds > 0 ? (n / r.seconds).toFixed(0).padStart(10) : '');
  const rows = (names: readonly (keyof VcpuStats)[]) =>
    names.filter((n) => r.stats[n] > 0).sort((a, b) => r.stats[b] - r.stats[a])
      .map((n) => ` ${n.padEnd(28)}${String(r.stats[n]).padStart(12)}${per(r.stats[n])}`);
  const head = ` ${'Event'.padEnd(28)}${'Total'.padStart(12)}${r.seconds ? '     Avg/s' : ''}`;
  const own = rows(TSVISOR_VCPU_STATS);
  return [
    head,
    ...rows(KVM_VCPU_STATS),
    ...(own.length ? [' (tsvisor kvm-api only)', ...own] : []),
    ` guest instructions retired  ${String(r.instructions).padStart(11)}${r.seconds ? `   ${(r.instructions / r.seconds / 1e6).toFixed(1)} MIPS over ${r.seconds.toFixed(1)} s` : ''}`,
  ].join('\n');
}
