import { libraryPreset } from '@dendrite/config/tsup';

// `#workers` is resolved where the package is used, by the `imports` map in package.json: the
// Node worker threads under the `node` condition, Web Workers elsewhere (see src/workers.ts).
export default libraryPreset({
  platformEntries: { 'workers.node': 'src/workers.node.ts', 'workers.browser': 'src/workers.browser.ts' },
  external: ['#workers'],
});
