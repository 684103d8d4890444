import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Shared vitest settings: workspace packages resolve to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['@tsvisor/source'] },
  ssr: { resolve: { conditions: ['@tsvisor/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    setupFiles: [fileURLToPath(new URL('./tooling/vitest-setup.ts', import.meta.url))],
  },
});
