// The one tsup preset every Dendrite package builds with: ESM, .d.ts, sourcemaps, no bundled deps.
// Switching to another bundler later (tsdown) means changing this file only.
import { defineConfig } from 'tsup';

/**
 * @param {{ entry?: Record<string, string> | string[], platform?: 'neutral' | 'node' | 'browser', banner?: string, external?: string[], noExternal?: (string|RegExp)[], dts?: boolean }} [options]
 */
export function libraryPreset(options = {}) {
  return defineConfig({
    entry: options.entry ?? { index: 'src/index.ts' },
    format: ['esm'],
    platform: options.platform ?? 'neutral',
    target: 'es2022',
    dts: options.dts ?? true,
    sourcemap: true,
    clean: true,
    splitting: true, // shared chunks: one copy of each class across entries (instanceof works)
    treeshake: true,
    external: options.external,
    noExternal: options.noExternal,
    banner: options.banner ? { js: options.banner } : undefined,
    // The dts build resolves workspace packages to their built .d.ts, not their sources.
    tsconfig: 'tsconfig.json',
  });
}
