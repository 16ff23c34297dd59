import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder of the built-in corpus: the project's own course text, shipped with the app. */
export function corpusDir(): string {
  // src/corpus.ts and dist/*.js both sit one level below the app folder.
  return fileURLToPath(new URL('../corpus/', import.meta.url));
}

/**
 * The built-in training text: every chapter of the course (`corpus/NN-*.txt`) in chapter order,
 * separated by blank lines.
 */
export function builtInCorpus(): string {
  const dir = corpusDir();
  const files = readdirSync(dir)
    .filter((f) => /^\d+-.*\.txt$/.test(f))
    .sort();
  return files.map((f) => readFileSync(`${dir}${f}`, 'utf8').trim()).join('\n\n');
}
