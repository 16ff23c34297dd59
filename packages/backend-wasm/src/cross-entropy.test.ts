import { cpuBackend, Generator, IndexError, randn, tensor, type View } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';

// The softmax cross-entropy kernels on the SIMD row softmax: against the CPU reference at the
// conformance suite's float32 tolerance, for targets wherever they lie, a gradient broadcast from
// the mean (stride 0) or one per row, ignored rows and label smoothing.
const TOL = { rtol: 1e-5, atol: 1e-6 };
const be = wasmBackend as Required<typeof wasmBackend>;
const ref = cpuBackend as Required<typeof cpuBackend>;
const data = (h: unknown) => Array.from((h as { data: Float32Array }).data);

function close(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  const bad = got.findIndex((g, i) => !(Math.abs(g - want[i]) <= TOL.atol + TOL.rtol * Math.abs(want[i])));
  expect(bad === -1 ? null : { at: bad, got: got[bad], want: want[bad] }).toBeNull();
}

describe('softmax cross-entropy on the SIMD row kernels', () => {
  const g = new Generator(5);
  const N = 300;
  const C = 89;
  const logits = randn([N, C], { generator: g, backend: wasmBackend }).mul(3);
  const classes = Array.from({ length: N }, (_, n) => (n % 7 === 3 ? -100 : (n * 31) % C));
  const targets = tensor(classes, { dtype: 'int32', backend: wasmBackend });
  const perRow = randn([N], { generator: g, backend: wasmBackend });
  const fromMean = tensor(1 / N, { backend: wasmBackend }).expand([N]); // stride 0
  const v = (t: { backendView(op: string): View }) => t.backendView('test');

  for (const smoothing of [0, 0.1]) {
    it(`loss per row, ignored rows 0 (smoothing ${smoothing})`, () => {
      close(
        data(be.crossEntropy(v(logits), v(targets), -100, smoothing)),
        data(ref.crossEntropy(v(logits.to(cpuBackend)), v(targets.to(cpuBackend)), -100, smoothing)),
      );
    });
    for (const [name, grad] of [
      ['one gradient per row', perRow],
      ['the mean gradient broadcast (stride 0)', fromMean],
    ] as const) {
      it(`gradient, ${name}, ignored rows zero (smoothing ${smoothing})`, () => {
        const got = data(be.crossEntropyBackward(v(logits), v(targets), v(grad), -100, smoothing));
        const want = data(
          ref.crossEntropyBackward(
            v(logits.to(cpuBackend)),
            v(targets.to(cpuBackend)),
            v(grad.to(cpuBackend)),
            -100,
            smoothing,
          ),
        );
        close(got, want);
        expect(got.slice(3 * C, 4 * C).every((x) => x === 0)).toBe(true); // row 3 is ignored
      });
    }
  }

  it('refuses a target outside the classes with the reference error, before allocating', () => {
    const bad = tensor([0, C, 1], { dtype: 'int32', backend: wasmBackend });
    const x = logits.narrow(0, 0, 3);
    const msg = /target 89 \(row 1\) is outside \[0, 89\) for 89 classes/;
    expect(() => be.crossEntropy(v(x.contiguous()), v(bad), -100, 0)).toThrow(IndexError);
    expect(() => be.crossEntropy(v(x.contiguous()), v(bad), -100, 0)).toThrow(msg);
    expect(() =>
      be.crossEntropyBackward(v(x.contiguous()), v(bad), v(perRow.narrow(0, 0, 3)), -100, 0),
    ).toThrow(msg);
  });
});
