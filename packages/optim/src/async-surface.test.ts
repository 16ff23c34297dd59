// Everything optim reads back works on a device that reads only asynchronously (WebGPU is one);
// the synchronous forms refuse there with a BackendError that names the async form.
import '@dendrite/autograd';
import { type Backend, BackendError, cpuBackend, type Tensor, tensor } from '@dendrite/tensor';
import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adam.js';
import { clipGradNorm, clipGradNormSync } from './clip.js';
import { optimizerStateToJSON, optimizerStateToJSONSync } from './state-dict.js';

const device = createAsyncOnlyBackend({ name: 'async-device' });

const WEIGHTS = [
  [0.5, -1.5, 2],
  [1, 0.25, -0.75],
];
const GRADS = [
  [3, -4, 1],
  [0.5, 2, -2],
];

/** Parameters with gradients set, on `backend`. */
function paramsOn(backend: Backend): Tensor[] {
  return WEIGHTS.map((w, i) => {
    const p = tensor(w, { backend }).requiresGrad_();
    p.grad = tensor(GRADS[i], { backend });
    return p;
  });
}

async function gradValues(params: Tensor[]): Promise<number[][]> {
  return Promise.all(params.map(async (p) => Array.from(await (p.grad as Tensor).data())));
}

describe('clipGradNorm on an async-only backend', () => {
  for (const normType of [2, 1, 3, Number.POSITIVE_INFINITY]) {
    it(`gives the CPU's norm and clipped gradients (p = ${normType})`, async () => {
      const onDevice = paramsOn(device);
      const onCpu = paramsOn(cpuBackend);
      const norm = clipGradNorm(onDevice, 1, { normType });
      expect(norm.backend).toBe(device);
      expect(await norm.item()).toBe(clipGradNorm(onCpu, 1, { normType }).itemSync());
      expect(await gradValues(onDevice)).toEqual(await gradValues(onCpu));
    });
  }

  it('clipGradNormSync refuses before clipping anything, naming the backend and the async form', async () => {
    const params = paramsOn(device);
    expect(() => clipGradNormSync(params, 1)).toThrow(BackendError);
    expect(() => clipGradNormSync(params, 1)).toThrow(
      "clipGradNormSync: backend 'async-device' cannot read synchronously, so the norm cannot be returned as a number (nothing was clipped); use 'await clipGradNorm(params, maxNorm).item()'",
    );
    expect(await gradValues(params)).toEqual(GRADS.map((g) => g.map(Math.fround)));
  });

  it('clipGradNormSync still reports bad options first, by its own name', () => {
    expect(() => clipGradNormSync(paramsOn(device), -1)).toThrow(/^clipGradNormSync: maxNorm must be/);
  });
});

describe('optimizer state export on an async-only backend', () => {
  /** Two AdamW steps, so the state holds moments and counters. */
  function trained(backend: Backend): AdamW {
    const params = paramsOn(backend);
    const opt = new AdamW(params, { lr: 0.1 });
    opt.step();
    params.forEach((p, i) => {
      p.grad = tensor(GRADS[1 - i], { backend });
    });
    opt.step();
    return opt;
  }

  it('optimizerStateToJSON gives the same JSON as on the CPU', async () => {
    const json = await optimizerStateToJSON(trained(device).stateDict());
    expect(json).toEqual(optimizerStateToJSONSync(trained(cpuBackend).stateDict()));
    expect(Object.keys(json.state[1])).toEqual(['step', 'expAvg', 'expAvgSq']);
  });

  it('optimizerStateToJSONSync refuses, naming the entry, the backend and the async form', () => {
    const sd = trained(device).stateDict();
    expect(() => optimizerStateToJSONSync(sd)).toThrow(BackendError);
    expect(() => optimizerStateToJSONSync(sd)).toThrow(
      "optimizerStateToJSONSync: state[0].expAvg is on backend 'async-device', which cannot read synchronously; use 'await optimizerStateToJSON(stateDict)'",
    );
  });

  it('a JSON state saved on the CPU loads into an optimizer on the device and continues the same', async () => {
    const cpuOpt = trained(cpuBackend);
    const json = optimizerStateToJSONSync(cpuOpt.stateDict());
    const params = paramsOn(device);
    const opt = new AdamW(params, { lr: 0.1 });
    opt.loadStateDict(json);
    expect(await optimizerStateToJSON(opt.stateDict())).toEqual(json);
  });
});
