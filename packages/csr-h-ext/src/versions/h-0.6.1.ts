import type { HypervisorSpec } from '../spec.js';
import { H_1_0 } from './h-1.0.js';

/**
 * RISC-V Hypervisor extension draft 0.6.1 (ISA manual src/hypervisor.tex, version bump
 * cc43c1fe 2020-05-05, last 0.6.1 text 35100d2d 2021-05-20): the draft Linux KVM RISC-V
 * tracked from its v13 posting (Linux 5.8-rc4) through 2021.
 *
 * Built from the 1.0 module by naming only what differs (0.6.2 added GVA for misaligned
 * and breakpoint traps; 1.0-rc added henvcfg, Sv57x4, hedeleg[10] read-only zero, the
 * HS-qualified rule, hvip independence and the mideleg mask).
 */
export const H_0_6_1: HypervisorSpec = Object.freeze<HypervisorSpec>({
  ...H_1_0,
  spec: 'RISC-V Privileged Architecture draft, Hypervisor Extension chapter',
  version: '0.6.1',
  status: 'draft',
  source: 'riscv-isa-manual src/hypervisor.tex at 35100d2d (version set in cc43c1fe)',
  virtualInstruction: 'coarse',
  hvipWritable: 'follows-hideleg',
  gvaOnMisalignedAndBreakpoint: false,
  // 0.6.1's table lists 9, 11, 20, 21, 22, 23 as read-only zero; bit 10 is not constrained
  // and we make it writable.
  hedelegReadOnlyZero: (1n << 9n) | (1n << 11n) | (0xfn << 20n),
  midelegMasksHideleg: false,
  henvcfg: false,
  henvcfgFields: [],
  hgatpModes: [0, 8, 9],
  hlvActiveRule: 'unstated',
  tinstHalfFloat: false,
});
