/**
 * The code blocks of the READMEs this check covers: every ```ts / ```typescript / ```js (and
 * ```mts / ```mjs / ```javascript) fence of packages/*\/README.md and apps/tiny-gpt/README.md.
 *
 * A block is a **program** unless the line before its fence (blank lines between are allowed) is the
 * marker `<!-- fragment -->` (optionally `<!-- fragment: why -->`): a program must typecheck on its
 * own and run; a fragment is typechecked with the names it leaves to the surrounding text allowed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const TS_LANGS = new Set(['ts', 'typescript', 'mts']);
export const JS_LANGS = new Set(['js', 'javascript', 'mjs']);
const FRAGMENT = /^<!--\s*fragment\b[\s\S]*?-->$/;

export interface Block {
  /** The README, relative to the repository root (`packages/nn/README.md`). */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: 'ts' | 'js';
  code: string;
  fragment: boolean;
  /** `packages/nn/README.md:20`, for messages. */
  where: string;
}

/** Fenced code blocks of one Markdown text (any language), with the fragment marker read. */
export function codeBlocks(
  markdown: string,
  readme: string,
): { line: number; lang: string; code: string; fragment: boolean }[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: { line: number; lang: string; code: string; fragment: boolean }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].trimStart().startsWith(fence) && lines[j].trim() === fence)) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    if (j === lines.length) throw new Error(`${readme}:${i + 1}: a code fence that never closes`);
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const fragment = k >= 0 && FRAGMENT.test(lines[k].trim());
    blocks.push({ line: i + 1, lang: lang.toLowerCase(), code: `${body.join('\n')}\n`, fragment });
    i = j;
  }
  return blocks;
}

/** The READMEs covered: every package's, and the tiny-gpt app's. */
export function readmes(root: string): string[] {
  const files = readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, 'packages', d.name, 'README.md'))
    .filter((f) => existsSync(f))
    .sort();
  const app = join(root, 'apps', 'tiny-gpt', 'README.md');
  if (existsSync(app)) files.push(app);
  return files;
}

/** Every TypeScript / JavaScript block of the covered READMEs. */
export function readmeBlocks(root: string): Block[] {
  const out: Block[] = [];
  for (const file of readmes(root)) {
    const readme = relative(root, file).split('\\').join('/');
    for (const b of codeBlocks(readFileSync(file, 'utf8'), readme)) {
      const lang = TS_LANGS.has(b.lang) ? 'ts' : JS_LANGS.has(b.lang) ? 'js' : null;
      if (lang === null) continue;
      out.push({
        readme,
        line: b.line,
        lang,
        code: b.code,
        fragment: b.fragment,
        where: `${readme}:${b.line}`,
      });
    }
  }
  return out;
}
