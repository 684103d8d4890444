import type { HypervisorSpec } from '../spec.js';

/**
 * RISC-V Hypervisor extension 1.0, ratified with Privileged Architecture 1.12
 * (ISA manual tag Priv-v1.12; the chapter's text is src/priv/hypervisor.adoc today).
 */
export const H_1_0: HypervisorSpec = Object.freeze<HypervisorSpec>({
  specificationVersion: 'h-spec-v1',
  spec: 'The RISC-V Instruction Set Manual, Volume II: Privileged Architecture, Hypervisor Extension',
  version: '1.0',
  status: 'ratified',
  source: 'riscv-isa-manual tag Priv-v1.12 (H 1.0 text from commit f14bad81, 2021-11-30)',
  virtualInstruction: 'hs-qualified',
  hvipWritable: 'vs-bits',
  gvaOnMisalignedAndBreakpoint: true,
  // "Bits of hedeleg that must be writable or must be read-only zero": 9, 10, 11, 20-23.
  hedelegReadOnlyZero: (1n << 9n) | (1n << 10n) | (1n << 11n) | (0xfn << 20n),
  hidelegWritable: (1n << 10n) | (1n << 6n) | (1n << 2n),
  midelegMasksHideleg: true,
  henvcfg: true,
  // ADUE is the Svadu extension's field; it exists only on harts with Svadu (as STCE with Sstc).
  henvcfgFields: ['FIOM', 'PBMTE', 'STCE', 'ADUE'],
  hgatpModes: [0, 8, 9, 10],
  hlvActiveRule: 'stated',
  tinstHalfFloat: true,
});
