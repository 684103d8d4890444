export { SPECS } from './spec.js';
export * from './defs.js';
export { PAGING_MODES, findPagingMode, type PagingMode } from './modes.js';
export {
  ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE, OP_VIRT, OP_HLVX, OP_PRIV_SHIFT, OP_ACCESS_MASK, OP_COUNT, makeOp, opFromPrivMode,
  type AccessType, type AccessName, type OpOptions,
} from './access.js';
export { decodePte, formatPte, listMappings, type PteFields, type Mapping, type ListMappingsOptions } from './inspect.js';
export { Pmp, type PmpOptions, type PmpState } from './pmp.js';
export { Tlb, contextKey, GLOBAL_ASID, type TlbInsert, type TlbFenceScope } from './tlb.js';
export {
  Translator, TRANSLATE_FAULT,
  type PteMemory, type PhysAccessCheck, type TranslatorOptions, type WalkStep, type TranslationFault, type TranslateResult, type TranslateVaOptions,
} from './translator.js';
