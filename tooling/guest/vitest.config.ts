import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// The guest test may download the Debian packages (about 110 MB) and boots Linux under QEMU.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 900_000, hookTimeout: 900_000 } }));
