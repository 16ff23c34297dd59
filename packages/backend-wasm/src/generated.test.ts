import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { renderKernels } from '../scripts/build-wasm.mjs';

it('src/kernels.generated.ts is the compiled output of assembly/ (the shipped module cannot drift)', async () => {
  const fresh = await renderKernels();
  expect(readFileSync(new URL('./kernels.generated.ts', import.meta.url), 'utf8')).toBe(fresh);
}, 120_000); // four -O3 AssemblyScript compiles: ~6 s alone; room for a machine 20× slower
