export {
  Plic, PLIC_CONTEXT_BASE, PLIC_CONTEXT_STRIDE, PLIC_ENABLE_BASE, PLIC_ENABLE_STRIDE, PLIC_MAX_PRIORITY,
  PLIC_PENDING_BASE, PLIC_PRIORITY_BASE, PLIC_VIRT_NDEV, PLIC_VIRT_SIZE, writePlicNode,
} from './plic.js';
export type { PlicFdtOptions, PlicOptions, PlicState } from './plic.js';
