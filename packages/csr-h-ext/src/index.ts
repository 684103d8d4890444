/** @tsvisor/csr-h-ext: the RISC-V Hypervisor extension as swappable spec modules. */
export type { HypervisorSpec, SpecStatus, VirtualInstructionRule, HvipWritableRule } from './spec.js';
export { H_1_0 } from './versions/h-1.0.js';
export { H_0_6_1 } from './versions/h-0.6.1.js';
export { H_SPECS } from './versions/index.js';
export { hypervisor, H_INTERRUPT_ORDER, type HypervisorExtension, type HypervisorOptions } from './hypervisor.js';
export { hCsrRows, type HCsrRow } from './csrs.js';
export type { RegName as HCsrName } from './state.js';
export * as hdefs from './defs.js';
