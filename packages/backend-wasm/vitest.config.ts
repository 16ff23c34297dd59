import { vitestPreset } from '@dendrite/config/vitest';
import { mergeConfig } from 'vitest/config';

// The tests run the compiled kernels (generated/kernels.ts, a build product of assembly/): the global
// setup compiles them when missing or stale, so `npx vitest` works on a fresh clone too.
export default mergeConfig(vitestPreset(), { test: { globalSetup: ['./scripts/vitest-setup.mjs'] } });
