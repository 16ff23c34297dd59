import { address, kernelSource, names, splitIndex } from './codegen.js';
import type { KernelSpec } from './spec.js';

/**
 * The attention softmax and the softmax gradient as kernels of their own: a row-statistics pass
 * (one thread per row, looping over it) and a pass with one thread per output.
 */

/**
 * Causal softmax, pass 1: per row (query `qi` of `tq` in batch `c*`) over the keys it sees,
 * j ≤ qi + (m − tq): `out[2r] = max(scale·x)`, `out[2r+1] = Σ e^(scale·x − max)`. A row of −∞
 * gets max 0 (as the softmax kernels), so its exponentials are 0 rather than NaN.
 */
export function causalSoftmaxStatsKernel(batchRank: number): KernelSpec {
  const n = names('n', batchRank);
  const s = names('s', batchRank);
  const c = names('i', batchRank);
  const scalars = ['o', ...s, ...n, 'sq', 'tq', 't', 'm', 'scale', 'infv'];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / 2);',
    'let which = this.thread.x - row * 2;',
    ...splitIndex('row', [...c, 'qi'], [...n, 'tq']),
    `let base = ${address('o', c, s)} + qi * sq;`,
    'let lim = qi + (m - tq);',
    'let mx = -infv;',
    'for (let j = 0; j < m; j++) {',
    '  if (j <= lim) { let v = x[base + j * t] * scale; if (v > mx) { mx = v; } }',
    '}',
    'if (mx == -infv) { mx = 0.0; }',
    'let y = mx;',
    'if (which > 0.5) {',
    '  let sum = 0.0;',
    '  for (let j2 = 0; j2 < m; j2++) {',
    '    if (j2 <= lim) { sum = sum + Math.exp(x[base + j2 * t] * scale - mx); }',
    '  }',
    '  y = sum;',
    '}',
    'return y;',
  ];
  return {
    name: `causalSoftmax:stats:r${batchRank}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/** Causal softmax, pass 2: y = e^(scale·x − max)/Σ where key j ≤ qi + (m − tq), else exactly 0. */
export function causalSoftmaxApplyKernel(batchRank: number): KernelSpec {
  const n = names('n', batchRank);
  const s = names('s', batchRank);
  const c = names('i', batchRank);
  const scalars = ['o', ...s, ...n, 'sq', 'tq', 't', 'm', 'scale'];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / m);',
    'let j = this.thread.x - row * m;',
    ...splitIndex('row', [...c, 'qi'], [...n, 'tq']),
    'let y = 0.0;',
    'if (j <= qi + (m - tq)) {',
    `  y = Math.exp(x[${address('o', c, s)} + qi * sq + j * t] * scale - st[row * 2]) / st[row * 2 + 1];`,
    '}',
    'return y;',
  ];
  return {
    name: `causalSoftmax:apply:r${batchRank}`,
    source: kernelSource(['x', 'st', ...scalars], lines),
    arrays: ['x', 'st'],
    scalars,
  };
}

/**
 * Softmax gradient, pass 1: per row (all dims but the softmax axis, `rowRank` of them, in y and in
 * the gradient g) `Σ g·y` (softmax) or `Σ g` (log-softmax).
 */
export function softmaxGradSumKernel(rowRank: number, log: boolean): KernelSpec {
  const n = names('n', rowRank);
  const s = names('s', rowRank);
  const gs = names('gs', rowRank);
  const c = names('i', rowRank);
  const scalars = ['o', ...s, ...n, 't', 'og', ...gs, 'tg', 'm'];
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let base = ${address('o', c, s)};`,
    `let gbase = ${address('og', c, gs)};`,
    'let sum = 0.0;',
    `for (let j = 0; j < m; j++) { sum = sum + g[gbase + j * tg]${log ? '' : ' * y[base + j * t]'}; }`,
    'return sum;',
  ];
  return {
    name: `softmaxBackward:sum:r${rowRank}:${log ? 'log' : 'softmax'}`,
    source: kernelSource(['y', 'g', ...scalars], lines),
    arrays: ['y', 'g'],
    scalars,
  };
}

/**
 * Softmax gradient, pass 2, one thread per element: y·(g − Σ) (softmax) or g − eʸ·Σ (log-softmax);
 * `r*` are the row-number strides of each output dim (0 along the softmax axis).
 */
export function softmaxGradApplyKernel(rank: number, log: boolean): KernelSpec {
  const n = names('n', rank);
  const s = names('s', rank);
  const gs = names('gs', rank);
  const r = names('r', rank);
  const c = names('i', rank);
  const scalars = ['o', ...s, 'og', ...gs, ...r, ...n];
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let yv = y[${address('o', c, s)}];`,
    `let gv = g[${address('og', c, gs)}];`,
    `let sum = st[${address('0', c, r)}];`,
    log ? 'let dx = gv - Math.exp(yv) * sum;' : 'let dx = yv * (gv - sum);',
    'return dx;',
  ];
  return {
    name: `softmaxBackward:apply:r${rank}:${log ? 'log' : 'softmax'}`,
    source: kernelSource(['y', 'g', 'st', ...scalars], lines),
    arrays: ['y', 'g', 'st'],
    scalars,
  };
}
