import { defineConfig } from 'vitest/config';

/** The slow full-system suite (Linux boots): `pnpm --filter @tsvisor/cli test:linux`. */
export default defineConfig({
  resolve: { conditions: ['@tsvisor/source'] },
  ssr: { resolve: { conditions: ['@tsvisor/source'] } },
  test: { include: ['linux-boot/**/*.test.ts'], testTimeout: 1_800_000 },
});
