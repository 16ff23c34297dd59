// The async surface of the packages above the tensor core, in every mode this machine runs:
// the async calls give the CPU's values (float32 rounding apart), and where the mode cannot read
// synchronously (webgpu) the synchronous calls refuse with a BackendError naming the async one.
import '@dendrite/autograd';
import { decodeSafetensors, encodeSafetensorsAsync, serializeStateDict } from '@dendrite/nn';
import {
  AdamW,
  clipGradNorm,
  clipGradNormSync,
  optimizerStateToJSON,
  optimizerStateToJSONSync,
} from '@dendrite/optim';
import { type Backend, BackendError, cpuBackend, type Tensor, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { backendFor, testModes } from './test/modes.js';

const TOL = 1e-5;

const WEIGHTS = [
  [0.5, -1.5, 2, 0.25],
  [1, 0.25, -0.75, 3],
];
const GRADS = [
  [3, -4, 1, 0.5],
  [0.5, 2, -2, 1.5],
];

function paramsOn(backend: Backend): Tensor[] {
  return WEIGHTS.map((w, i) => {
    const p = tensor(w, { backend }).requiresGrad_();
    p.grad = tensor(GRADS[i], { backend });
    return p;
  });
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > TOL * (1 + Math.abs(want[i]))) {
      throw new Error(`element ${i}: got ${got[i]}, CPU ${want[i]}`);
    }
  }
}

for (const mode of await testModes()) {
  describe(`the async surface on gpujs ${mode}`, () => {
    it('toAsync copies to the CPU; to() does where the mode reads synchronously, else refuses', async () => {
      const b = await backendFor(mode);
      const x = tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { backend: b },
      ).mul(2);
      const host = await x.transpose(0, 1).toAsync(cpuBackend);
      expect(host.backend).toBe(cpuBackend);
      expect(host.toArraySync()).toEqual([
        [2, 8],
        [4, 10],
        [6, 12],
      ]);
      if (b.canReadSync) expect(x.to(cpuBackend).toArraySync()).toEqual(await x.toArray());
      else expect(() => x.to(cpuBackend)).toThrow(/cannot read synchronously.*await t\.toAsync\(backend\)/);
    });

    it("gradients flow back through toAsync: computed on the CPU, the CPU's gradient lands on the device", async () => {
      // x on the device → (await) CPU → Σ eˣ·r there; dL/dx = r·eˣ, uploaded back onto the device.
      // (The reverse path cannot run in webgpu: the backward of a CPU → device move reads the
      // device's gradient synchronously, and autograd's backward is synchronous.)
      const r = tensor([0.5, -1, 2], { backend: cpuBackend });
      const b = await backendFor(mode);
      const x = tensor([0.1, -0.4, 0.7], { backend: b }).requiresGrad_();
      (await x.toAsync(cpuBackend)).exp().mul(r).sum().backward();
      const grad = x.grad as Tensor;
      expect(grad.backend).toBe(b);
      expectClose(
        await grad.data(),
        [0.1, -0.4, 0.7].map((v, i) => r.dataSync()[i] * Math.exp(v)),
      );
    });

    it("clipGradNorm gives the CPU's norm and gradients; clipGradNormSync only where it can read", async () => {
      const b = await backendFor(mode);
      const onDevice = paramsOn(b);
      const onCpu = paramsOn(cpuBackend);
      expectClose([await clipGradNorm(onDevice, 1).item()], [clipGradNormSync(onCpu, 1)]);
      for (let i = 0; i < onCpu.length; i++) {
        expectClose(await (onDevice[i].grad as Tensor).data(), (onCpu[i].grad as Tensor).dataSync());
      }
      if (!b.canReadSync) {
        expect(() => clipGradNormSync(paramsOn(b), 1)).toThrow(BackendError);
        expect(() => clipGradNormSync(paramsOn(b), 1)).toThrow(/^clipGradNormSync: backend '.*' cannot read/);
      }
    });

    it("optimizerStateToJSON gives the CPU's state after AdamW steps", async () => {
      const b = await backendFor(mode);
      const stepped = (backend: Backend) => {
        const params = paramsOn(backend);
        const opt = new AdamW(params, { lr: 0.1 });
        opt.step();
        opt.step();
        return opt.stateDict();
      };
      const got = await optimizerStateToJSON(stepped(b));
      const want = optimizerStateToJSONSync(stepped(cpuBackend));
      expect(Object.keys(got.state)).toEqual(Object.keys(want.state));
      for (const [index, entry] of Object.entries(want.state)) {
        for (const [key, v] of Object.entries(entry)) {
          const g = got.state[Number(index)][key];
          if (typeof v === 'number') expect(g).toBe(v);
          else if (typeof g !== 'number') expectClose(g.data, v.data);
        }
      }
      if (!b.canReadSync) expect(() => optimizerStateToJSONSync(stepped(b))).toThrow(BackendError);
    });

    it('safetensors bytes of device tensors decode to their values', async () => {
      const b = await backendFor(mode);
      const w = tensor(WEIGHTS, { backend: b });
      const n = tensor([7, 8], { backend: b, dtype: 'int32' });
      const fromState = decodeSafetensors(await serializeStateDict({ w, n })).tensors;
      const mixed = decodeSafetensors(
        await encodeSafetensorsAsync({ w, extra: { dtype: 'int32', shape: [1], data: new Int32Array([3]) } }),
      ).tensors;
      expect(Array.from(fromState.w.data)).toEqual(WEIGHTS.flat());
      expect(Array.from(fromState.n.data)).toEqual([7, 8]);
      expect(Array.from(mixed.w.data)).toEqual(WEIGHTS.flat());
      expect(Array.from(mixed.extra.data)).toEqual([3]);
    });
  });
}
