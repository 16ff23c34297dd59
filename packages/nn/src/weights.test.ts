import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@dendrite/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sequential } from './containers.js';
import { StateDictError } from './errors.js';
import { ReLU } from './layers/activations.js';
import { Linear } from './layers/linear.js';
import { loadSafetensors, loadWeights, SafetensorsError, saveWeights } from './node.js';

const net = (seed: number, width = 3) =>
  new Sequential(
    new Linear(2, width, { generator: new Generator(seed) }),
    new ReLU(),
    new Linear(width, 1, { generator: new Generator(seed + 1) }),
  );

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dendrite-weights-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveWeights / loadWeights', () => {
  it('round-trip a model in one call each, with metadata, into the same parameter objects', async () => {
    const path = join(dir, 'model.safetensors');
    const a = net(1);
    await saveWeights(a, path, { step: '12' });
    const b = net(7);
    const params = b.parameters();
    const result = await loadWeights(b, path);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [], metadata: { step: '12' } });
    expect(b.parameters()).toEqual(params);
    for (const [k, t] of Object.entries(a.stateDict()))
      expect(b.stateDict()[k].toArraySync()).toEqual(t.toArraySync());
    expect(Object.keys((await loadSafetensors(path)).tensors).sort()).toEqual([
      '0.bias',
      '0.weight',
      '2.bias',
      '2.weight',
    ]);
  });

  it('saving into a folder that does not exist names the target and the folder, and creates nothing', async () => {
    const folder = join(dir, 'runs', 'tiny');
    const path = join(folder, 'model.safetensors');
    await expect(saveWeights(net(1), path)).rejects.toMatchObject({
      code: 'ENOENT',
      message: `cannot write '${path}': folder '${folder}' does not exist; create it first (mkdir -p)`,
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('saving where a file stands in for the folder says so', async () => {
    await writeFile(join(dir, 'runs'), 'x');
    await expect(saveWeights(net(1), join(dir, 'runs', 'model.safetensors'))).rejects.toThrow(
      `'${join(dir, 'runs')}' is a file, not a folder`,
    );
  });

  it('a file for another model lists the missing, unexpected and mis-shaped keys and names the file', async () => {
    const path = join(dir, 'wide.safetensors');
    await saveWeights(net(1, 5), path);
    const target = net(2);
    const before = target.stateDict()['0.weight'].toArraySync();
    const e = await loadWeights(target, path).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StateDictError);
    expect((e as Error).message).toBe(
      `loadWeights: '${path}' does not fit Sequential: shape mismatches: 0.weight: expected [3,2], got [5,2]; 0.bias: expected [3], got [5]; 2.weight: expected [1,3], got [1,5]`,
    );
    expect(target.stateDict()['0.weight'].toArraySync()).toEqual(before);

    const small = join(dir, 'small.safetensors');
    await saveWeights(new Sequential(new Linear(2, 3)), small);
    const partial = await loadWeights(net(3), small, { strict: false });
    expect(partial.missingKeys).toEqual(['2.weight', '2.bias']);
    await expect(loadWeights(net(3), small)).rejects.toThrow(
      /does not fit Sequential: missing keys: 2\.weight, 2\.bias$/,
    );
  });

  it('a missing or malformed file is an error naming it', async () => {
    const missing = join(dir, 'nope.safetensors');
    await expect(loadWeights(net(1), missing)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(loadWeights(net(1), missing)).rejects.toThrow(missing);
    const junk = join(dir, 'junk.safetensors');
    await writeFile(junk, 'not a safetensors file');
    await expect(loadWeights(net(1), junk)).rejects.toBeInstanceOf(SafetensorsError);
    await expect(loadWeights(net(1), junk)).rejects.toThrow(junk);
  });
});
