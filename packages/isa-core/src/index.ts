/** @tsvisor/isa-core public surface. */
export { PhysicalMemory, HostClock, InstructionClock, STATE_AREA_BYTES } from './memory.js';
export type { MmioDevice, MmioRegion, PhysicalMemoryOptions, Clock, WasmMemory } from './memory.js';
export { Hart, TRAP } from './hart.js';
export type { HartOptions, HartDeps, HartState, HartStatus } from './hart.js';
export type { Extension, ExtensionState, CsrRow, PrivHooks } from './extension.js';
export { Decoder, rowEnabled, immI, immS, immB, immU, immJ } from './insn-table.js';
export type { InsnRow, ExecFn, OperandFormat } from './insn-table.js';
export { parseIsa, IsaError } from './isa.js';
export { basePrivHooks, pickInterrupt, INTERRUPT_ORDER, pageFaultCause, accessFaultCause } from './priv.js';
export { CSR_SLOTS, CSR_FIRST_FREE_SLOT, plainCsr, writeMstatusLo, mstatusHiRead, MSTATUS_WRITE_MASK } from './csr.js';
export { builtinRows } from './ext/index.js';
export * from './defs.js';
export * as int64 from './int64.js';
export { R } from './int64.js';
export { disassemble, assemble, AsmError, CSR_NAMES, XREG, FREG } from './disasm.js';
export { zkr, CSR_SEED, CSR_MSECCFG, MSECCFG_SSEED, MSECCFG_USEED, SEED_OPST_ES16 } from './zkr.js';
export type { ZkrOptions } from './zkr.js';
