// A production bundle minifies class names (`class GPT` becomes `class tt`), so anything printed
// from `constructor.name` turns to garbage in a user's minified app. This test bundles the packages
// with esbuild, minified, runs the bundle, and checks that model trees and error names still read
// as the classes' real names — and that the minifier did rename the classes (else it proves nothing).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRY = `
import { AutogradError } from '@dendrite/autograd';
import { ConfigError, GPT } from '@dendrite/gpt';
import { MLP, ModuleDict, ReLU, SafetensorsError, StateDictError, Tanh } from '@dendrite/nn';
import { BackendError, DisposedError, DTypeError, IndexError, ShapeError, ValueError } from '@dendrite/tensor';
import { TokenizerError } from '@dendrite/tokenizer';

const model = new GPT({ vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0, bias: true });
const extras = new ModuleDict({ mlp: new MLP(2, [3, 1], { activation: () => new Tanh() }), act: new ReLU() });
const errors = [AutogradError, ConfigError, SafetensorsError, StateDictError, BackendError, DisposedError,
  DTypeError, IndexError, ShapeError, ValueError, TokenizerError].map((E) => new E('x').name);
let thrown = '';
try { new GPT({ vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 3, nEmbd: 8 }); } catch (e) { thrown = e.name; }
console.log(JSON.stringify({ tree: model.toString(), extras: extras.toString(), errors, thrown,
  constructorName: model.constructor.name }));
`;

describe('names that survive minification', () => {
  it('model trees and error names read the same from a minified bundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-minify-'));
    try {
      const bundle = async (minify: boolean) => {
        const out = join(dir, minify ? 'min.mjs' : 'plain.mjs');
        await build({
          stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: 'js' },
          bundle: true,
          minify,
          format: 'esm',
          platform: 'node',
          conditions: ['dendrite-source'],
          outfile: out,
          logLevel: 'silent',
        });
        return JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8' })) as {
          tree: string;
          extras: string;
          errors: string[];
          thrown: string;
          constructorName: string;
        };
      };
      const plain = await bundle(false);
      const minified = await bundle(true);
      expect(plain.constructorName).toBe('GPT');
      expect(minified.constructorName).not.toBe('GPT'); // the minifier renamed the class
      expect(minified.tree).toBe(plain.tree);
      expect(minified.extras).toBe(plain.extras);
      expect(minified.tree).toMatch(/^GPT\(\n {2}vocab=11, block=8/);
      expect(minified.tree).toContain('(attn): CausalSelfAttention(\n          nEmbd=8, nHead=2\n');
      expect(minified.extras).toContain('(mlp): MLP(');
      expect(minified.extras).toContain('(1): Tanh()');
      expect(minified.errors).toEqual([
        'AutogradError',
        'ConfigError',
        'SafetensorsError',
        'StateDictError',
        'BackendError',
        'DisposedError',
        'DTypeError',
        'IndexError',
        'ShapeError',
        'ValueError',
        'TokenizerError',
      ]);
      expect(minified.thrown).toBe('ConfigError');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
