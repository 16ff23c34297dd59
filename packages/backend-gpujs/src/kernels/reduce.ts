import type { ArgReduceOp, ReduceOp } from '@dendrite/tensor';
import { address, kernelSource, names, splitIndex } from './codegen.js';
import type { KernelSpec } from './spec.js';

/**
 * Reductions. One output element per thread, looping over the elements it reduces: gpu.js has no
 * workgroup memory, so a reduction is a loop, not a tree. Loop bounds are arguments, and the
 * backend sets `loopMaxIterations` far above any tensor size (gpu.js's default silently stops
 * such loops after 1000 iterations).
 */

/**
 * `out[i] = reduce over the reduced dims of x[base(i) + Σ j·t]`: kept dims (`keptRank`, sizes `n*`,
 * strides `s*`) give the output, reduced dims (`redRank`, sizes `m*`, strides `t*`) are nested loops.
 */
export function reduceKernel(op: ReduceOp, keptRank: number, redRank: number): KernelSpec {
  const n = names('n', keptRank);
  const s = names('s', keptRank);
  const c = names('i', keptRank);
  const m = names('m', redRank);
  const t = names('t', redRank);
  const j = names('j', redRank);
  const scalars = ['o', ...s, ...n, ...t, ...m, 'infv'];
  const init = op === 'sum' ? '0.0' : op === 'max' ? '-infv' : 'infv';
  const update =
    op === 'sum'
      ? ['acc = acc + v;']
      : [`if (v ${op === 'max' ? '>' : '<'} acc) { acc = v; }`, 'if (!(v == v)) { acc = v; }'];
  const lines = [...splitIndex('this.thread.x', c, n), `let base = ${address('o', c, s)};`];
  if (redRank === 0) lines.push('let acc = x[base];');
  else {
    lines.push(`let acc = ${init};`);
    for (let d = 0; d < redRank; d++) lines.push(`for (let ${j[d]} = 0; ${j[d]} < ${m[d]}; ${j[d]}++) {`);
    lines.push(`let v = x[${address('base', j, t)}];`, ...update);
    for (let d = 0; d < redRank; d++) lines.push('}');
  }
  lines.push('return acc;');
  return {
    name: `reduce:${op}:r${keptRank}:${redRank}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/** Index of the first largest (smallest) value along one dim of size `m` and stride `t`; NaN wins. */
export function argReduceKernel(op: ArgReduceOp, keptRank: number): KernelSpec {
  const n = names('n', keptRank);
  const s = names('s', keptRank);
  const c = names('i', keptRank);
  const scalars = ['o', ...s, ...n, 't', 'm'];
  const cmp = op === 'argmax' ? '>' : '<';
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let base = ${address('o', c, s)};`,
    'let best = x[base];',
    'let at = 0.0;',
    'let done = 0.0;',
    'if (!(best == best)) { done = 1.0; }',
    'for (let j = 1; j < m; j++) {',
    '  let v = x[base + j * t];',
    '  if (done < 0.5) {',
    `    if (v ${cmp} best) { best = v; at = j; }`,
    '    if (!(v == v)) { best = v; at = j; done = 1.0; }',
    '  }',
    '}',
    'return at;',
  ];
  return {
    name: `argReduce:${op}:r${keptRank}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/** Inclusive running sum along dim `axis` of a rank-`rank` output (x strided, output contiguous). */
export function cumsumKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const s = names('s', rank);
  const c = names('i', rank);
  const scalars = ['o', ...s, ...n];
  const others = c.map((ci, d) => (d === axis ? '0' : ci));
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let base = ${address('o', others, s)};`,
    'let acc = 0.0;',
    // the bound is the size argument (WebGL 1 compares a loop index only with constants and
    // arguments, which gpu.js turns into a constant bound), and the loop stops past the element
    `for (let j = 0; j < ${n[axis]}; j++) { if (j > ${c[axis]}) { break; } acc = acc + x[base + j * ${s[axis]}]; }`,
    'return acc;',
  ];
  return {
    name: `cumsum:r${rank}:a${axis}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/**
 * Softmax, pass 1: per row (all dims but the softmax axis, `rowRank` of them) the max `m` and
 * `Σ e^(x−m)`, stored interleaved: `out[2r] = m`, `out[2r+1] = Σ`. A row of −∞ gets m = 0 (as the
 * CPU reference), so its exponentials are 0 rather than NaN.
 */
export function softmaxStatsKernel(rowRank: number): KernelSpec {
  const n = names('n', rowRank);
  const s = names('s', rowRank);
  const c = names('i', rowRank);
  const scalars = ['o', ...s, ...n, 't', 'm', 'infv'];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / 2);',
    'let which = this.thread.x - row * 2;',
    ...splitIndex('row', c, n),
    `let base = ${address('o', c, s)};`,
    'let mx = -infv;',
    'for (let j = 0; j < m; j++) { let v = x[base + j * t]; if (v > mx) { mx = v; } }',
    'if (mx == -infv) { mx = 0.0; }',
    'let y = mx;',
    'if (which > 0.5) {',
    '  let sum = 0.0;',
    '  for (let j2 = 0; j2 < m; j2++) { sum = sum + Math.exp(x[base + j2 * t] - mx); }',
    '  y = sum;',
    '}',
    'return y;',
  ];
  return {
    name: `softmax:stats:r${rowRank}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/**
 * Softmax, pass 2: `y = e^(x−m) / Σ` (or `x − m − ln Σ` for log-softmax) with the row's statistics
 * from pass 1; `r*` are the row-number strides of each output dim (0 along the softmax axis).
 */
export function softmaxApplyKernel(rank: number, log: boolean): KernelSpec {
  const n = names('n', rank);
  const s = names('s', rank);
  const r = names('r', rank);
  const c = names('i', rank);
  const scalars = ['o', ...s, ...r, ...n];
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let v = x[${address('o', c, s)}];`,
    `let row = ${address('0', c, r)};`,
    'let mx = st[row * 2];',
    'let sum = st[row * 2 + 1];',
    log ? 'let y = (v - mx) - Math.log(sum);' : 'let y = Math.exp(v - mx) / sum;',
    'return y;',
  ];
  return {
    name: `softmax:${log ? 'log' : 'apply'}:r${rank}`,
    source: kernelSource(['x', 'st', ...scalars], lines),
    arrays: ['x', 'st'],
    scalars,
  };
}
