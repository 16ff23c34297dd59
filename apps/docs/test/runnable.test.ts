// The in-page runner (src/run-code.ts, which the pages run in a Web Worker) in Node: every example the
// page can run prints, through the runner, exactly its examples/output/<name>.txt — the file that Node
// prints running the example directly (examples.test.ts) — so a learner pressing Run sees what the
// page shows below the sample. Its console formatting is checked against Node's util.format itself.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format as nodeFormat } from 'node:util';
import { describe, expect, it } from 'vitest';
import { highlight } from '../src/highlight.js';
import { format } from '../src/inspect.js';
import { type RunResult, runCode, type Stream, transpile } from '../src/run-code.js';
import { importsOf, nodeOnlyImports, RUNNABLE_MODULES } from '../src/runnable.js';
import { LOADERS, loadModule } from '../src/runnable-modules.js';

const docs = join(import.meta.dirname, '..');
const examples = readdirSync(join(docs, 'examples'))
  .filter((f) => f.endsWith('.ts'))
  .sort();
const source = (file: string) => readFileSync(join(docs, 'examples', file), 'utf8');
const runnable = examples.filter((f) => nodeOnlyImports(source(f)).length === 0);

/** Runs a source through the runner, collecting what it prints. */
async function run(code: string, file = 'sample.ts') {
  const printed: { stream: Stream; text: string }[] = [];
  const result: RunResult = await runCode(code, {
    file,
    load: loadModule,
    print: (stream, text) => printed.push({ stream, text }),
  });
  const stdout = printed.filter((p) => p.stream === 'stdout').map((p) => p.text);
  const stderr = printed.filter((p) => p.stream === 'stderr').map((p) => p.text);
  return { result, stdout, stderr };
}

describe('which samples the page can run', () => {
  it('most examples run in the page; those that need Node import node: modules or Node-only packages', () => {
    expect(runnable.length).toBeGreaterThan(15);
    for (const file of examples.filter((f) => !runnable.includes(f))) {
      const imports = nodeOnlyImports(source(file));
      expect(imports.length, file).toBeGreaterThan(0);
      for (const i of imports) expect(i, file).toMatch(/^node:|\/node$|^tiny-gpt$/);
    }
    for (const file of examples.filter((f) => /from 'node:/.test(source(f)))) {
      expect(runnable, `${file} imports a node: module`).not.toContain(file);
    }
  });

  it("the page's import scan (no transpiler) finds exactly the modules the runner requires", () => {
    for (const file of examples) {
      expect(importsOf(source(file)), file).toEqual(transpile(source(file)).requires);
    }
  });

  it('every package the page provides is a dependency of the docs and loads', async () => {
    const manifest = JSON.parse(readFileSync(join(docs, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(Object.keys(LOADERS).sort()).toEqual([...RUNNABLE_MODULES].sort());
    for (const name of RUNNABLE_MODULES) {
      expect(Object.keys(manifest.dependencies)).toContain(name);
      expect(Object.keys(await loadModule(name)).length, name).toBeGreaterThan(0);
    }
  });
});

describe('every runnable example, run by the in-page runner, prints its examples/output file', () => {
  for (const file of runnable) {
    const name = basename(file, '.ts');
    it(`${file} prints examples/output/${name}.txt`, async () => {
      const { result, stdout, stderr } = await run(source(file), file);
      expect(result).toEqual({ ok: true });
      expect(stderr).toEqual([]);
      expect(`${stdout.join('\n')}\n`).toBe(
        readFileSync(join(docs, 'examples', 'output', `${name}.txt`), 'utf8'),
      );
    });
  }
});

describe('the runner', () => {
  it('refuses a sample that needs Node, naming the import and how to run it', async () => {
    for (const file of examples.filter((f) => !runnable.includes(f))) {
      const { result, stdout } = await run(source(file), file);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.error.kind).toBe('node');
      expect(result.error.message).toContain(nodeOnlyImports(source(file))[0]);
      expect(result.error.message).toContain(`npx tsx ${file}`);
      expect(stdout).toEqual([]);
    }
  });

  it('refuses an edit importing a Node module, even one nothing uses yet', async () => {
    const { result } = await run(`import { readFileSync } from 'node:fs';\n${source('neuron.ts')}`);
    expect(result).toMatchObject({ ok: false, error: { kind: 'node' } });
    if (!result.ok) expect(result.error.message).toMatch(/^This sample needs Node \(it imports node:fs\)/);
  });

  it('reports a syntax error with its line, before running anything', async () => {
    const { result, stdout } = await run("console.log('first');\nconst x = ;\n");
    expect(stdout).toEqual([]);
    expect(result).toMatchObject({ ok: false, error: { kind: 'syntax', line: 2 } });
    if (!result.ok) expect(result.error.message).toMatch(/^SyntaxError on line 2: /);
  });

  it('reports a thrown error with its line in the sample, after what was printed', async () => {
    const code = [
      "import { tensor } from '@dendrite/tensor';",
      '',
      'const a = tensor([[1, 2, 3]]);',
      "console.log('before');",
      'a.matmul(a);',
      "console.log('after');",
    ].join('\n');
    const { result, stdout } = await run(code);
    expect(stdout).toEqual(['before']);
    expect(result).toMatchObject({ ok: false, error: { kind: 'runtime', line: 5 } });
    if (!result.ok) expect(result.error.message).toMatch(/^\w*Error on line 5: matmul: /);
  });

  it('runs top-level await, type annotations, default/namespace imports and console formatting', async () => {
    const code = [
      "import * as T from '@dendrite/tensor';",
      "import '@dendrite/autograd';",
      'interface Point { x: number }',
      'const p: Point = { x: -0 };',
      'const t = T.tensor([1, 2, 3]);',
      'console.log(await t.data(), p, [1.5, "a"], %s);',
      "console.log('%d items, %s', 3, 'ok', t.toString());",
      "console.error('to stderr');",
    ]
      .join('\n')
      .replace('%s);', "typeof t.requiresGrad_ === 'function');");
    const { result, stdout, stderr } = await run(code);
    expect(result).toEqual({ ok: true });
    expect(stdout).toEqual([
      nodeFormat(new Float32Array([1, 2, 3]), { x: -0 }, [1.5, 'a'], true),
      nodeFormat('%d items, %s', 3, 'ok', 'tensor([1.0000, 2.0000, 3.0000])'),
    ]);
    expect(stderr).toEqual(['to stderr']);
  });

  it('starts each run from the same packages (an edit prints its own result)', async () => {
    const edited = source('neuron.ts').replace('tensor([0.4, 0.3, -0.6])', 'tensor([0.5, 0.3, -0.6])');
    const { result, stdout } = await run(edited, 'neuron.ts');
    expect(result).toEqual({ ok: true });
    expect(stdout[0]).toBe('z      = 0.5000'); // w₁ up by 0.1, x₁ = 2: z up by 0.2
  });
});

describe("the runner's console prints what Node's util.format prints", () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
  }
  const cases: unknown[][] = [
    ['text', 1, -0, 2.5e-7, 1e21, Number.NaN, -Infinity, 10n, true, null, undefined],
    [[1, 2, 3], [], {}, { a: 1, 'b-c': 'x', d: [1, { e: 2 }] }],
    [Array.from({ length: 7 }, (_, i) => 250 + i * 3)],
    [Array.from({ length: 30 }, (_, i) => i * i)],
    [Array.from({ length: 130 }, (_, i) => i)],
    [Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i).repeat(i % 5))],
    [new Float32Array([8, 10, 12]), new Int32Array(0), new Float64Array(40).map((_, i) => i / 7)],
    [
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [[[[1]]]],
      { a: { b: { c: { d: 1 } } } },
    ],
    [{ long: 'x'.repeat(70), other: [1, 2, 3], more: { yes: true } }],
    ["it's", 'say "hi"', ["quote's", 'line\nbreak', 'tab\there']],
    [new Point(1, 2), new Map([['a', 1]]), new Set([1, 'two']), new Map(), new Set()],
    [Math.max, class Model {}, () => 0, Symbol('s')],
    ['%s is %d years and %i days, %f%%', 'Ada', 36.5, 12.9, '1.5'],
    ['%j %O %c.', { a: [1] }, { b: 2 }, 'color: red'],
    ['%s %s', 'only one'],
    [{ shape: [2, 3], dtype: 'float32', data: [1, 2, 3, 4, 5, 6] }],
  ];
  for (const args of cases) {
    it(
      nodeFormat(...args)
        .slice(0, 60)
        .replace(/\n/g, ' '),
      () => {
        expect(format(...args)).toBe(nodeFormat(...args));
      },
    );
  }

  it('prints a Tensor as its toString(), as the course samples do', async () => {
    const { tensor } = await import('@dendrite/tensor');
    const t = tensor([[1, 2]]);
    expect(format('x', t)).toBe(`x ${t.toString()}`);
  });
});

describe("the editor's highlighter", () => {
  it('keeps every character of every example, in order', () => {
    for (const file of examples) {
      expect(
        highlight(source(file))
          .map((t) => t.text)
          .join(''),
        file,
      ).toBe(source(file));
    }
  });

  it('colours comments, strings, numbers, keywords and calls', () => {
    const code = "const w = tensor([0.4, -6e-3]); // weights\nconsole.log(`z =\\n`, 'it\\'s', await x);";
    const kinds = highlight(code)
      .filter((t) => t.kind !== 'plain')
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      'keyword:const',
      'call:tensor',
      'number:0.4',
      'number:6e-3',
      'comment:// weights',
      'call:log',
      'string:`z =\\n`',
      "string:'it\\'s'",
      'keyword:await',
    ]);
  });
});
