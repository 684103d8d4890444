import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// Each test boots Debian's kernel on tsvisor (a minute or more per boot on a quiet 2-core
// machine, far more on a busy one) and may first fetch the guest (about 110 MB): generous
// timeouts. The two files can run side by side (the storage boot is a child process).
export default mergeConfig(
  shared,
  defineConfig({ test: { testTimeout: 3_600_000, hookTimeout: 3_600_000, maxWorkers: 2, minWorkers: 1 } }),
);
