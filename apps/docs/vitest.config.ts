import { vitestPreset } from '@dendrite/config/vitest';

// Examples run in Node; the browser tests drive the built site in Chromium (test/e2e.test.ts).
export default vitestPreset({ include: ['test/**/*.test.ts'], testTimeout: 120_000 });
