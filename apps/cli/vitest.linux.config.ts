import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

/** The slow full-system suite (Linux boots): `pnpm --filter @tsvisor/cli test:linux`. */
export default mergeConfig(shared, defineConfig({ test: { include: ['linux-boot/**/*.test.ts'], testTimeout: 1_800_000 } }));
