/**
 * Which code samples the page can run. The in-page runner (src/run-code.ts, in a Web Worker)
 * provides the Dendrite packages that run in a browser; a sample importing anything else
 * (`node:fs`, `@dendrite/nn/node`, the `tiny-gpt` CLI package) needs Node, and its page says so
 * instead of offering a Run button. This file holds no transpiler, so the page's main bundle stays
 * small: the page decides from the sample's imports alone.
 */

/** The packages a sample run in the page may import (each loaded only when a sample imports it). */
export const RUNNABLE_MODULES = [
  '@dendrite/autograd',
  '@dendrite/backend-gpujs',
  '@dendrite/backend-wasm',
  '@dendrite/gpt',
  '@dendrite/nn',
  '@dendrite/optim',
  '@dendrite/tensor',
  '@dendrite/tokenizer',
] as const;

export type RunnableModule = (typeof RUNNABLE_MODULES)[number];

export function isRunnableModule(specifier: string): specifier is RunnableModule {
  return (RUNNABLE_MODULES as readonly string[]).includes(specifier);
}

/**
 * The modules a TypeScript source imports, in order, without duplicates: `import … from 'x'`,
 * `import 'x'`, `export … from 'x'` and `import('x')` (type-only imports too: they are erased, but a
 * sample importing types from a Node-only module belongs with Node anyway).
 */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*import\s+(?:[^'"`;]*?\s+from\s*)?(['"])([^'"]+)\1/gm,
    /^\s*export\s+[^'"`;]*?\s+from\s*(['"])([^'"]+)\1/gm,
    /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  ];
  const hits: { at: number; specifier: string }[] = [];
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) hits.push({ at: m.index ?? 0, specifier: m[2] });
  }
  for (const { specifier } of hits.sort((a, b) => a.at - b.at)) {
    if (!found.includes(specifier)) found.push(specifier);
  }
  return found;
}

/** The imports of a source that the page cannot provide: empty when the sample runs in the page. */
export function nodeOnlyImports(source: string): string[] {
  return importsOf(source).filter((s) => !isRunnableModule(s));
}

/** The message shown for a sample (or an edit) that imports what only Node provides. */
export function needsNodeMessage(imports: readonly string[], file = 'sample.ts'): string {
  return (
    `This sample needs Node (it imports ${imports.join(', ')}): run it with Node 20 in a project ` +
    `with the packages installed, e.g. npx tsx ${file}. Code run in this page can import ` +
    `${RUNNABLE_MODULES.join(', ')}.`
  );
}
