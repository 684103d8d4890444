export { Vmm, VmmError, type VmmOptions, type ExitStats } from './vmm.js';
export { buildVmmFdt, type VmmFdtConfig, type VmmFdtCpu } from './fdt.js';
export * from './memory-map.js';
export { formatKvmStat, type KvmStatReport } from './stats.js';
