import { address, kernelSource, names, splitIndex } from './codegen.js';
import type { KernelSpec } from './spec.js';

/**
 * Layer norm over the last dim (size `m`, stride `t` in x, `tg` in the gradient) of rows folded to
 * `rowRank` dims (sizes `n*`, strides `s*` in x, `gs*` in the gradient). Row statistics come from
 * one thread per row and statistic looping over the row; everything else is one thread per output.
 *
 * Each row is shifted by its first value k before averaging: x − k is exact for the values near k
 * that make x − mean cancel, so x̂ = ((x − k) − mean(x − k))·rstd keeps its digits in float32
 * (where (x − mean) would lose them to the rounding of mean).
 */

/**
 * `let acc = Σ term` over `j < m`, in blocks of 32: each block is summed on its own, then added to
 * the total, so rounding error grows with 32 + m/32 additions instead of m (a float32 row of
 * thousands of values). Compensated (Kahan) summation would do better on paper, but GPU compilers
 * may simplify (t − s) − y to 0 (Mesa does), so it is not portable. `pre` lines run first in each
 * iteration (they may define what `term` reads).
 */
function blockedSum(acc: string, j: string, term: string, pre: readonly string[] = []): string[] {
  return [
    `let ${acc} = 0.0;`,
    `let ${j}N = Math.floor((m + 31.5) / 32);`,
    // the bound is the argument m (≥ the block count): WebGL 1 compares a loop index only with
    // constants and arguments; the loop stops after the last block
    `for (let ${j}B = 0; ${j}B < m; ${j}B++) {`,
    `  if (${j}B >= ${j}N) { break; }`,
    `  let ${acc}P = 0.0;`,
    `  for (let ${j}I = 0; ${j}I < 32; ${j}I++) {`,
    `    let ${j} = ${j}B * 32 + ${j}I;`,
    `    if (${j} < m) {`,
    ...pre.map((l) => `      ${l}`),
    `      ${acc}P = ${acc}P + ${term};`,
    '    }',
    '  }',
    `  ${acc} = ${acc} + ${acc}P;`,
    '}',
  ];
}

const ROW_SPLIT = (rowRank: number) => ({
  n: names('n', rowRank),
  s: names('s', rowRank),
  c: names('i', rowRank),
});

/** Lines giving `k` (the shift), `md` = mean(x − k) and, inside `if (which > 0.5)`, `rstd`. */
function rowMoments(rowRank: number, withRstd: boolean): string[] {
  const { n, s, c } = ROW_SPLIT(rowRank);
  const lines = [
    ...splitIndex('row', c, n),
    `let base = ${address('o', c, s)};`,
    'let k = x[base];',
    ...blockedSum('sd', 'j', 'x[base + j * t] - k'),
    'let md = sd / m;',
  ];
  if (withRstd) {
    lines.push(
      ...blockedSum('sq', 'j2', 'd * d', ['let d = (x[base + j2 * t] - k) - md;']),
      'let rstd = 1.0 / Math.sqrt(sq / m + eps);',
    );
  }
  return lines;
}

/**
 * Forward statistics, two per row: `out[2r] = mean(x − k)`, `out[2r+1] = 1/√(var + ε)`.
 * var = mean(((x − k) − mean(x − k))²), the biased variance.
 */
export function layerNormStatsKernel(rowRank: number): KernelSpec {
  const { n, s } = ROW_SPLIT(rowRank);
  const scalars = ['o', ...s, ...n, 't', 'm', 'eps'];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / 2);',
    'let which = this.thread.x - row * 2;',
    ...rowMoments(rowRank, true),
    'let y = md;',
    'if (which > 0.5) { y = rstd; }',
    'return y;',
  ];
  return {
    name: `layerNorm:stats:r${rowRank}`,
    source: kernelSource(['x', ...scalars], lines),
    arrays: ['x'],
    scalars,
  };
}

/** y = ((x − k) − mean(x − k))·rstd·w + b, one thread per element (w and b strided, optional). */
export function layerNormApplyKernel(rowRank: number, weight: boolean, bias: boolean): KernelSpec {
  const { n, s, c } = ROW_SPLIT(rowRank);
  const arrays = ['x', 'st', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const scalars = ['o', ...s, ...n, 't', 'm', ...(weight ? ['ow', 'tw'] : []), ...(bias ? ['ob', 'tb'] : [])];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / m);',
    'let j = this.thread.x - row * m;',
    ...splitIndex('row', c, n),
    `let base = ${address('o', c, s)};`,
    'let xhat = ((x[base + j * t] - x[base]) - st[row * 2]) * st[row * 2 + 1];',
    `let y = xhat${weight ? ' * w[ow + j * tw]' : ''}${bias ? ' + b[ob + j * tb]' : ''};`,
    'return y;',
  ];
  return {
    name: `layerNorm:apply:r${rowRank}:${weight ? 'w' : '-'}${bias ? 'b' : '-'}`,
    source: kernelSource([...arrays, ...scalars], lines),
    arrays,
    scalars,
  };
}

/**
 * Backward statistics, four per row: mean(x − k), rstd, mean(ĝ) and mean(ĝ·x̂), ĝ = grad·w
 * (grad alone without a weight).
 */
export function layerNormGradStatsKernel(rowRank: number, weight: boolean): KernelSpec {
  const { n, s, c } = ROW_SPLIT(rowRank);
  const gs = names('gs', rowRank);
  const arrays = ['x', 'g', ...(weight ? ['w'] : [])];
  const scalars = ['o', ...s, ...n, 't', 'm', 'eps', 'og', ...gs, 'tg', ...(weight ? ['ow', 'tw'] : [])];
  const gh = `g[gbase + j3 * tg]${weight ? ' * w[ow + j3 * tw]' : ''}`;
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / 4);',
    'let which = this.thread.x - row * 4;',
    ...rowMoments(rowRank, true),
    `let gbase = ${address('og', c, gs)};`,
    'let y = md;',
    'if (which > 0.5) { y = rstd; }',
    'if (which > 1.5) {',
    ...blockedSum('acc', 'j3', 'gh', [
      `let gh = ${gh};`,
      'if (which > 2.5) { gh = gh * (((x[base + j3 * t] - k) - md) * rstd); }',
    ]).map((l) => `  ${l}`),
    '  y = acc / m;',
    '}',
    'return y;',
  ];
  return {
    name: `layerNorm:gradStats:r${rowRank}:${weight ? 'w' : '-'}`,
    source: kernelSource([...arrays, ...scalars], lines),
    arrays,
    scalars,
  };
}

/** dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), one thread per element, from the backward statistics. */
export function layerNormDxKernel(rowRank: number, weight: boolean): KernelSpec {
  const { n, s, c } = ROW_SPLIT(rowRank);
  const gs = names('gs', rowRank);
  const arrays = ['x', 'g', 'st', ...(weight ? ['w'] : [])];
  const scalars = ['o', ...s, ...n, 't', 'm', 'og', ...gs, 'tg', ...(weight ? ['ow', 'tw'] : [])];
  const lines = [
    'let row = Math.floor((this.thread.x + 0.5) / m);',
    'let j = this.thread.x - row * m;',
    ...splitIndex('row', c, n),
    `let base = ${address('o', c, s)};`,
    `let gbase = ${address('og', c, gs)};`,
    'let rstd = st[row * 4 + 1];',
    'let xhat = ((x[base + j * t] - x[base]) - st[row * 4]) * rstd;',
    `let gh = g[gbase + j * tg]${weight ? ' * w[ow + j * tw]' : ''};`,
    'let y = rstd * ((gh - st[row * 4 + 2]) - xhat * st[row * 4 + 3]);',
    'return y;',
  ];
  return {
    name: `layerNorm:dx:r${rowRank}:${weight ? 'w' : '-'}`,
    source: kernelSource([...arrays, ...scalars], lines),
    arrays,
    scalars,
  };
}

/**
 * dweight_j = Σ_rows grad·x̂ (`weight` true) or dbias_j = Σ_rows grad: one thread per feature j
 * looping over the `R` rows (x̂ from the backward statistics, 4 per row).
 */
export function layerNormParamGradKernel(rowRank: number, weight: boolean): KernelSpec {
  const { n, s, c } = ROW_SPLIT(rowRank);
  const gs = names('gs', rowRank);
  const arrays = weight ? ['x', 'g', 'st'] : ['g'];
  const scalars = [...(weight ? ['o', ...s, 't'] : []), ...n, 'og', ...gs, 'tg', 'R'];
  const term = weight
    ? 'g[gbase + j * tg] * (((x[base + j * t] - x[base]) - st[row * 4]) * st[row * 4 + 1])'
    : 'g[gbase + j * tg]';
  const lines = [
    'let j = this.thread.x;',
    'let acc = 0.0;',
    'for (let row = 0; row < R; row++) {',
    ...splitIndex('row', c, n).map((l) => `  ${l}`),
    ...(weight ? [`  let base = ${address('o', c, s)};`] : []),
    `  let gbase = ${address('og', c, gs)};`,
    `  acc = acc + ${term};`,
    '}',
    'return acc;',
  ];
  return {
    name: `layerNorm:${weight ? 'dweight' : 'dbias'}:r${rowRank}`,
    source: kernelSource([...arrays, ...scalars], lines),
    arrays,
    scalars,
  };
}
