import {
  BINARY_OPS,
  binarySpec,
  type DifferentiableBinaryOp,
  type DifferentiableUnaryOp,
  exp,
  geluBackward,
  type Tensor,
  UNARY_OPS,
  unarySpec,
  where,
  zerosLike,
} from '@dendrite/tensor';
import { geluBackwardComposite } from '@dendrite/tensor/backend';
import { sumToShape } from './broadcast.js';
import { fusedOrComposite } from './fused.js';
import { defineGrad, type GradRule, markNotDifferentiable } from './registry.js';

const input = (e: { inputs: readonly Tensor[] }) => [e.inputs[0]];
const output = (e: { output: Tensor }) => [e.output];
const both = (e: { inputs: readonly Tensor[] }) => [e.inputs[0], e.inputs[1]];

// ---- unary: dL/dx = dL/dy · dy/dx ---------------------------------------------------------------

/** The gradient of every differentiable unary op of the spec: a missing one is a compile error. */
const UNARY_RULES = {
  // d/dx (−x) = −1
  neg: { backward: (g) => [g.neg()] },
  // d/dx |x| = sign(x)
  abs: { save: input, backward: (g, { saved: [x] }) => [g.mul(x.sign())] },
  // d/dx sign(x) = 0 (piecewise constant)
  sign: { backward: (g) => [zerosLike(g)] },
  // d/dx eˣ = eˣ = y
  exp: { save: output, backward: (g, { saved: [y] }) => [g.mul(y)] },
  // d/dx ln x = 1/x
  log: { save: input, backward: (g, { saved: [x] }) => [g.div(x)] },
  // d/dx ln(1 + x) = 1/(1 + x)
  log1p: { save: input, backward: (g, { saved: [x] }) => [g.div(x.add(1))] },
  // d/dx √x = 1/(2√x) = 1/(2y)
  sqrt: { save: output, backward: (g, { saved: [y] }) => [g.div(y.mul(2))] },
  // d/dx x^(−½) = −½·x^(−3/2) = −½·y³
  rsqrt: { save: output, backward: (g, { saved: [y] }) => [g.mul(y.mul(y).mul(y).mul(-0.5))] },
  // d/dx tanh x = 1 − tanh²x = 1 − y²
  tanh: { save: output, backward: (g, { saved: [y] }) => [g.mul(y.mul(y).neg().add(1))] },
  // d/dx σ(x) = σ(x)(1 − σ(x)) = y(1 − y)
  sigmoid: { save: output, backward: (g, { saved: [y] }) => [g.mul(y.mul(y.neg().add(1)))] },
  // d/dx max(x, 0) = 1 if x > 0 else 0
  relu: { save: output, backward: (g, { saved: [y] }) => [where(y.gt(0), g, 0)] },
  // d/dx x·Φ(x) = Φ(x) + x·φ(x),  Φ(x) = ½(1 + erf(x/√2)),  φ(x) = e^(−x²/2)/√(2π)  (composite/gelu-backward.ts)
  gelu: {
    save: input,
    backward: (g, { saved: [x] }) => [
      fusedOrComposite(
        () => geluBackward(x, g, 'none'),
        () => geluBackwardComposite(x, g, 'none'),
      ),
    ],
  },
  // u = √(2/π)(x + 0.044715x³), y = ½x(1 + tanh u):  dy/dx = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²)
  gelu_tanh: {
    save: input,
    backward: (g, { saved: [x] }) => [
      fusedOrComposite(
        () => geluBackward(x, g, 'tanh'),
        () => geluBackwardComposite(x, g, 'tanh'),
      ),
    ],
  },
  // d/dx sin x = cos x
  sin: { save: input, backward: (g, { saved: [x] }) => [g.mul(x.cos())] },
  // d/dx cos x = −sin x
  cos: { save: input, backward: (g, { saved: [x] }) => [g.mul(x.sin()).neg()] },
  // d/dx erf x = 2/√π · e^(−x²)
  erf: {
    save: input,
    backward: (g, { saved: [x] }) => [g.mul(exp(x.mul(x).neg()).mul(2 / Math.sqrt(Math.PI)))],
  },
} satisfies Record<DifferentiableUnaryOp, GradRule>;

// ---- binary: gradients are summed back over broadcast dims --------------------------------------

const shapes = (ctx: { inputs: readonly { shape: readonly number[] }[] }) => [
  ctx.inputs[0].shape,
  ctx.inputs[1].shape,
];

/** The gradient of every differentiable binary op of the spec: a missing one is a compile error. */
const BINARY_RULES = {
  // ∂(a+b)/∂a = 1, ∂(a+b)/∂b = 1
  add: {
    backward: (g, ctx) => {
      const [sa, sb] = shapes(ctx);
      return [ctx.needs[0] ? sumToShape(g, sa) : null, ctx.needs[1] ? sumToShape(g, sb) : null];
    },
  },
  // ∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1
  sub: {
    backward: (g, ctx) => {
      const [sa, sb] = shapes(ctx);
      return [ctx.needs[0] ? sumToShape(g, sa) : null, ctx.needs[1] ? sumToShape(g.neg(), sb) : null];
    },
  },
  // ∂(a·b)/∂a = b, ∂(a·b)/∂b = a
  mul: {
    save: both,
    backward: (g, ctx) => {
      const [a, b] = ctx.saved;
      const [sa, sb] = shapes(ctx);
      return [ctx.needs[0] ? sumToShape(g.mul(b), sa) : null, ctx.needs[1] ? sumToShape(g.mul(a), sb) : null];
    },
  },
  // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b²
  div: {
    save: both,
    backward: (g, ctx) => {
      const [a, b] = ctx.saved;
      const [sa, sb] = shapes(ctx);
      return [
        ctx.needs[0] ? sumToShape(g.div(b), sa) : null,
        ctx.needs[1] ? sumToShape(g.mul(a).div(b.mul(b)).neg(), sb) : null,
      ];
    },
  },
  // ∂aᵇ/∂a = b·a^(b−1), ∂aᵇ/∂b = aᵇ·ln a (taken as 0 where a ≤ 0, as PyTorch does at a = 0)
  pow: {
    save: (e) => [e.inputs[0], e.inputs[1], e.output],
    backward: (g, ctx) => {
      const [a, b, y] = ctx.saved;
      const [sa, sb] = shapes(ctx);
      const ga = ctx.needs[0] ? sumToShape(g.mul(b).mul(a.pow(b.sub(1))), sa) : null;
      const gb = ctx.needs[1] ? sumToShape(where(a.gt(0), g.mul(y).mul(a.log()), 0), sb) : null;
      return [ga, gb];
    },
  },
  // ∂max(a,b)/∂a = 1 where a > b, ½ where a = b (ties split evenly, as PyTorch), 0 elsewhere
  maximum: {
    save: both,
    backward: (g, ctx) => {
      const [a, b] = ctx.saved;
      const [sa, sb] = shapes(ctx);
      const wa = a.gt(b).to(g.dtype).add(a.eq(b).to(g.dtype).mul(0.5));
      return [
        ctx.needs[0] ? sumToShape(g.mul(wa), sa) : null,
        ctx.needs[1] ? sumToShape(g.mul(wa.neg().add(1)), sb) : null,
      ];
    },
  },
  // ∂min(a,b)/∂a = 1 where a < b, ½ where a = b, 0 elsewhere
  minimum: {
    save: both,
    backward: (g, ctx) => {
      const [a, b] = ctx.saved;
      const [sa, sb] = shapes(ctx);
      const wa = a.lt(b).to(g.dtype).add(a.eq(b).to(g.dtype).mul(0.5));
      return [
        ctx.needs[0] ? sumToShape(g.mul(wa), sa) : null,
        ctx.needs[1] ? sumToShape(g.mul(wa.neg().add(1)), sb) : null,
      ];
    },
  },
} satisfies Record<DifferentiableBinaryOp, GradRule>;

for (const [op, rule] of Object.entries({ ...UNARY_RULES, ...BINARY_RULES })) defineGrad(op, rule);

// Ops without a gradient say why in their spec (comparisons: a bool output is piecewise constant).
for (const op of BINARY_OPS) {
  const reason = binarySpec(op).notDifferentiable;
  if (reason !== undefined) markNotDifferentiable(op, reason);
}
for (const op of UNARY_OPS) {
  const reason = unarySpec(op).notDifferentiable;
  if (reason !== undefined) markNotDifferentiable(op, reason);
}

// y = cond ? a : b:  ∂y/∂a = cond, ∂y/∂b = ¬cond, nothing for the bool condition
defineGrad('where', {
  save: (e) => [e.inputs[0]],
  backward: (g, ctx) => {
    const [cond] = ctx.saved;
    const sa = ctx.inputs[1].shape;
    const sb = ctx.inputs[2].shape;
    return [
      null,
      ctx.needs[1] ? sumToShape(where(cond, g, 0), sa) : null,
      ctx.needs[2] ? sumToShape(where(cond, 0, g), sb) : null,
    ];
  },
});
