/**
 * The built-in corpus — the project's own course text in apps/tiny-gpt/corpus — bundled into the
 * site at build time (Vite `?raw` imports): the capstone trains on it without any network request.
 */
const chapters = import.meta.glob<string>('../../tiny-gpt/corpus/[0-9]*.txt', {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** Every chapter in order, trimmed and joined by a blank line (as `tiny-gpt train` reads them). */
export function courseCorpus(): string {
  return Object.keys(chapters)
    .sort()
    .map((k) => chapters[k].trim())
    .join('\n\n');
}

/** The number of chapters bundled. */
export const chapterCount = Object.keys(chapters).length;
