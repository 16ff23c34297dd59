import { type Backend, cpuBackend, Generator, randn, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { wasmBackend } from './backend.js';

// The Backend members that dispatch to SIMD kernels, called the way the tensor core calls them,
// on layouts that take the fast path (contiguous) and layouts that fall back (strided,
// broadcast), compared with the CPU reference: + − × ÷ and the Adam step exactly, the rest
// within the conformance suite's float32 tolerances.
const g = new Generator(11);
const on = (t: Tensor, b: Backend) => t.to(b).backendView('test');
const values = (h: object) => Array.from((h as { data: Float32Array }).data);

function close(got: number[], want: number[], rtol: number, atol: number): void {
  expect(got.length).toBe(want.length);
  const bad = got.findIndex((x, i) => !(Math.abs(x - want[i]) <= atol + rtol * Math.abs(want[i])));
  expect(bad, `element ${bad}: ${got[bad]} vs ${want[bad]}`).toBe(-1);
}

describe('SIMD dispatch of the wasm backend', () => {
  const x = randn([6, 4, 37], { generator: g });
  const y = randn([6, 4, 37], { generator: g });
  const row = randn([37], { generator: g });
  const layouts: [string, (t: Tensor) => Tensor][] = [
    ['contiguous', (t) => t],
    ['transposed', (t) => t.transpose(0, 1)],
  ];

  for (const [name, lay] of layouts) {
    it(`binary + − × ÷ (${name}, same shape, scalar, row broadcast) bit for bit`, () => {
      const a = lay(x);
      const shape = a.shape;
      const b = lay(y);
      const s = randn([1, 1, 1], { generator: g }).expand(...shape);
      const r = row.expand(...shape);
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const [p, q] of [
          [a, b],
          [a, s],
          [s, a],
          [a, r],
          [r, a],
        ]) {
          const got = wasmBackend.binary(op, on(p, wasmBackend), on(q, wasmBackend), shape);
          const want = cpuBackend.binary(op, on(p, cpuBackend), on(q, cpuBackend), shape);
          expect(values(got)).toEqual(values(want));
        }
      }
    });

    it(`exp, gelu, softmax, log-softmax and their gradients (${name})`, () => {
      const a = lay(x);
      const grad = lay(y);
      for (const op of ['exp', 'gelu', 'gelu_tanh'] as const) {
        close(
          values(wasmBackend.unary(op, on(a, wasmBackend))),
          values(cpuBackend.unary(op, on(a, cpuBackend))),
          1e-5,
          1e-6,
        );
      }
      for (const log of [false, true]) {
        const w = wasmBackend.softmax(on(a, wasmBackend), 2, log);
        close(values(w), values(cpuBackend.softmax(on(a, cpuBackend), 2, log)), 1e-4, 1e-6);
        const yv = a.softmax(-1);
        const gw = wasmBackend.softmaxBackward(on(yv, wasmBackend), on(grad, wasmBackend), 2, log);
        const gc = cpuBackend.softmaxBackward(on(yv, cpuBackend), on(grad, cpuBackend), 2, log);
        close(values(gw), values(gc), 1e-4, 1e-6);
      }
      for (const approx of ['none', 'tanh'] as const) {
        const gw = wasmBackend.geluBackward(on(a, wasmBackend), on(grad, wasmBackend), approx);
        const gc = cpuBackend.geluBackward(on(a, cpuBackend), on(grad, cpuBackend), approx);
        close(values(gw), values(gc), 1e-5, 1e-6);
      }
    });

    it(`causal softmax (${name}, Tq = Tk and Tq < Tk)`, () => {
      for (const t of [
        lay(randn([3, 5, 8, 8], { generator: g })),
        lay(randn([3, 5, 4, 9], { generator: g })),
      ]) {
        const got = wasmBackend.causalSoftmax(on(t, wasmBackend), 0.5);
        const want = cpuBackend.causalSoftmax(on(t, cpuBackend), 0.5);
        close(values(got), values(want), 1e-4, 1e-6);
      }
    });

    it(`layer norm forward and backward (${name}), with and without weight and bias`, () => {
      const a = lay(x);
      const grad = lay(y);
      const w = randn([37], { generator: g });
      const b = randn([37], { generator: g });
      for (const [wt, bs] of [
        [w, b],
        [w, null],
        [null, null],
      ] as const) {
        const fw = wasmBackend.layerNorm(
          on(a, wasmBackend),
          wt && on(wt, wasmBackend),
          bs && on(bs, wasmBackend),
          1e-5,
        );
        const fc = cpuBackend.layerNorm(
          on(a, cpuBackend),
          wt && on(wt, cpuBackend),
          bs && on(bs, cpuBackend),
          1e-5,
        );
        close(values(fw), values(fc), 1e-4, 1e-6);
        const bw =
          wasmBackend.layerNormBackward(
            on(a, wasmBackend),
            wt && on(wt, wasmBackend),
            on(grad, wasmBackend),
            1e-5,
            bs !== null,
          ) ?? [];
        const bc =
          cpuBackend.layerNormBackward(
            on(a, cpuBackend),
            wt && on(wt, cpuBackend),
            on(grad, cpuBackend),
            1e-5,
            bs !== null,
          ) ?? [];
        bw.forEach((h, i) => {
          expect(h === null).toBe(bc[i] === null);
          if (h && bc[i]) close(values(h), values(bc[i] as object), 1e-4, 1e-5);
        });
      }
    });
  }

  it("sum bit for bit (the reference's float64 order): rows over the last axes, columns over the leading ones, the rest through the reference", () => {
    const x = randn([6, 5, 37], { generator: g }).mul(100);
    const cases: [Tensor, number[]][] = [
      [x, [0, 1, 2]], // the whole tensor (clipGradNorm's Σ g²)
      [x, [2]],
      [x, [1, 2]],
      [x, [0]], // a bias gradient over a batch
      [x, [0, 1]],
      [x, [1]], // a middle axis and unsorted axes: the reference's path
      [x, [2, 1]],
      [x.transpose(0, 2), [2]], // strided: the reference's path
      [randn([64, 512], { generator: g }), [1]], // rows split over the threads when they are on
      [randn([3, 0], { generator: g }), [1]],
    ];
    for (const [t, axes] of cases) {
      const got = wasmBackend.reduce('sum', on(t, wasmBackend), axes);
      const want = cpuBackend.reduce('sum', on(t, cpuBackend), axes);
      expect(values(got), `[${t.shape}] over [${axes}]`).toEqual(values(want));
    }
    for (const op of ['max', 'min'] as const)
      expect(values(wasmBackend.reduce(op, on(x, wasmBackend), [2]))).toEqual(
        values(cpuBackend.reduce(op, on(x, cpuBackend), [2])),
      );
  });

  it('concat bit for bit (past the copy limit): pieces in any layout, along every axis, empty pieces, int32 through the reference', () => {
    const cases: [Tensor[], number][] = [
      // a gathered q/k/v gradient: three pieces back from the heads' layout [B, nh, T, hs]
      [[0, 1, 2].map(() => randn([2, 4, 5, 3], { generator: g }).transpose(1, 2).reshape(2, 5, 12)), 2],
      [
        [
          randn([30, 7], { generator: g }),
          randn([9, 30], { generator: g }).mT,
          randn([30, 0], { generator: g }),
        ],
        1,
      ],
      [
        [
          randn([2, 9, 40], { generator: g }).permute(1, 0, 2),
          randn([9, 5, 40], { generator: g }).slice(1, 0, 5, 2),
        ],
        1,
      ],
      [[randn([170], { generator: g }), randn([340], { generator: g }).slice(0, 0, 340, 2)], 0],
      [
        [
          randn([4, 6, 8], { generator: g }),
          randn([3, 6, 8], { generator: g }).transpose(1, 2).transpose(1, 2),
        ],
        0,
      ],
    ];
    for (const [xs, axis] of cases) {
      const got = wasmBackend.concat(
        xs.map((x) => on(x, wasmBackend)),
        axis,
      );
      const want = cpuBackend.concat(
        xs.map((x) => on(x, cpuBackend)),
        axis,
      );
      expect(values(got)).toEqual(values(want));
    }
    const ints = [tensor([1, 2, 3], { dtype: 'int32' }), tensor([4, 5], { dtype: 'int32' })];
    expect(
      Array.from(
        (
          wasmBackend.concat(
            ints.map((x) => on(x, wasmBackend)),
            0,
          ) as unknown as { data: Int32Array }
        ).data,
      ),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it('the embedding lookup and its gradient (indexSelect, indexAdd) bit for bit: repeats, every axis, ranges, errors', () => {
    const idx = tensor(Int32Array.from([3, 0, 3, 5, 3, 1, 0]), { dtype: 'int32' });
    for (const [shape, axis, src] of [
      [[6, 37], 0, randn([7, 37], { generator: g })],
      [[2, 6, 5], 1, randn([2, 7, 5], { generator: g })],
      [[4, 6], 1, randn([4, 7], { generator: g })],
    ] as const) {
      const got = wasmBackend.indexAdd(
        [...shape],
        'float32',
        axis,
        on(idx, wasmBackend),
        on(src, wasmBackend),
      );
      const want = cpuBackend.indexAdd([...shape], 'float32', axis, on(idx, cpuBackend), on(src, cpuBackend));
      expect(values(got)).toEqual(values(want));
    }
    // a slice's gradient (indices in a range) and a strided gradient: the reference's paths
    const range = tensor(Int32Array.from([1, 2, 3]), { dtype: 'int32' });
    const src = randn([3, 8], { generator: g });
    expect(
      values(wasmBackend.indexAdd([5, 8], 'float32', 0, on(range, wasmBackend), on(src, wasmBackend))),
    ).toEqual(values(cpuBackend.indexAdd([5, 8], 'float32', 0, on(range, cpuBackend), on(src, cpuBackend))));
    // slices' gradients from strided views: a split along the last axis (q, k, v), and a middle one
    for (const [shape, axis, idx, src] of [
      [[2, 3, 10], 2, [4, 5, 6, 7], randn([2, 4, 3], { generator: g }).transpose(1, 2)],
      [[4, 9, 5], 1, [2, 3, 4], randn([5, 3, 4], { generator: g }).permute(2, 1, 0)],
      [[7], 0, [3, 4, 5], randn([6], { generator: g }).slice(0, 0, 6, 2)],
    ] as const) {
      const ix = tensor(Int32Array.from(idx), { dtype: 'int32' });
      expect(
        values(wasmBackend.indexAdd([...shape], 'float32', axis, on(ix, wasmBackend), on(src, wasmBackend))),
      ).toEqual(
        values(cpuBackend.indexAdd([...shape], 'float32', axis, on(ix, cpuBackend), on(src, cpuBackend))),
      );
    }
    const t = randn([8, 7], { generator: g }).mT;
    expect(
      values(wasmBackend.indexAdd([6, 8], 'float32', 0, on(idx, wasmBackend), on(t, wasmBackend))),
    ).toEqual(values(cpuBackend.indexAdd([6, 8], 'float32', 0, on(idx, cpuBackend), on(t, cpuBackend))));
    // the lookup itself (indexSelect), on every axis, and a strided table through the reference
    for (const [x, axis] of [
      [randn([6, 37], { generator: g }), 0],
      [randn([2, 6, 5], { generator: g }), 1],
      [randn([4, 6], { generator: g }), 1],
      [randn([37, 6], { generator: g }).mT, 0],
    ] as const) {
      expect(values(wasmBackend.indexSelect(on(x, wasmBackend), axis, on(idx, wasmBackend)))).toEqual(
        values(cpuBackend.indexSelect(on(x, cpuBackend), axis, on(idx, cpuBackend))),
      );
    }
    const bad = tensor(Int32Array.from([0, 6]), { dtype: 'int32' });
    const src2 = randn([2, 3], { generator: g });
    expect(() =>
      wasmBackend.indexAdd([6, 3], 'float32', 0, on(bad, wasmBackend), on(src2, wasmBackend)),
    ).toThrow('indexAdd: index 6 at [1] is out of range for axis 0 of size 6');
    const table = randn([6, 3], { generator: g });
    expect(() => wasmBackend.indexSelect(on(table, wasmBackend), 0, on(bad, wasmBackend))).toThrow(
      'indexSelect: index 6 at [1] is out of range for axis 0 of size 6',
    );
  });

  it('copies strided views (permutes, slices, broadcasts) bit for bit', () => {
    const t = randn([3, 5, 4, 6], { generator: g });
    const ints = t.mul(100).int();
    const views = [
      t.permute(0, 2, 1, 3),
      t.permute(3, 1, 0, 2),
      t.slice(3, 1, 5, 2).transpose(0, 2),
      t.slice(1, 2, 3).expand(3, 4, 4, 6),
      t.reshape(360).slice(0, 7, 300, 3),
      ints.permute(2, 0, 3, 1),
      t.slice(0, 1, 2).reshape(5, 4, 6).sum(0).expand(2, 4, 6),
      // contiguous rows in up to four dims, one call: a head merge (rows of 32), rows of 66 and of 37,
      // rows picked from wider ones; rank 5 walks the runs of rows instead
      randn([4, 8, 16, 32], { generator: g }).permute(0, 2, 1, 3),
      randn([2, 3, 70, 66], { generator: g }).transpose(1, 2),
      randn([5, 9, 37], { generator: g }).transpose(0, 1),
      randn([40, 37], { generator: g }).slice(1, 0, 30),
      randn([2, 3, 4, 5, 8], { generator: g }).permute(0, 2, 1, 3, 4),
      // pure transposes, 4×4 blocks through registers: edges in both dims, whole blocks, int32
      randn([37, 50], { generator: g }).mT,
      randn([64, 128], { generator: g }).mT,
      randn([3, 21, 18], { generator: g }).mul(1000).int().transpose(1, 2),
    ];
    for (const v of views) {
      expect(values(wasmBackend.copy(on(v, wasmBackend)))).toEqual(
        values(cpuBackend.copy(on(v, cpuBackend))),
      );
    }
  });

  it('the Adam and AdamW steps bit for bit (and amsgrad through the CPU kernel)', () => {
    const [p, grad, m] = [
      randn([300], { generator: g }),
      randn([300], { generator: g }),
      randn([300], { generator: g }),
    ];
    const v = randn([300], { generator: g }).abs();
    for (const decoupled of [true, false]) {
      for (const [amsgrad, maximize] of [
        [false, false],
        [false, true],
        [true, false],
      ]) {
        const o = {
          lr: 1e-3,
          beta1: 0.9,
          beta2: 0.99,
          eps: 1e-8,
          weightDecay: 0.1,
          decoupled,
          step: 7,
          amsgrad,
          maximize,
        };
        const args = (b: Backend) =>
          [on(p, b), on(grad, b), on(m, b), on(v, b), amsgrad ? on(v, b) : null, o] as const;
        const got = wasmBackend.adamUpdate(...args(wasmBackend));
        const want = cpuBackend.adamUpdate(...args(cpuBackend));
        got.forEach((h, i) => expect(h && values(h)).toEqual(want[i] && values(want[i] as object)));
      }
    }
  });
});
