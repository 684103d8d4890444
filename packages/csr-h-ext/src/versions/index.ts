import type { HypervisorSpec } from '../spec.js';
import { H_0_6_1 } from './h-0.6.1.js';
import { H_1_0 } from './h-1.0.js';

/**
 * Every spec module by its version string (what `tsvisor machine --h-ext` accepts). A further
 * draft is one more file in this folder and one more entry here.
 */
export const H_SPECS: Readonly<Record<string, HypervisorSpec>> = Object.freeze({
  [H_1_0.version]: H_1_0,
  [H_0_6_1.version]: H_0_6_1,
});
