// Saving weights works on a device that reads only asynchronously (WebGPU is one) through the
// async calls; the synchronous ones refuse there with a BackendError naming the async call.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, BackendError, cpuBackend, Generator, tensor, ValueError } from '@dendrite/tensor';
import { createAsyncOnlyBackend } from '@dendrite/tensor/backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sequential } from './containers.js';
import { decodeSafetensors, encodeSafetensors, encodeSafetensorsAsync, serializeStateDict } from './index.js';
import { ReLU } from './layers/activations.js';
import { Linear } from './layers/linear.js';
import { loadWeights, saveWeights } from './node.js';

const device = createAsyncOnlyBackend({ name: 'async-device' });

/** The same small network (same seed) on `backend`. */
function net(backend: Backend, seed = 7): Sequential {
  const generator = new Generator(seed);
  return new Sequential(
    new Linear(3, 4, { backend, generator }),
    new ReLU(),
    new Linear(4, 2, { backend, generator }),
  );
}

const steps = { dtype: 'int32' as const, shape: [1], data: new Int32Array([12]) };

describe('safetensors on an async-only backend', () => {
  it('encodeSafetensorsAsync gives the bytes encodeSafetensors gives on the CPU, entries mixed in', async () => {
    const onDevice = { ...net(device).stateDict(), steps };
    const onCpu = { ...net(cpuBackend).stateDict(), steps };
    const bytes = await encodeSafetensorsAsync(onDevice, { format: 'pt' });
    expect(bytes).toEqual(encodeSafetensors(onCpu, { format: 'pt' }));
    expect(decodeSafetensors(bytes).tensors.steps.data).toEqual(new Int32Array([12]));
  });

  it('serializeStateDict of a model on the device gives the CPU model bytes', async () => {
    expect(await serializeStateDict(net(device).stateDict())).toEqual(
      encodeSafetensors(net(cpuBackend).stateDict()),
    );
  });

  it('encodeSafetensors refuses a device tensor, naming it, the backend and the async calls', () => {
    const sd = net(device).stateDict();
    expect(() => encodeSafetensors(sd)).toThrow(BackendError);
    expect(() => encodeSafetensors(sd)).toThrow(
      "encodeSafetensors: tensor '0.bias' is on backend 'async-device' and cannot be read synchronously; use `await encodeSafetensorsAsync(...)` (or `await serializeStateDict(...)`) for tensors on this backend",
    );
  });

  it('encodeSafetensorsAsync checks its arguments by its own name', async () => {
    await expect(encodeSafetensorsAsync([] as never)).rejects.toThrow(
      /^encodeSafetensorsAsync: expected an object of tensors by name/,
    );
    const w = tensor([1], { backend: device });
    await expect(encodeSafetensorsAsync({ __metadata__: w })).rejects.toThrow(ValueError);
    await expect(encodeSafetensorsAsync({ __metadata__: w })).rejects.toThrow(
      "encodeSafetensorsAsync: '__metadata__' is reserved for metadata, not a tensor name",
    );
    await expect(encodeSafetensorsAsync({ w }, { n: 1 as never })).rejects.toThrow(/metadata\["n"\]/);
  });
});

describe('state dicts between an async-only backend and the CPU', () => {
  it('a CPU state dict loads into a model on the device', async () => {
    const model = net(device, 1);
    model.loadStateDict(net(cpuBackend, 2).stateDict());
    expect(await serializeStateDict(model.stateDict())).toEqual(
      encodeSafetensors(net(cpuBackend, 2).stateDict()),
    );
  });

  it('loadStateDict of device tensors into a CPU model refuses before changing anything, naming the way', async () => {
    const model = net(cpuBackend, 1);
    const before = encodeSafetensors(model.stateDict());
    const source = net(device, 2).stateDict();
    expect(() => model.loadStateDict(source)).toThrow(BackendError);
    expect(() => model.loadStateDict(source)).toThrow(
      "loadStateDict into Sequential: '0.weight' is on backend 'async-device', which cannot read synchronously, so it cannot be copied to 'cpu'; read the state dict first: loadStateDict(decodeSafetensors(await serializeStateDict(stateDict)))",
    );
    expect(encodeSafetensors(model.stateDict())).toEqual(before);
    // The way the message names works.
    model.loadStateDict(decodeSafetensors(await serializeStateDict(source)));
    expect(encodeSafetensors(model.stateDict())).toEqual(encodeSafetensors(net(cpuBackend, 2).stateDict()));
  });
});

describe('weight files (@dendrite/nn/node) on an async-only backend', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dendrite-async-weights-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saveWeights from the device, loadWeights into a CPU model and back into the device', async () => {
    const path = join(dir, 'model.safetensors');
    await saveWeights(net(device, 3), path, { step: '5' });
    const cpuModel = net(cpuBackend, 4);
    expect((await loadWeights(cpuModel, path)).metadata).toEqual({ step: '5' });
    expect(encodeSafetensors(cpuModel.stateDict())).toEqual(
      encodeSafetensors(net(cpuBackend, 3).stateDict()),
    );
    const deviceModel = net(device, 4);
    await loadWeights(deviceModel, path);
    expect(await serializeStateDict(deviceModel.stateDict())).toEqual(
      encodeSafetensors(net(cpuBackend, 3).stateDict()),
    );
  });
});
