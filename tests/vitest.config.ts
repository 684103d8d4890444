import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared';

// Guest programs run in child processes (QEMU, the tsvisor CLI); one file at a time keeps
// the 2-core CI box responsive.
export default mergeConfig(shared, defineConfig({ test: { fileParallelism: false, testTimeout: 600_000 } }));
