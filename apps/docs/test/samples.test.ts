// The pages hold no hand-typed code: every sample is included from examples/ (which examples.test.ts
// runs), the course's TypeScript samples are wrapped so a learner can edit and run them in the page,
// and the shell samples are checked against the workspace and the tiny-gpt CLI itself.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMMANDS } from 'tiny-gpt';
import { describe, expect, it } from 'vitest';
import { nodeOnlyImports } from '../src/runnable.js';

const docs = join(import.meta.dirname, '..');
const repo = join(docs, '..', '..');
const pages = [
  'index.md',
  ...['course', 'guide'].flatMap((d) => readdirSync(join(docs, d)).map((f) => `${d}/${f}`)),
]
  .filter((f) => f.endsWith('.md'))
  .sort();
const read = (f: string) => readFileSync(join(docs, f), 'utf8');

/** Every `<<< @/file#region{lang}` include of a page. */
function includes(page: string): { file: string; region?: string }[] {
  return [...read(page).matchAll(/^<<< @\/([^\s#{[]+)(?:#([\w-]+))?/gm)].map((m) => ({
    file: m[1],
    region: m[2],
  }));
}

/** The lines of an example file that are commands (not comments or blank). */
function commands(file: string): string[] {
  return read(file)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

describe('code samples on the pages', () => {
  it('no page has a hand-typed code block', () => {
    const typed = pages.filter((p) => /^\s*(```|~~~)/m.test(read(p)));
    expect(typed).toEqual([]);
  });

  it('every include points at an existing example file (and region)', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const { file, region } of includes(page)) {
        if (!existsSync(join(docs, file))) broken.push(`${page}: ${file}`);
        else if (region && !new RegExp(`#region ${region}\\b`).test(read(file)))
          broken.push(`${page}: ${file}#${region}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('every example is shown on a page, and every page that runs one shows its output', () => {
    const used = new Set(pages.flatMap((p) => includes(p).map((i) => i.file)));
    const examples = readdirSync(join(docs, 'examples')).filter((f) => /\.(ts|sh)$/.test(f));
    expect(examples.filter((f) => !used.has(`examples/${f}`))).toEqual([]);
    for (const page of pages) {
      for (const { file } of includes(page).filter((i) => i.file.endsWith('.ts'))) {
        const output = file.replace(/^examples\/(.*)\.ts$/, 'examples/output/$1.txt');
        expect(used.has(output), `${page} shows ${file} without ${output}`).toBe(true);
      }
    }
  });
});

describe('runnable samples on the course pages', () => {
  const course = pages.filter((p) => p.startsWith('course/'));
  /** `<RunnableCode file="x">`, a blank line, the include, a blank line, `</RunnableCode>`. */
  const WRAPPED = /^<RunnableCode file="([\w-]+)">\n\n<<< @\/examples\/([\w-]+)\.ts\n\n<\/RunnableCode>$/gm;

  it('every <RunnableCode> wraps exactly the include of its own file, with blank lines around it', () => {
    const wrong: string[] = [];
    for (const page of pages) {
      const text = read(page);
      const opened = text.match(/<RunnableCode\b/g)?.length ?? 0;
      const wrapped = [...text.matchAll(WRAPPED)];
      if (wrapped.length !== opened)
        wrong.push(`${page}: ${opened - wrapped.length} malformed <RunnableCode>`);
      for (const [, file, included] of wrapped) {
        if (file !== included) wrong.push(`${page}: file="${file}" wraps examples/${included}.ts`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every TypeScript include on a course page is wrapped, unless its file needs Node', () => {
    const bare: string[] = [];
    let count = 0;
    for (const page of course) {
      const wrapped = new Set([...read(page).matchAll(WRAPPED)].map((m) => `examples/${m[2]}.ts`));
      for (const { file } of includes(page).filter((i) => i.file.endsWith('.ts'))) {
        if (wrapped.has(file)) count++;
        else if (nodeOnlyImports(read(file)).length === 0) bare.push(`${page}: ${file}`);
      }
    }
    expect(bare).toEqual([]);
    expect(count).toBeGreaterThan(10);
  });
});

describe('shell samples', () => {
  const manifests = readdirSync(join(repo, 'packages'))
    .map((d) => join(repo, 'packages', d, 'package.json'))
    .filter(existsSync)
    .map(
      (f) =>
        JSON.parse(readFileSync(f, 'utf8')) as {
          name: string;
          private?: boolean;
          dependencies?: Record<string, string>;
        },
    );
  const byName = new Map(manifests.map((m) => [m.name, m]));

  it('install commands name real, public packages together with the Dendrite packages they depend on', () => {
    const lines = commands('examples/install.sh');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const [npm, verb, ...names] = line.split(/\s+/);
      expect([npm, verb]).toEqual(['npm', 'i']);
      for (const name of names) {
        const manifest = byName.get(name);
        expect(manifest, `${name} is not a package under packages/`).toBeDefined();
        expect(manifest!.private, `${name} is private`).not.toBe(true);
        for (const dep of Object.keys(manifest!.dependencies ?? {}).filter((d) =>
          d.startsWith('@dendrite/'),
        )) {
          expect(names, `"${line}": ${name} needs ${dep}`).toContain(dep);
        }
      }
    }
  });

  it("tiny-gpt commands and flags exist in the CLI, and the repo command is the README's", () => {
    const flagsOf = new Map(
      Object.entries(COMMANDS).map(([name, command]) => [name, new Set(Object.keys(command.flags))]),
    );
    const lines = commands('examples/tiny-gpt.sh');
    // The guide "When one machine is not enough" shows the interop suite's script, which CI runs too.
    const roundTrip = commands('../../tooling/interop-pytorch/round-trip.sh').filter((l) =>
      l.startsWith('tiny-gpt '),
    );
    expect(roundTrip.length).toBeGreaterThan(5);
    const invocations = [...lines.filter((l) => l.startsWith('tiny-gpt ')), ...roundTrip];
    expect(invocations.length).toBeGreaterThan(5);
    const unknown: string[] = [];
    for (const line of invocations) {
      const [, command] = line.split(/\s+/);
      const flags = flagsOf.get(command);
      if (!flags) {
        unknown.push(`${line}: no command '${command}'`);
        continue;
      }
      for (const [, flag] of line.matchAll(/\s--([\w-]+)/g))
        if (!flags.has(flag)) unknown.push(`${line}: no flag --${flag}`);
    }
    expect(unknown).toEqual([]);
    expect(lines.filter((l) => !l.startsWith('tiny-gpt '))).toEqual([]);
  });

  it("the repository command is the README's first command, and the script it runs exists", () => {
    const [repoCommand, ...rest] = commands('examples/repo.sh');
    expect(rest).toEqual([]);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain(repoCommand);
    const scripts = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(Object.keys(scripts)).toContain(repoCommand.split(' ').at(-1));
  });

  it('the root README points at the docs', () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    expect(readme).toContain('npx -y pnpm@12.4.2 --filter docs dev');
    expect(readme).toMatch(/\[`apps\/docs`\]\(apps\/docs\)[^\n]*\| available \|/);
    expect(relative(repo, docs)).toBe(join('apps', 'docs'));
  });
});

describe('what the pages say about the packages', () => {
  const packages = new Set(
    readdirSync(join(repo, 'packages'))
      .filter((d) => existsSync(join(repo, 'packages', d, 'package.json')))
      .map((d) => JSON.parse(read(join('..', '..', 'packages', d, 'package.json'))).name as string),
  );

  it('every package a page names exists, and none that exists is called unbuilt or unreleased', () => {
    const wrong: string[] = [];
    for (const page of pages) {
      const text = read(page).replace(/\s+/g, ' ');
      for (const sentence of text.split(/(?<=[.!?])\s/)) {
        for (const [name] of sentence.matchAll(/@dendrite\/[\w-]+/g)) {
          if (!packages.has(name)) wrong.push(`${page}: names ${name}, which is not a package`);
          else if (/being built|not (?:yet )?released|not released yet|coming soon/i.test(sentence)) {
            wrong.push(`${page}: "${sentence.trim()}"`);
          }
        }
      }
    }
    expect(packages.has('@dendrite/backend-gpujs')).toBe(true);
    expect(wrong).toEqual([]);
  });
});
