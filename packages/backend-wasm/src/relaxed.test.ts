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

describe('the relaxed-SIMD build', () => {
  it('is chosen exactly where the engine validates it', () => {
    const relaxed = WebAssembly.validate(decodeBase64(KERNELS_RELAXED_WASM_BASE64));
    expect(wasmFeatures()).toEqual({ sharedMemory: true, relaxedSimd: relaxed });
  });

  it('runs products (threaded too) to the same results as the CPU reference', () => {
    if (!existsSync(fileURLToPath(DIST))) throw new Error('build @dendrite/backend-wasm first (pnpm build)');
    const child = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', SCRIPT],
      { cwd: PACKAGE, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    const r = JSON.parse(child.stdout) as { features: object; err: number; same: boolean };
    expect(r.features).toEqual({ sharedMemory: true, relaxedSimd: true });
    expect(r.err).toBeLessThan(1e-5);
    expect(r.same).toBe(true);
  }, 60_000);
});
