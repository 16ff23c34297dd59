import { address, kernelSource, names, splitIndex } from './codegen.js';
import type { KernelSpec } from './spec.js';

/**
 * Gathers and scatters. Index values are float32 copies of int32 indices. An index outside
 * `[0, lim)` produces NaN (`nanv`) in the outputs it touches instead of reading or writing out
 * of bounds: never a silently wrong number (indices known on the host are checked before launch
 * and raise the CPU backend's `IndexError`; see the README). Scatters are written as gathers —
 * each output element loops over the index — because gpu.js kernels cannot write to arbitrary
 * positions or use atomics.
 */

/** out[c] = x[c with c[axis] ← index[c]]: `torch.gather` over an index of rank `rank`. */
export function gatherKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const c = names('i', rank);
  const sx = names('sx', rank);
  const si = names('si', rank);
  const scalars = ['ox', ...sx, 'oi', ...si, ...n, 'lim', 'nanv'];
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let idx = ix[${address('oi', c, si)}];`,
    'let y = nanv;',
    `if (idx >= 0) { if (idx < lim) { y = x[${address(
      'ox',
      c.map((ci, d) => (d === axis ? 'idx' : ci)),
      sx,
    )}]; } }`,
    'return y;',
  ];
  return {
    name: `gather:r${rank}:a${axis}`,
    source: kernelSource(['x', 'ix', ...scalars], lines),
    arrays: ['x', 'ix'],
    scalars,
  };
}

/** out[…, j, …] = x[…, index[j], …]: whole slices picked by a 1-D index (`torch.index_select`). */
export function indexSelectKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const c = names('i', rank);
  const sx = names('sx', rank);
  const scalars = ['ox', ...sx, 'oi', 'si', ...n, 'lim', 'nanv'];
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    `let idx = ix[oi + ${c[axis]} * si];`,
    'let y = nanv;',
    `if (idx >= 0) { if (idx < lim) { y = x[${address(
      'ox',
      c.map((ci, d) => (d === axis ? 'idx' : ci)),
      sx,
    )}]; } }`,
    'return y;',
  ];
  return {
    name: `indexSelect:r${rank}:a${axis}`,
    source: kernelSource(['x', 'ix', ...scalars], lines),
    arrays: ['x', 'ix'],
    scalars,
  };
}

/**
 * out = zeros(n); out[c with c[axis] ← index[c]] += src[c], written as a gather: output element c
 * sums the src values whose index (in the same column, c[d] for d ≠ axis) equals c[axis].
 * `ni*` is the index's shape (outputs beyond it along other dims stay 0).
 */
export function scatterAddKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const ni = names('ni', rank);
  const c = names('i', rank);
  const si = names('si', rank);
  const ss = names('ss', rank);
  const scalars = ['oi', ...si, 'os', ...ss, ...n, ...ni, 'nanv'];
  const others = c.map((ci, d) => (d === axis ? '0' : ci));
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    'let y = 0.0;',
    'let bad = 0.0;',
    'let inside = 1.0;',
    ...c.flatMap((ci, d) => (d === axis ? [] : [`if (${ci} >= ${ni[d]}) { inside = 0.0; }`])),
    'if (inside > 0.5) {',
    `  let ibase = ${address('oi', others, si)};`,
    `  let sbase = ${address('os', others, ss)};`,
    `  for (let j = 0; j < ${ni[axis]}; j++) {`,
    `    let idx = ix[ibase + j * ${si[axis]}];`,
    `    if (idx == ${c[axis]}) { y = y + src[sbase + j * ${ss[axis]}]; }`,
    '    if (idx < 0) { bad = 1.0; }',
    `    if (idx >= ${n[axis]}) { bad = 1.0; }`,
    '  }',
    '}',
    'if (bad > 0.5) { y = nanv; }',
    'return y;',
  ];
  return {
    name: `scatterAdd:r${rank}:a${axis}`,
    source: kernelSource(['ix', 'src', ...scalars], lines),
    arrays: ['ix', 'src'],
    scalars,
  };
}

/**
 * out = zeros(n); slice index[j] along `axis` += slice j of src (`torch.index_add` from zeros): the
 * embedding gradient. Output element c sums src[…, j, …] over the j with index[j] = c[axis].
 */
export function indexAddKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const c = names('i', rank);
  const ss = names('ss', rank);
  const scalars = ['oi', 'si', 'mi', 'os', ...ss, ...n, 'nanv'];
  const others = c.map((ci, d) => (d === axis ? '0' : ci));
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    'let y = 0.0;',
    'let bad = 0.0;',
    `let sbase = ${address('os', others, ss)};`,
    'for (let j = 0; j < mi; j++) {',
    '  let idx = ix[oi + j * si];',
    `  if (idx == ${c[axis]}) { y = y + src[sbase + j * ${ss[axis]}]; }`,
    '  if (idx < 0) { bad = 1.0; }',
    `  if (idx >= ${n[axis]}) { bad = 1.0; }`,
    '}',
    'if (bad > 0.5) { y = nanv; }',
    'return y;',
  ];
  return {
    name: `indexAdd:r${rank}:a${axis}`,
    source: kernelSource(['ix', 'src', ...scalars], lines),
    arrays: ['ix', 'src'],
    scalars,
  };
}

/**
 * indexAdd when the index is known on the host: the backend inverts it into CSR form (for each
 * target slice r, the positions j with index[j] = r: `list[off[r] … off[r+1])`), so each output
 * element sums only its own sources — O(m) work in all instead of O(n·m). This is the embedding
 * gradient and the backward of slicing.
 */
export function indexAddCsrKernel(rank: number, axis: number): KernelSpec {
  const n = names('n', rank);
  const c = names('i', rank);
  const ss = names('ss', rank);
  const scalars = ['os', ...ss, ...n];
  const others = c.map((ci, d) => (d === axis ? '0' : ci));
  const lines = [
    ...splitIndex('this.thread.x', c, n),
    'let y = 0.0;',
    `let sbase = ${address('os', others, ss)};`,
    `let first = off[${c[axis]}];`,
    `let count = off[${c[axis]} + 1] - first;`,
    'for (let p = 0; p < count; p++) {',
    `  y = y + src[sbase + list[first + p] * ${ss[axis]}];`,
    '}',
    'return y;',
  ];
  return {
    name: `indexAdd:csr:r${rank}:a${axis}`,
    source: kernelSource(['off', 'list', 'src', ...scalars], lines),
    arrays: ['off', 'list', 'src'],
    scalars,
  };
}

/**
 * Joins `count` strided inputs along `axis`: input k covers positions [e_k, e_{k+1}) of that dim.
 * At most {@link MAX_CONCAT_INPUTS} inputs per kernel (WebGPU kernels of gpu.js take at most 7
 * array arguments); the backend joins more in rounds.
 */
export function concatKernel(rank: number, axis: number, count: number): KernelSpec {
  const n = names('n', rank);
  const c = names('i', rank);
  const arrays = names('x', count);
  const scalars: string[] = [];
  for (let k = 0; k < count; k++) scalars.push(`o${k}`, ...names(`s${k}_`, rank));
  const starts = names('e', count).slice(1);
  scalars.push(...starts, ...n);
  const lines = [...splitIndex('this.thread.x', c, n), `let p = ${c[axis]};`, 'let y = 0.0;'];
  for (let k = 0; k < count; k++) {
    const local = k === 0 ? 'p' : `(p - e${k})`;
    const read = `y = x${k}[${address(
      `o${k}`,
      c.map((ci, d) => (d === axis ? local : ci)),
      names(`s${k}_`, rank),
    )}];`;
    const conds: string[] = [];
    if (k > 0) conds.push(`p >= e${k}`);
    if (k < count - 1) conds.push(`p < e${k + 1}`);
    let stmt = read;
    for (const cond of conds) stmt = `if (${cond}) { ${stmt} }`;
    lines.push(stmt);
  }
  lines.push('return y;');
  return {
    name: `concat:r${rank}:a${axis}:k${count}`,
    source: kernelSource([...arrays, ...scalars], lines),
    arrays,
    scalars,
  };
}

/** Inputs one concat kernel joins (gpu.js's WebGPU kernels take at most 7 arrays). */
export const MAX_CONCAT_INPUTS = 6;
