import { gather, indexAddZeros, indexSelect, scatterAddZeros } from '@dendrite/tensor';
import { defineGrad } from './registry.js';

// y = gather(x, axis, idx):  each y element came from one x element, so dL/dx scatters dL/dy back (adding repeats)
defineGrad('gather', {
  save: (e) => [e.inputs[1]],
  backward: (g, ctx) => {
    const [index] = ctx.saved;
    return [scatterAddZeros(ctx.inputs[0].shape, ctx.attrs.axis as number, index, g), null];
  },
});

// y = scatterAdd(idx, src):  y[idx[i]] += src[i], so dL/dsrc[i] = dL/dy[idx[i]] (a gather)
defineGrad('scatterAdd', {
  save: (e) => [e.inputs[0]],
  backward: (g, ctx) => {
    const [index] = ctx.saved;
    return [null, gather(g, ctx.attrs.axis as number, index)];
  },
});

// y = indexSelect(x, axis, idx):  dL/dx adds each selected slice's gradient back at idx (the embedding gradient)
defineGrad('indexSelect', {
  save: (e) => [e.inputs[1]],
  backward: (g, ctx) => {
    const [index] = ctx.saved;
    return [indexAddZeros(ctx.inputs[0].shape, ctx.attrs.axis as number, index, g), null];
  },
});

// y = indexAdd(idx, src):  y[idx[j]] += src[j], so dL/dsrc[j] = dL/dy[idx[j]]
defineGrad('indexAdd', {
  save: (e) => [e.inputs[0]],
  backward: (g, ctx) => {
    const [index] = ctx.saved;
    return [null, indexSelect(g, ctx.attrs.axis as number, index)];
  },
});
