import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// The bare-metal programs are built once, before any test file runs (two files use them).
export default mergeConfig(shared, defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } }));
