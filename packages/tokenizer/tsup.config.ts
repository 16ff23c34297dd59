import { libraryPreset } from '@dendrite/config/tsup';

// node.ts imports the main entry by package name; keeping it external makes dist/node.js share it.
export default libraryPreset({
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  external: ['@dendrite/tokenizer'],
});
