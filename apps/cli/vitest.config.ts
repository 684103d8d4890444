import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

// These tests start the CLI as a process (tsx compiles on start): give a busy machine room.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 180_000 } }));
