// The dependency arrow holds in the repository, and the check catches what it must: a package
// importing one above it, an import its manifest does not declare, and a new cycle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrowRules, verdict } from '../src/arrow.mjs';

/** A throw-away repository: `files` maps paths to contents. */
function repo(files: Record<string, string>): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'dendrite-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

const manifest = (name: string, deps: string[] = []) =>
  JSON.stringify({
    name: `@dendrite/${name}`,
    dependencies: Object.fromEntries(deps.map((d) => [`@dendrite/${d}`, '*'])),
  });

describe('the dependency arrow', () => {
  it('holds in this repository: no back-edge, no undeclared import, no cycle beyond the known ones', async () => {
    const { problems } = await verdict();
    expect(problems).toEqual([]);
  }, 300_000);

  it('allows each package only the lower layers its manifest declares', () => {
    const rules = arrowRules();
    const rule = (name: string) => rules.forbidden.find((r) => r.name === `arrow:${name}`)?.comment;
    expect(rule('tensor')).toBe('tensor (layer 0) may import only nothing of the workspace');
    expect(rule('nn')).toBe('nn (layer 2) may import only autograd, tensor');
    expect(rule('backend-wasm')).toBe('backend-wasm (layer 1) may import only tensor');
  });

  it('catches a back-edge, an undeclared import and a new cycle', async () => {
    const { root, done } = repo({
      'packages/tensor/package.json': manifest('tensor'),
      'packages/tensor/src/index.ts':
        "import { Linear } from '../../nn/src/index.js';\nexport const x = Linear;\n",
      'packages/autograd/package.json': manifest('autograd', ['tensor']),
      'packages/autograd/src/index.ts':
        "import { t } from '../../tokenizer/src/index.js';\nexport const y = t;\n",
      'packages/tokenizer/package.json': manifest('tokenizer', ['tensor']),
      'packages/tokenizer/src/index.ts': "import { b } from './b.js';\nexport const t = b;\n",
      'packages/tokenizer/src/b.ts':
        "import { t } from './index.js';\nexport const b = 1;\nexport const c = () => t;\n",
      'packages/nn/package.json': manifest('nn', ['tensor', 'autograd']),
      'packages/nn/src/index.ts':
        "import { x } from '../../tensor/src/index.js';\nexport const Linear = () => x;\n",
    });
    try {
      const { problems } = await verdict(root, []);
      expect(problems).toEqual([
        'arrow:autograd: packages/autograd/src/index.ts imports packages/tokenizer/src/index.ts',
        'arrow:tensor: packages/tensor/src/index.ts imports packages/nn/src/index.ts',
        'import cycle: packages/tensor/src/index.ts → packages/nn/src/index.ts → packages/tensor/src/index.ts (edge packages/nn/src/index.ts → packages/tensor/src/index.ts)',
        'import cycle: packages/tokenizer/src/index.ts → packages/tokenizer/src/b.ts → packages/tokenizer/src/index.ts (edge packages/tokenizer/src/b.ts → packages/tokenizer/src/index.ts)',
      ]);
    } finally {
      done();
    }
  }, 300_000);
});
