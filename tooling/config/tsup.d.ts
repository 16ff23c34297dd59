import type { Options } from 'tsup';

export interface LibraryPresetOptions {
  /** The public entries, `{ name: 'src/file.ts' }`: each gets .js, .cjs, .d.ts and .d.cts. */
  entry?: Record<string, string> | string[];
  /**
   * Internal per-platform modules reached through the package's `imports` map under
   * `node`/`browser` conditions (e.g. `#workers`): built as ES modules only, no types.
   */
  platformEntries?: Record<string, string>;
  platform?: 'neutral' | 'node' | 'browser';
  banner?: string;
  external?: (string | RegExp)[];
  noExternal?: (string | RegExp)[];
  dts?: boolean;
  /** Also write the `require` facades (.cjs, .d.cts); default: unless package.json is private. */
  cjs?: boolean;
  /**
   * Packages whose types must load with this package's (module augmentations): written as
   * `import '<name>';` at the top of every emitted declaration file. Bare side-effect imports in
   * the entry files are added automatically.
   */
  typeImports?: string[];
}

export function libraryPreset(options?: LibraryPresetOptions): Options | Options[];
