// The parts of the README check itself: fences and markers read right, and a block that drifted
// from the API is reported (so a green run means something).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Block, codeBlocks } from '../src/blocks.js';
import { typecheck, UNDECLARED, writeBlocks } from '../src/check.js';

const PKG = join(import.meta.dirname, '..');

describe('codeBlocks', () => {
  it('reads fences, languages, lines and the fragment marker (blank lines allowed before the fence)', () => {
    const md = [
      '# x', // 1
      '```ts', // 2
      'const a = 1;', // 3
      '```', // 4
      '<!-- fragment -->', // 5
      '', // 6
      '```js', // 7
      'b();', // 8
      '```', // 9
      '<!-- fragment: continues the example above -->', // 10
      '````typescript', // 11
      '```', // 12: a shorter fence inside a longer one is text
      '````', // 13
      '```sh', // 14
      'npm i x', // 15
      '```', // 16
    ].join('\n');
    expect(codeBlocks(md, 'README.md')).toEqual([
      { line: 2, lang: 'ts', code: 'const a = 1;\n', fragment: false },
      { line: 7, lang: 'js', code: 'b();\n', fragment: true },
      { line: 11, lang: 'typescript', code: '```\n', fragment: true },
      { line: 14, lang: 'sh', code: 'npm i x\n', fragment: false },
    ]);
  });

  it('refuses a fence that never closes', () => {
    expect(() => codeBlocks('text\n```ts\nconst a = 1;\n', 'README.md')).toThrow('README.md:2');
  });
});

describe('typecheck', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-readme-check-self-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a name the package does not export, a wrong call, and undeclared names', () => {
    const block = (code: string, line: number): Block => ({
      readme: 'packages/x/README.md',
      line,
      lang: 'ts',
      code,
      fragment: false,
      where: `packages/x/README.md:${line}`,
    });
    const ws = writeBlocks(
      [
        block("import { tensro } from '@dendrite/tensor';\nconsole.log(tensro);\n", 1),
        block("import { zeros } from '@dendrite/tensor';\nzeros('3');\n", 2),
        block("import { zeros } from '@dendrite/tensor';\nzeros([2]).add(y);\n", 3),
      ],
      dir,
      join(PKG, 'node_modules'),
    );
    const diagnostics = typecheck(ws.files, 'nodenext', [join(PKG, 'node_modules', '@types')]);
    const codes = ws.files.map((f) => (diagnostics.get(f) ?? []).map((d) => d.code));
    expect(codes[0]).toContain(2724); // has no exported member named 'tensro'. Did you mean 'tensor'?
    expect(codes[1]).toContain(2345); // argument of type 'string' is not assignable
    expect(codes[2].every((c) => UNDECLARED.has(c)) && codes[2].length).toBe(1); // only: cannot find 'y'
  }, 60_000); // ~3 s alone
});
