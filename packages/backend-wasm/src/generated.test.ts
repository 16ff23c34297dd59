// generated/kernels.ts is a build product of assembly/ (scripts/build-wasm.mjs), never committed, so
// it cannot drift from a committed copy. What can go wrong is the "is it current?" shortcut: the
// script skips the compile when the file's stamp matches a digest of the compile's inputs. These
// check that digest (no compile: milliseconds).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { inputsDigest, stampOf } from '../scripts/build-wasm.mjs';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const VERSIONS = 'assemblyscript 1, binaryen 1';

describe('generated/kernels.ts', () => {
  it('is stamped with the digest of the current assembly/ sources (the tests run what the sources say)', () => {
    expect(stampOf(PACKAGE)).toBe(inputsDigest(PACKAGE));
  });

  const copy = mkdtempSync(join(tmpdir(), 'backend-wasm-digest-'));
  afterAll(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(join(PACKAGE, 'assembly'), join(copy, 'assembly'), { recursive: true });
  cpSync(join(PACKAGE, 'scripts'), join(copy, 'scripts'), { recursive: true });
  const root = copy;

  it('is recompiled when a kernel source, the build script or the compiler changes', () => {
    const before = inputsDigest(root, VERSIONS);
    expect(inputsDigest(root, VERSIONS)).toBe(before); // nothing changed: nothing to compile

    const gemm = join(copy, 'assembly', 'gemm.ts');
    const source = readFileSync(gemm, 'utf8');
    writeFileSync(gemm, `${source}\n`);
    expect(inputsDigest(root, VERSIONS)).not.toBe(before);
    writeFileSync(gemm, source);
    expect(inputsDigest(root, VERSIONS)).toBe(before);

    writeFileSync(join(copy, 'assembly', 'extra.ts'), '');
    expect(inputsDigest(root, VERSIONS)).not.toBe(before);
    rmSync(join(copy, 'assembly', 'extra.ts'));

    const script = join(copy, 'scripts', 'build-wasm.mjs');
    writeFileSync(script, `${readFileSync(script, 'utf8')}// a flag changed\n`);
    const afterScript = inputsDigest(root, VERSIONS);
    expect(afterScript).not.toBe(before);
    expect(inputsDigest(root, 'assemblyscript 2, binaryen 1')).not.toBe(afterScript);
  });
});
