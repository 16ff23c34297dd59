// Every TypeScript / JavaScript block of the package READMEs (and apps/tiny-gpt's), typechecked under
// --strict against the BUILT packages by name, under Node's and bundlers' module resolution; blocks
// that are programs are also run with Node. A block marked `<!-- fragment -->` is typechecked with the
// names it leaves to the surrounding text allowed, and not run. See README.md here.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeBlocks } from '../src/blocks.js';
import {
  type Diagnostic,
  RESOLUTIONS,
  runProgram,
  toJavaScript,
  typecheck,
  UNDECLARED,
  type Workspace,
  writeBlocks,
} from '../src/check.js';

const PKG = join(import.meta.dirname, '..');
const ROOT = join(PKG, '..', '..');
const blocks = readmeBlocks(ROOT);
const resolutions = Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[];

let workspace: Workspace;
const checked = new Map<string, Map<string, Diagnostic[]>>(); // resolution → file → diagnostics

beforeAll(() => {
  workspace = writeBlocks(
    blocks,
    mkdtempSync(join(tmpdir(), 'dendrite-readme-check-')),
    join(PKG, 'node_modules'),
  );
  const typeRoots = [join(PKG, 'node_modules', '@types')];
  for (const r of resolutions) checked.set(r, typecheck(workspace.files, r, typeRoots));
}, 120_000); // ~6 s alone: two TypeScript programs over every block

afterAll(() => {
  if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
});

const show = (ds: Diagnostic[]) => ds.map((d) => `  line ${d.line}: TS${d.code} ${d.message}`).join('\n');
const names = (ds: Diagnostic[]) => [
  ...new Set(ds.map((d) => /'([^']+)'/.exec(d.message)?.[1] ?? d.message)),
];

describe('README code blocks', () => {
  it('finds the blocks, and every package README has at least one program', () => {
    expect(blocks.length).toBeGreaterThan(10);
    const withProgram = new Set(blocks.filter((b) => !b.fragment).map((b) => b.readme));
    const packageReadmes = new Set(blocks.map((b) => b.readme).filter((r) => r.startsWith('packages/')));
    expect([...packageReadmes].filter((r) => !withProgram.has(r))).toEqual([]);
  });

  blocks.forEach((block, i) => {
    const kind = block.fragment ? 'fragment' : 'program';
    it(`${block.where} (${kind}) typechecks under --strict: ${resolutions.join(', ')}`, () => {
      const file = workspace.files[i];
      for (const r of resolutions) {
        const all = checked.get(r)?.get(file) ?? [];
        const undeclared = all.filter((d) => UNDECLARED.has(d.code));
        const errors = all.filter((d) => !UNDECLARED.has(d.code));
        expect(errors, `${block.where} does not typecheck (${r}):\n${show(errors)}`).toEqual([]);
        if (block.fragment) {
          expect(
            undeclared.length,
            `${block.where} is marked <!-- fragment --> but declares every name it uses: remove the marker so it runs as a program`,
          ).toBeGreaterThan(0);
        } else {
          expect(
            undeclared,
            `${block.where} uses ${names(undeclared).join(', ')} without declaring it: make it a whole program, or mark it <!-- fragment --> (see CONTRIBUTING.md)`,
          ).toEqual([]);
        }
      }
    });
  });

  blocks.forEach((block, i) => {
    if (block.fragment) return;
    it(`${block.where} runs with Node`, async () => {
      const source = workspace.files[i];
      const file = source.replace(/\.mts$/, '.run.mjs');
      if (block.lang === 'ts') writeFileSync(file, toJavaScript(`${block.code}export {};\n`));
      const result = await runProgram(block.lang === 'ts' ? file : source, workspace.dir);
      expect(result.code, `${block.where} failed (exit ${result.code}):\n${result.output}`).toBe(0);
    }, 120_000); // ~1 s each alone (the slowest, backend-gpujs's, ~3 s)
  });
});
