import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '@dendrite/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  encodeSafetensors,
  loadSafetensors,
  SafetensorsError,
  saveSafetensors,
  writeFileAtomic,
} from '../node.js';
import { asyncOnlyBackend, bytesOf } from './test-utils.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dendrite-safetensors-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes strings (UTF-8) and bytes, replacing the old content, and leaves no temp file', async () => {
    const path = join(dir, 'config.json');
    await writeFileAtomic(path, '{"name":"tiny-gpt","é":1}');
    expect(await readFile(path, 'utf8')).toBe('{"name":"tiny-gpt","é":1}');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('writes a view at an offset of a larger buffer exactly', async () => {
    const path = join(dir, 'view.bin');
    const big = new Uint8Array([9, 9, 1, 2, 3, 9]);
    await writeFileAtomic(path, big.subarray(2, 5));
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
  });

  it('keeps the permission bits of the file it replaces', async () => {
    const path = join(dir, 'secret.bin');
    await writeFile(path, 'old', { mode: 0o600 });
    await writeFileAtomic(path, 'new');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('on failure leaves the target as it was and removes its temp file', async () => {
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'old');
    await expect(writeFileAtomic(path, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('on a failed rename (target is a directory) removes its temp file', async () => {
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['taken']);
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('x');
  });

  it('fails without creating anything when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'f.bin'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('concurrent writers to one path leave one complete version', async () => {
    const path = join(dir, 'race.bin');
    const versions = Array.from({ length: 12 }, (_, v) => new Uint8Array(256 * 1024).fill(v + 1));
    await Promise.all(versions.map((bytes) => writeFileAtomic(path, bytes)));
    const got = await readFile(path);
    expect(got.length).toBe(256 * 1024);
    expect(got.every((b) => b === got[0])).toBe(true);
    expect(got[0]).toBeGreaterThanOrEqual(1);
    expect(await readdir(dir)).toEqual(['race.bin']);
  });
});

describe('saveSafetensors / loadSafetensors', () => {
  it('round-trips a state dict with metadata through a file', async () => {
    const path = join(dir, 'model.safetensors');
    const sd = {
      'fc.weight': tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      'fc.bias': tensor(new Float64Array([0.5, -0.5])),
      steps: tensor(new Int32Array([1200])),
    };
    await saveSafetensors(path, sd, { step: '1200' });
    const loaded = await loadSafetensors(path);
    expect(loaded.metadata).toEqual({ step: '1200' });
    expect(loaded.tensors['fc.weight']).toEqual({
      dtype: 'float32',
      shape: [2, 3],
      data: new Float32Array([1, 2, 3, 4, 5, 6]),
    });
    expect(loaded.tensors['fc.bias'].data).toEqual(new Float64Array([0.5, -0.5]));
    expect(loaded.tensors.steps.data).toEqual(new Int32Array([1200]));
    expect(bytesOf(await readFile(path))).toEqual(bytesOf(encodeSafetensors(sd, { step: '1200' })));
  });

  it('saves tensors that can only be read asynchronously', async () => {
    const path = join(dir, 'device.safetensors');
    await saveSafetensors(path, { w: tensor(new Float32Array([7, 8]), { backend: asyncOnlyBackend }) });
    expect((await loadSafetensors(path)).tensors.w.data).toEqual(new Float32Array([7, 8]));
  });

  it('names the file in errors for malformed and missing files', async () => {
    const bad = join(dir, 'broken.safetensors');
    await writeFile(bad, new Uint8Array([1, 2, 3]));
    const err = await loadSafetensors(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SafetensorsError);
    expect((err as SafetensorsError).file).toBe(bad);
    expect((err as Error).message).toBe(
      `safetensors file '${bad}': 3 bytes is shorter than the 8-byte header-length prefix`,
    );

    const missing = join(dir, 'nope.safetensors');
    const gone = await loadSafetensors(missing).catch((e: unknown) => e);
    expect((gone as Error).message).toContain(`loadSafetensors: cannot read '${missing}'`);
    expect(gone).toMatchObject({ code: 'ENOENT' });

    const big = join(dir, 'big-header.safetensors');
    await saveSafetensors(big, { w: tensor([1, 2]) });
    await expect(loadSafetensors(big, { maxHeaderBytes: 8 })).rejects.toThrow(
      /big-header.safetensors': header length \d+ exceeds maxHeaderBytes 8/,
    );
  });
});
