// The logic behind every live demo, checked in Node against the numbers the course gives: what the
// pages show is computed by these functions (the browser tests check the pages themselves).

import { readFileSync } from 'node:fs';
import { wasmBackend, wasmMemory, wasmSupport } from '@dendrite/backend-wasm';
import { cpuBackend, getBackend, liveStorageCount } from '@dendrite/tensor';
import { CharTokenizer } from '@dendrite/tokenizer';
import { builtInCorpus } from 'tiny-gpt';
import { describe, expect, it } from 'vitest';
import { curve, linearCollapse, softmaxOf } from '../src/activations.js';
import { adamFirstStep, trajectory } from '../src/adamw.js';
import { modelParts } from '../src/compose.js';
import { chapterCount, courseCorpus } from '../src/corpus.js';
import { descend, verdict } from '../src/descent.js';
import { count, fixed, shape, signed, trimmed } from '../src/format.js';
import { tinyModel, traceForward } from '../src/forward.js';
import { layoutGraph, neuronGraph, vectorNeuronGraph } from '../src/graph.js';
import { layerShapes } from '../src/layers.js';
import { crossEntropyOf } from '../src/loss.js';
import { layerByHand, layerOutput, neuron } from '../src/neuron.js';
import { breakdown, buildAndCount } from '../src/params.js';
import { extent, linePath, niceTicks, scales } from '../src/plot.js';
import { TinyTrainer } from '../src/trainer.js';
import { updateStep } from '../src/update-table.js';

describe('the loss page', () => {
  it("states the course models' vocabulary and their starting loss, log(vocabulary)", () => {
    const page = readFileSync(new URL('../course/loss.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const [, n, logN, value] =
      page.match(/read the (\d+) different characters .* the loss is log (\d+) ≈ ([\d.]+)/) ?? [];
    const vocab = CharTokenizer.fromCorpus(courseCorpus()).vocabSize;
    expect(Number(n)).toBe(vocab);
    expect(Number(logN)).toBe(vocab);
    expect(value).toBe(Math.log(vocab).toFixed(2));
  });
});

describe('plot ticks', () => {
  it('are round numbers inside the range, about as many as asked', () => {
    expect(niceTicks(0, 4, 4)).toEqual([0, 1, 2, 3, 4]);
    expect(niceTicks(-1.5, 4, 4)).toEqual([0, 2, 4]);
    expect(niceTicks(-10, 10, 5)).toEqual([-10, -5, 0, 5, 10]);
    expect(niceTicks(0, 1.2, 5)).toEqual([0, 0.5, 1]);
    expect(niceTicks(1.86, 4.49, 5)).toEqual([2, 3, 4]);
    expect(niceTicks(0.1, 0.37, 5)).toEqual([0.1, 0.2, 0.3]); // no 0.30000000000000004
    expect(niceTicks(0, 2370, 5)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceTicks(0, Number.NaN)).toEqual([]);
  });
});

describe('format', () => {
  it('writes numbers the way the course does', () => {
    expect(fixed(-0.43, 3)).toBe('−0.430');
    expect(trimmed(0.20995000000000003)).toBe('0.20995');
    expect(trimmed(-0.4292)).toBe('−0.4292');
    expect(signed(0.12)).toBe('+0.120');
    expect(shape([64, 128])).toBe('[64 × 128]');
    expect(count(809856)).toBe('809,856');
    expect(fixed(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});

describe('neuron', () => {
  it('computes the worked example of chapter 2', () => {
    const r = neuron([2, -1, 0.5], [0.4, 0.3, -0.6], 0.1, 'relu');
    expect(r.products.map((p) => p.toFixed(4))).toEqual(['0.8000', '-0.3000', '-0.3000']);
    expect(r.z).toBeCloseTo(0.3, 12);
    expect(r.output).toBeCloseTo(0.3, 12);
    expect(neuron([2, -1, 0.5], [0.4, 0.3, -0.6], -0.5, 'relu').output).toBe(0);
    expect(neuron([0, 0, 0], [1, 1, 1], 0, 'sigmoid').output).toBeCloseTo(0.5, 12);
  });

  it('a layer of four neurons: the matmul and the loops give four equal values', () => {
    const W = [
      [0.5, -1, 0.25, 0],
      [0.1, 0.2, 0.3, 0.4],
      [-0.2, 0.5, 0, 1],
    ];
    const b = [0, 1, -1, 0.5];
    const byHand = layerByHand([1, 2, 3], W, b);
    expect(byHand.map((v) => v.toFixed(6))).toEqual(['0.100000', '1.900000', '-0.150000', '4.300000']); // one per neuron
    expect(layerOutput([1, 2, 3], W, b).map((v) => v.toFixed(6))).toEqual(byHand.map((v) => v.toFixed(6)));
  });
});

describe('activations', () => {
  it('plots the curves from the tensor ops', () => {
    const g = curve('gelu', -2, 2, 5);
    expect(g.ys.map((y) => y.toFixed(3))).toEqual(['-0.046', '-0.159', '0.000', '0.841', '1.954']);
    expect(curve('relu', -1, 1, 3).ys).toEqual([0, 0, 1]);
  });
  it('softmax of (2, 1, 0) is about 0.665, 0.245, 0.090; temperature sharpens and flattens it', () => {
    expect(softmaxOf([2, 1, 0]).map((p) => p.toFixed(3))).toEqual(['0.665', '0.245', '0.090']);
    expect(softmaxOf([2, 1, 0], 0.5).map((p) => p.toFixed(3))).toEqual(['0.867', '0.117', '0.016']);
    expect(softmaxOf([2, 1, 0], 2).map((p) => p.toFixed(3))).toEqual(['0.506', '0.307', '0.186']);
  });
  it('a stack of linear layers is one matrix; a ReLU between them is not', () => {
    const r = linearCollapse(3);
    expect(r.W).toHaveLength(3);
    expect(r.W[0]).toHaveLength(2);
    expect(r.maxDiff).toBeLessThan(1e-12);
    expect(Math.max(...r.additivity.linear.map(Math.abs))).toBeLessThan(1e-12);
    expect(Math.max(...r.additivity.relu.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('layers and the forward pass', () => {
  it('runs each layer and reports its shapes', () => {
    const rows = layerShapes({ seqLen: 8, embedDim: 16, vocabSize: 65, nHead: 4 });
    expect(rows.map((r) => [r.module, r.input, r.output])).toEqual([
      ['Embedding', [8], [8, 16]],
      ['LayerNorm', [8, 16], [8, 16]],
      ['CausalSelfAttention', [8, 16], [8, 16]],
      ['FeedForward', [8, 16], [8, 16]],
      ['Linear', [8, 16], [8, 65]],
    ]);
    expect(rows.map((r) => r.parameters)).toEqual([
      65 * 16,
      32,
      4 * 16 * 16 + 4 * 16,
      8 * 16 * 16 + 5 * 16,
      65 * 16,
    ]);
  });
  it("traces a real GPT's forward pass, stage by stage, to the model's own logits", () => {
    const { model, tok } = tinyModel('abcdefghijklmnopqrstuvwxyz .');
    const t = traceForward(model, tok, 'hello world!'); // "!" is not in the vocabulary
    expect(t.tokens.join('')).toBe('hello world');
    expect(t.left).toEqual({ unknown: ['!'], cropped: 0 }); // and it says so
    expect(t.stages.map((s) => s.shape)).toEqual([
      [11],
      [11, 32],
      [11, 32],
      [11, 32],
      [11, 32],
      [11, 32],
      [11, 32],
      [11, 28],
    ]);
    expect(t.check).toBeLessThan(1e-5);
    expect(t.next).toHaveLength(5);
    expect(t.next.reduce((s, n) => s + n.p, 0)).toBeLessThan(1);
    const long = traceForward(model, tok, `é${'x'.repeat(50)}é!`);
    expect(long.ids).toHaveLength(32); // cropped to the block size
    expect(long.left).toEqual({ unknown: ['é', '!'], cropped: 18 });
  });
});

describe('loss and backpropagation', () => {
  it('cross-entropy of chapter 7, with the gradient p − onehot from backward()', () => {
    const r = crossEntropyOf([2, 1, 0], 0);
    expect(r.loss.toFixed(3)).toBe('0.408');
    expect(r.gradient.map((g) => g.toFixed(3))).toEqual(['-0.335', '0.245', '0.090']);
    expect(crossEntropyOf([2, 1, 0], 2).loss.toFixed(3)).toBe('2.408');
  });
  it('annotates the exported graph of chapter 8 with values and gradients', () => {
    const { graph, values, loss } = neuronGraph({ w: 0.5, b: 0.1, x: 2, t: 2 });
    expect(loss).toBeCloseTo(0.81, 12);
    const byLabel = (label: string) => graph.nodes.find((n) => n.label === label)!;
    expect(values.grad[byLabel('w').id][0]).toBeCloseTo(-3.6, 12);
    expect(values.grad[byLabel('b').id][0]).toBeCloseTo(-1.8, 12);
    expect(graph.nodes.filter((n) => n.kind === 'op').map((n) => n.op)).toEqual(['mul', 'sub', 'add', 'mul']);
    const consts = graph.nodes.filter((n) => n.kind === 'constant');
    expect(consts.map((n) => values.name[n.id]).sort()).toEqual(['t', 'x']);
    for (const n of graph.nodes) expect(values.value[n.id], n.id).toBeDefined();
    const add = graph.nodes.find((n) => n.op === 'add')!;
    expect(values.value[add.id][0]).toBeCloseTo(1.1, 12); // y
    expect(values.grad[add.id][0]).toBeCloseTo(-1.8, 12); // dL/dy
  });
  it('the three-input neuron: ReLU passes the gradient only when active', () => {
    const on = vectorNeuronGraph({ w: [0.4, 0.3, -0.6], b: 0.1, x: [2, -1, 0.5], t: 1 });
    const w = on.graph.nodes.find((n) => n.label === 'w')!;
    expect(on.values.grad[w.id].map((g) => g.toFixed(2))).toEqual(['-2.80', '1.40', '-0.70']); // 2(0.3 − 1)·x
    const off = vectorNeuronGraph({ w: [0.4, 0.3, -0.6], b: -0.5, x: [2, -1, 0.5], t: 1 });
    const offGrad = off.values.grad[off.graph.nodes.find((n) => n.label === 'w')!.id];
    expect(offGrad.map((g) => g === 0)).toEqual([true, true, true]);
  });
  it('lays the graph out left to right, inputs first', () => {
    const { graph } = neuronGraph({ w: 0.5, b: 0.1, x: 2, t: 2 });
    const layout = layoutGraph(graph);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges) {
      expect(at.get(e.from)!.layer).toBeLessThan(at.get(e.to)!.layer);
      expect(e.path).toMatch(/^M[\d.-]+,[\d.-]+ C/);
    }
    expect(at.get(graph.output)!.layer).toBe(Math.max(...layout.nodes.map((n) => n.layer)));
    expect(layout.width).toBeGreaterThan(0);
  });
  it('keeps boxes as wide as their text inside the picture, and apart', () => {
    const { graph } = vectorNeuronGraph({ w: [0.4, 0.3, -0.6], b: 0.1, x: [2, -1, 0.5], t: 1 });
    const layout = layoutGraph(graph, { x: 256, y: 78, pad: 50, half: 100 });
    for (const n of layout.nodes) {
      expect(n.x - layout.half).toBeGreaterThanOrEqual(0);
      expect(n.x + layout.half).toBeLessThanOrEqual(layout.width);
      for (const m of layout.nodes) {
        if (m !== n && m.layer !== n.layer) expect(Math.abs(m.x - n.x)).toBeGreaterThan(2 * layout.half);
      }
    }
  });
});

describe('gradient descent, the update table and AdamW', () => {
  it('learning rates: 0.1 converges, 0.001 crawls, 1.1 diverges', () => {
    expect(descend(0.1, 20)[20].w).toBeCloseTo(0.8 ** 20, 12);
    expect(verdict(descend(0.1))).toBe('converges');
    expect(verdict(descend(0.001))).toBe('crawls');
    expect(verdict(descend(1.1))).toBe('diverges');
    expect(verdict(descend(0.99))).toBe('oscillates');
    expect(descend(1.1, 4).map((p) => p.w.toFixed(3))).toEqual([
      '1.000',
      '-1.200',
      '1.440',
      '-1.728',
      '2.074',
    ]);
  });
  it('one SGD step at lr 0.01 gives the course table', () => {
    expect(updateStep(0.01).map((r) => trimmed(r.after))).toEqual(['0.8488', '−0.4292', '0.20995', '0.2965']);
  });
  it("AdamW's first step moves every weight by about the learning rate", () => {
    const big = adamFirstStep(0.12);
    expect(big.m).toBeCloseTo(0.012, 12);
    expect(big.v).toBeCloseTo(0.0000144, 12);
    expect(big.mHat).toBeCloseTo(0.12, 12);
    expect(big.moved).toBeCloseTo(0.001, 6);
    expect(adamFirstStep(0.0003).moved).toBeCloseTo(0.001, 5);
  });
  it('on badly scaled weights SGD leaves the small one behind; AdamW moves both', () => {
    const sgd = trajectory('sgd', 0.015, 60);
    const adam = trajectory('adamw', 0.05, 60);
    expect(sgd.a.at(-1)!).toBeLessThan(1e-6);
    expect(sgd.b.at(-1)!).toBeGreaterThan(0.99);
    expect(adam.b.at(-1)!).toBeLessThan(0.1);
    expect(trajectory('sgd', 0.03, 60).loss.at(-1)!).toBeGreaterThan(1e6); // too large for a: diverges
  });
});

describe('counting parameters and composing a GPT', () => {
  const course = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: true };
  it('the breakdown adds up to countParameters and to the built model (809,856)', () => {
    const { rows, total } = breakdown(course);
    expect(total).toBe(809_856);
    expect(rows.reduce((s, r) => s + r.count, 0)).toBe(total);
    expect(buildAndCount(course)).toBe(total);
    const noBias = { ...course, bias: false };
    expect(breakdown(noBias).rows.reduce((s, r) => s + r.count, 0)).toBe(breakdown(noBias).total);
  });
  it('groups the named parameters of a GPT by part', () => {
    const { parts, total } = modelParts({ ...course, nLayer: 1, nEmbd: 16, nHead: 2, blockSize: 8 });
    expect(parts.map((p) => p.part)).toEqual([
      'transformer.wte',
      'transformer.wpe',
      'transformer.h.0.ln_1',
      'transformer.h.0.attn',
      'transformer.h.0.ln_2',
      'transformer.h.0.mlp',
      'transformer.ln_f',
    ]);
    expect(parts.reduce((s, p) => s + p.count, 0)).toBe(total);
  });
});

describe('plots', () => {
  it('maps data to the box and breaks lines at non-finite points', () => {
    const s = scales({ width: 100, height: 50, pad: 0 }, [0, 1], [0, 1]);
    expect(linePath([0, 0.5, 1], [0, Number.NaN, 1], s)).toBe('M0.00,50.00M100.00,0.00');
    expect(extent([1, 2, Number.POSITIVE_INFINITY], 0)).toEqual([1, 2]);
  });
});

describe('the capstone trainer', () => {
  it('bundles the same corpus tiny-gpt trains on', () => {
    expect(chapterCount).toBe(16);
    expect(courseCorpus()).toBe(builtInCorpus());
  });
  it('trains on the course text: the loss falls within a few steps', async () => {
    const trainer = new TinyTrainer(courseCorpus());
    expect(trainer.backendName).toBe('cpu');
    for (let i = 0; i < 30; i++) await trainer.step();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(trainer.losses[0]).toBeGreaterThan(Math.log(trainer.config.vocabSize) - 0.5);
    expect(mean(trainer.losses.slice(-5))).toBeLessThan(mean(trainer.losses.slice(0, 5)) - 0.5);
    const text = await trainer.sample('The ', 20);
    expect(text.startsWith('The ')).toBe(true);
    expect(text.length).toBeGreaterThan(4);
  });
  it('trains on the wasm backend without changing the current one; its linear memory stays flat and is freed', async () => {
    expect(wasmSupport()).toEqual({ supported: true, reason: null }); // Node 20+ runs WebAssembly SIMD
    const before = { storages: liveStorageCount(), bytes: wasmMemory().bytesInUse };
    const trainer = new TinyTrainer(courseCorpus(), { backend: wasmBackend });
    expect(trainer.backendName).toBe('wasm');
    expect(trainer.model.parameters().every((p) => p.backend === wasmBackend)).toBe(true);
    expect(getBackend()).toBe(cpuBackend); // other demos on the page keep the reference backend
    await trainer.step(); // the first step makes the gradients and AdamW's state
    const held = { storages: liveStorageCount(), bytes: wasmMemory().bytesInUse };
    for (let i = 1; i < 30; i++) await trainer.step();
    expect(liveStorageCount()).toBe(held.storages);
    expect(wasmMemory().bytesInUse).toBe(held.bytes);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(trainer.losses[0]).toBeGreaterThan(Math.log(trainer.config.vocabSize) - 0.5);
    expect(mean(trainer.losses.slice(-5))).toBeLessThan(mean(trainer.losses.slice(0, 5)) - 0.5);
    const text = await trainer.sample('The ', 40); // generate's token tensors are on cpu: copied over
    expect(text.startsWith('The ')).toBe(true);
    expect(text.length).toBeGreaterThan(4);
    expect(liveStorageCount()).toBe(held.storages);
    expect(getBackend()).toBe(cpuBackend);
    trainer.dispose();
    expect(liveStorageCount()).toBe(before.storages);
    expect(wasmMemory().bytesInUse).toBe(before.bytes);
  });
  it('the same seed trains to the same losses on both backends (float32 rounding apart)', async () => {
    const [cpu, wasm] = [cpuBackend, wasmBackend].map(
      (backend) =>
        new TinyTrainer(courseCorpus(), { backend, nLayer: 1, nEmbd: 16, blockSize: 16, batch: 4 }),
    );
    for (let i = 0; i < 5; i++) {
      const [a, b] = [await cpu.step(), await wasm.step()];
      expect(Math.abs(a - b)).toBeLessThan(1e-3);
    }
    cpu.dispose();
    wasm.dispose();
  });
});
