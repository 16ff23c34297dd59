import { kernelSource } from './codegen.js';
import type { KernelSpec } from './spec.js';

/**
 * Softmax cross-entropy of logits `[N, C]` (row stride `sn`, class stride `sc`) at targets `tg`
 * (offset `ot`, stride `tt`; int32 values stored as floats). A target that is `ignore` gives 0; one
 * outside [0, C) that the host could not check (computed on the device) gives NaN.
 */

/** lossₙ = (1−ε)·(lse − x_t) + ε·(lse − mean_c x_c), lse = log Σ_c e^(x_c): one thread per row. */
export function crossEntropyKernel(): KernelSpec {
  const scalars = ['o', 'sn', 'sc', 'C', 'ot', 'tt', 'ignore', 'eps', 'infv', 'nanv'];
  const lines = [
    'let n = this.thread.x;',
    'let tv = tg[ot + n * tt];',
    'let base = o + n * sn;',
    'let loss = 0.0;',
    'if (!(tv == ignore)) {',
    '  loss = nanv;',
    '  if (tv >= 0.0) {',
    '    if (tv < C) {',
    '      let mx = -infv;',
    '      for (let c = 0; c < C; c++) { let v = x[base + c * sc]; if (v > mx) { mx = v; } }',
    '      let lse = mx;',
    '      if (mx < infv) {',
    '        if (mx > -infv) {',
    '          let s = 0.0;',
    '          for (let c2 = 0; c2 < C; c2++) { s = s + Math.exp(x[base + c2 * sc] - mx); }',
    '          lse = mx + Math.log(s);',
    '        }',
    '      }',
    '      loss = (1.0 - eps) * (lse - x[base + tv * sc]);',
    '      if (eps > 0.0) {',
    '        let sum = 0.0;',
    '        for (let c3 = 0; c3 < C; c3++) { sum = sum + x[base + c3 * sc]; }',
    '        loss = loss + eps * (lse - sum / C);',
    '      }',
    '    }',
    '  }',
    '}',
    'return loss;',
  ];
  return {
    name: 'crossEntropy',
    source: kernelSource(['x', 'tg', ...scalars], lines),
    arrays: ['x', 'tg'],
    scalars,
  };
}

/**
 * dL/dx_c = gₙ·(p_c − (1−ε)·[c = t] − ε/C), one thread per element, with each row's max and
 * Σ e^(x − max) from the softmax statistics kernel (`st`, 2 per row); zero rows where t = ignore.
 */
export function crossEntropyBackwardKernel(): KernelSpec {
  const scalars = ['o', 'sn', 'sc', 'C', 'ot', 'tt', 'og', 'tgr', 'ignore', 'eps', 'nanv'];
  const lines = [
    'let n = Math.floor((this.thread.x + 0.5) / C);',
    'let c = this.thread.x - n * C;',
    'let tv = tg[ot + n * tt];',
    'let y = 0.0;',
    'if (!(tv == ignore)) {',
    '  let p = Math.exp(x[o + n * sn + c * sc] - st[n * 2]) / st[n * 2 + 1];',
    '  let hot = 0.0;',
    '  if (c == tv) { hot = 1.0 - eps; }',
    '  y = g[og + n * tgr] * ((p - hot) - eps / C);',
    '  if (tv < 0.0) { y = nanv; }',
    '  if (tv >= C) { y = nanv; }',
    '}',
    'return y;',
  ];
  return {
    name: 'crossEntropyBackward',
    source: kernelSource(['x', 'tg', 'g', 'st', ...scalars], lines),
    arrays: ['x', 'tg', 'g', 'st'],
    scalars,
  };
}
