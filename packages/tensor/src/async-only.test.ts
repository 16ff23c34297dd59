import { describe, expect, it } from 'vitest';
import { createAsyncOnlyBackend } from './async-only.js';
import type { Backend } from './backend.js';
import { composeBackend, primitivesOf } from './compose.js';
import { cpuBackend } from './cpu/index.js';
import { tensor } from './creation.js';
import { type OpEvent, setOpHook } from './dispatch.js';
import { BackendError, DisposedError, DTypeError } from './errors.js';

const device = createAsyncOnlyBackend({ name: 'async-device' });
const noFloat64: Backend = { ...cpuBackend, name: 'no-f64', dtypes: new Set(['float32', 'int32', 'bool']) };

describe('createAsyncOnlyBackend', () => {
  it('computes as its base but reads only asynchronously', async () => {
    const x = tensor([[1, 2, 3]], { backend: device });
    const y = x.layerNorm(3).mul(2).add(x);
    const ref = tensor([[1, 2, 3]])
      .layerNorm(3)
      .mul(2)
      .add(tensor([[1, 2, 3]]));
    expect(device.canReadSync).toBe(false);
    expect(y.backend).toBe(device);
    expect(await y.data()).toEqual(ref.dataSync());
    expect(() => y.dataSync()).toThrow(BackendError);
    expect(() => device.readSync(y.backendView('test').handle, 'float32', 3)).toThrow(
      /readSync: backend 'async-device' cannot read synchronously/,
    );
  });

  it('the synchronous reads refuse under their own names, each naming its async form', async () => {
    const x = tensor([[1, 2]], { backend: device });
    const s = tensor(7, { backend: device });
    expect(() => x.dataSync()).toThrow(
      "dataSync: backend 'async-device' cannot read synchronously; use 'await t.data()'",
    );
    expect(() => x.toArraySync()).toThrow(
      "toArraySync: backend 'async-device' cannot read synchronously; use 'await t.toArray()'",
    );
    expect(() => s.itemSync()).toThrow(
      "itemSync: backend 'async-device' cannot read synchronously; use 'await t.item()'",
    );
    expect(await x.toArray()).toEqual([[1, 2]]);
    expect(await s.item()).toBe(7);
  });

  it('resolves a read on a later microtask, never in the caller turn', async () => {
    const x = tensor([5], { backend: device });
    let resolved = false;
    const read = x.data().then((v) => {
      resolved = true;
      return v;
    });
    expect(resolved).toBe(false);
    expect(Array.from(await read)).toEqual([5]);
  });

  it("names itself after its base unless told, and keeps the base's fused kernels", async () => {
    let calls = 0;
    const base = composeBackend(
      { ...primitivesOf(cpuBackend), name: 'base' },
      {
        layerNorm: (...args) => {
          calls++;
          return cpuBackend.layerNorm(...args);
        },
      },
    );
    const wrapped = createAsyncOnlyBackend({ base });
    expect(wrapped.name).toBe('base-async-only');
    const y = tensor([[1, 2, 3]], { backend: wrapped }).layerNorm(3);
    expect(calls).toBe(1);
    expect(await y.data()).toEqual(
      tensor([[1, 2, 3]])
        .layerNorm(3)
        .dataSync(),
    );
  });
});

describe('Tensor.to and Tensor.toAsync across backends', () => {
  it('to() from an async-only backend refuses with a BackendError naming both backends and toAsync', () => {
    const x = tensor([1, 2], { backend: device });
    expect(() => x.to(cpuBackend)).toThrow(BackendError);
    expect(() => x.to(cpuBackend)).toThrow(
      "to: backend 'async-device' cannot read synchronously, so its tensors cannot move to 'cpu' with to(); use 'await t.toAsync(backend)'",
    );
    // A dtype conversion reads nothing and works everywhere.
    expect(x.to('int32').backend).toBe(device);
  });

  it('toAsync copies from an async-only backend with the same values, shape and dtype', async () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { backend: device, dtype: 'float64' },
    );
    const view = x.transpose(0, 1); // a strided view is read in logical order
    const host = await view.toAsync(cpuBackend);
    expect(host.backend).toBe(cpuBackend);
    expect(host.dtype).toBe('float64');
    expect(host.shape).toEqual([3, 2]);
    expect(host.toArraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    // And back onto the device: the values survive the round trip.
    const back = await host.toAsync(device);
    expect(Array.from(await back.data())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('toAsync to its own backend or to a dtype gives what to() gives', async () => {
    const x = tensor([1.5, -2.5], { backend: device });
    expect(await x.toAsync(device)).toBe(x);
    const ints = await x.toAsync('int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(await ints.data())).toEqual([1, -2]);
  });

  it('toAsync reports the toBackend op, so autograd records the copy', async () => {
    const x = tensor([1, 2], { backend: device });
    const events: OpEvent[] = [];
    const previous = setOpHook((e) => events.push(e));
    try {
      const y = await x.toAsync(cpuBackend);
      expect(events.map((e) => e.op)).toEqual(['toBackend']);
      expect(events[0].inputs[0]).toBe(x);
      expect(events[0].output).toBe(y);
      expect(events[0].attrs).toEqual({ from: 'async-device', to: 'cpu' });
    } finally {
      setOpHook(previous);
    }
  });

  it('toAsync checks the target dtype and a disposed source before reading', async () => {
    const x = tensor([1, 2], { backend: device, dtype: 'float64' });
    await expect(x.toAsync(noFloat64)).rejects.toThrow(DTypeError);
    await expect(x.toAsync(noFloat64)).rejects.toThrow("toAsync: backend 'no-f64' does not support float64");
    x.dispose();
    await expect(x.toAsync(cpuBackend)).rejects.toThrow(DisposedError);
  });
});
