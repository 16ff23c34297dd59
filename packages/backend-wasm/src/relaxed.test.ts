// The relaxed-SIMD build (fused multiply-add in the matrix product) runs where the engine has
// relaxed SIMD: Chrome 114+ and Node 22+, or Node 20 with --experimental-wasm-relaxed-simd, which
// is how this test reaches it — a child Node on the built package (turbo builds before testing).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNELS_RELAXED_WASM_BASE64 } from '../generated/kernels.js';
import { decodeBase64, wasmFeatures } from './runtime.js';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const DIST = new URL('../dist/index.js', import.meta.url).href;

const SCRIPT = `
import { cpuBackend, Generator, matmul, randn, setBackend } from '@dendrite/tensor';
import { disableThreads, enableThreads, wasmBackend, wasmFeatures } from '${DIST}';
setBackend(wasmBackend);
const g = new Generator(3);
const a = randn([3, 70, 96], { generator: g });
const b = randn([96, 130], { generator: g });
const q = randn([8, 64, 32], { generator: g });
const run = () => [matmul(a, b).dataSync(), matmul(q, q.mT).dataSync(), matmul(a.mT, a).dataSync()];
const single = run();
await enableThreads(1);
const threaded = run();
await disableThreads();
const cpu = [matmul(a.to(cpuBackend), b.to(cpuBackend)), matmul(q.to(cpuBackend), q.to(cpuBackend).mT), matmul(a.to(cpuBackend).mT, a.to(cpuBackend))];
let err = 0;
cpu.forEach((c, i) => c.dataSync().forEach((w, j) => { err = Math.max(err, Math.abs(single[i][j] - w) / (1 + Math.abs(w))); }));
const same = single.every((s, i) => s.every((v, j) => v === threaded[i][j]));
console.log(JSON.stringify({ features: wasmFeatures(), err, same }));
`;

// enableRelaxedSimd() on a plain Node 20: before the first op it turns the build on; after, the
// running kernels stay as they are and it says so.
const UNFLAG = (first: string) => `
import { Generator, matmul, randn, setBackend } from '@dendrite/tensor';
import { enableRelaxedSimd, enableThreads, wasmBackend, wasmFeatures } from '${DIST}';
${first}
setBackend(wasmBackend);
const x = randn([64, 64], { generator: new Generator(1) });
const y = matmul(x, x).dataSync();
await enableThreads(1);
const y2 = matmul(x, x).dataSync();
console.log(JSON.stringify({ early, late: enableRelaxedSimd(), features: wasmFeatures(), same: y.every((v, i) => v === y2[i]) }));
`;

function runChild(args: string[], script: string): Record<string, unknown> {
  if (!existsSync(fileURLToPath(DIST))) throw new Error('build @dendrite/backend-wasm first (pnpm build)');
  const child = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], {
    cwd: PACKAGE,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as Record<string, unknown>;
}

describe('the relaxed-SIMD build', () => {
  it('is chosen exactly where the engine validates it', () => {
    const relaxed = WebAssembly.validate(decodeBase64(KERNELS_RELAXED_WASM_BASE64));
    expect(wasmFeatures()).toEqual({ sharedMemory: true, relaxedSimd: relaxed });
  });

  it('runs products (threaded too) to the same results as the CPU reference', () => {
    const r = runChild(['--experimental-wasm-relaxed-simd'], SCRIPT) as {
      features: object;
      err: number;
      same: boolean;
    };
    expect(r.features).toEqual({ sharedMemory: true, relaxedSimd: true });
    expect(r.err).toBeLessThan(1e-5);
    expect(r.same).toBe(true);
  }, 60_000);

  it('is turned on by enableRelaxedSimd() before the first op, on an engine that gates it behind a flag', () => {
    const node = Number(process.versions.node.split('.')[0]);
    const r = runChild([], UNFLAG('const early = enableRelaxedSimd();'));
    expect(r).toEqual({
      early: true,
      late: true,
      features: { sharedMemory: true, relaxedSimd: true },
      same: true,
    });
    // On Node 20 and 21 that took the flag: without the call the baseline build runs (below).
    if (node < 22) {
      const plain = runChild([], UNFLAG('const early = null;'));
      expect(plain.features).toEqual({ sharedMemory: true, relaxedSimd: false });
      expect(plain.late).toBe(false); // the kernels already run: too late, and it says so
    }
  }, 60_000);
});
