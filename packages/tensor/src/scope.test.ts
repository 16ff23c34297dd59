import { describe, expect, it } from 'vitest';
import type { Backend, Handle } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { ones, tensor, zeros } from './creation.js';
import { DisposedError, ValueError } from './errors.js';
import { keep, scopeDepth, tidy } from './scope.js';
import { liveStorageCount } from './storage.js';
import type { Tensor } from './tensor.js';
import { expectTensor } from './test-utils.js';

/** The CPU backend posing as a device whose memory the GC does not reclaim, recording every free. */
function trackedBackend(name: string): { backend: Backend; freed: Handle[] } {
  const freed: Handle[] = [];
  const backend: Backend = {
    ...cpuBackend,
    name,
    gcManaged: false,
    free(h: Handle): void {
      freed.push(h);
    },
  };
  return { backend, freed };
}

describe('tidy', () => {
  it('disposes tensors created inside except the returned one', () => {
    let a: Tensor | undefined;
    let b: Tensor | undefined;
    const out = tidy(() => {
      a = ones([2]);
      b = a.add(1);
      return b.mul(2);
    });
    expect(a?.isDisposed).toBe(true);
    expect(b?.isDisposed).toBe(true);
    expect(out.isDisposed).toBe(false);
    expectTensor(out, [4, 4]);
  });

  it('keeps every tensor found in a returned array, object or Map', () => {
    const r = tidy(() => {
      const x = ones([1]);
      const y = zeros([1]);
      const z = ones([2]);
      const w = zeros([3]);
      return { pair: [x, y], nested: { z }, map: new Map([['w', w]]), n: 3 };
    });
    expect(r.pair.every((t) => !t.isDisposed)).toBe(true);
    expect(r.nested.z.isDisposed).toBe(false);
    expect(r.map.get('w')?.isDisposed).toBe(false);
    expect(r.n).toBe(3);
  });

  it('keep() saves a tensor from every enclosing scope', () => {
    let kept: Tensor | undefined;
    let dropped: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(ones([1]));
        dropped = ones([1]);
      });
      expect(dropped?.isDisposed).toBe(true);
      expect(kept?.isDisposed).toBe(false);
    });
    expect(kept?.isDisposed).toBe(false);
    expectTensor(kept as Tensor, [1]);
  });

  it('hands a returned tensor to the enclosing scope, which disposes it unless it returns it too', () => {
    let inner: Tensor | undefined;
    let innerScratch: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => {
        innerScratch = ones([1]);
        return ones([2]);
      });
      expect(innerScratch?.isDisposed).toBe(true);
      expect(inner.isDisposed).toBe(false);
      expect(scopeDepth()).toBe(1);
      return inner.add(1);
    });
    expect(inner?.isDisposed).toBe(true);
    expect(outer.isDisposed).toBe(false);
    expect(scopeDepth()).toBe(0);
  });

  it('does not dispose tensors created outside the scope, even when returning them', () => {
    const outside = ones([2]);
    const same = tidy(() => {
      outside.add(1);
      return outside;
    });
    expect(same).toBe(outside);
    expect(outside.isDisposed).toBe(false);
    tidy(() => {
      outside.reshape(2, 1);
    });
    expect(outside.isDisposed).toBe(false);
  });

  it('disposes everything and rethrows when the function throws', () => {
    let t: Tensor | undefined;
    const boom = new Error('boom');
    expect(() =>
      tidy(() => {
        t = ones([3]);
        throw boom;
      }),
    ).toThrow(boom);
    expect(t?.isDisposed).toBe(true);
    expect(scopeDepth()).toBe(0);
  });

  it('rejects a function that returns a Promise, disposing what it made', () => {
    let t: Tensor | undefined;
    expect(() =>
      tidy(async () => {
        t = ones([1]);
        return t;
      }),
    ).toThrow(ValueError);
    expect(() => tidy(() => Promise.resolve(1))).toThrow(
      /tidy: the function returned a Promise; tidy scopes must be synchronous/,
    );
    expect(t?.isDisposed).toBe(true);
    expect(scopeDepth()).toBe(0);
  });

  it('takes an optional name and rejects a missing function', () => {
    expectTensor(
      tidy('named', () => ones([1])),
      [1],
    );
    expect(() => tidy('name only' as never)).toThrow(/tidy: expected a function/);
  });

  it('returns a live view of a tensor it disposed: the storage stays until the view goes', () => {
    const v = tidy(() =>
      tensor([
        [1, 2],
        [3, 4],
      ]).transpose(0, 1),
    );
    expectTensor(v, [
      [1, 3],
      [2, 4],
    ]);
  });
});

describe('dispose and DisposedError', () => {
  it('using a disposed tensor throws a DisposedError naming the op', async () => {
    const t = tensor([1, 2]);
    t.dispose();
    t.dispose(); // twice is fine
    expect(t.isDisposed).toBe(true);
    expect(() => t.add(1)).toThrow(DisposedError);
    expect(() => t.add(1)).toThrow(/add: tensor #\d+ \[2\] float32 was disposed/);
    expect(() => t.exp()).toThrow(DisposedError);
    expect(() => t.sum()).toThrow(DisposedError);
    expect(() => t.reshape(2, 1)).toThrow(DisposedError);
    expect(() => t.matmul(tensor([1, 2]))).toThrow(DisposedError);
    expect(() => t.dataSync()).toThrow(/dataSync: tensor #\d+ \[2\] float32 was disposed/);
    await expect(t.data()).rejects.toThrow(DisposedError);
    expect(() => tensor([1]).add(t)).toThrow(DisposedError);
    expect(t.toString()).toBe('tensor(<disposed> shape=[2], dtype=float32)');
  });

  it('views keep the storage alive until the last one is disposed', () => {
    const { backend, freed } = trackedBackend('tracked-views');
    const base = tensor([1, 2, 3, 4], { backend });
    const storage = base.backendView().handle;
    const v1 = base.reshape(2, 2);
    const v2 = base.slice(0, 1);
    base.dispose();
    expect(freed).not.toContain(storage);
    expectTensor(v1, [
      [1, 2],
      [3, 4],
    ]);
    v1.dispose();
    expect(freed).not.toContain(storage);
    expectTensor(v2, [2, 3, 4]); // reading a strided view frees its temporary copy, not the storage
    v2.dispose();
    expect(freed.filter((h) => h === storage)).toHaveLength(1);
    expect(() => v2.dataSync()).toThrow(DisposedError);
  });

  it('tidy frees device memory of intermediates exactly once, and liveStorageCount follows it', () => {
    const { backend, freed } = trackedBackend('tracked-tidy');
    const before = liveStorageCount();
    const x = tensor([1, 2, 3], { backend });
    expect(liveStorageCount()).toBe(before + 1);
    const y = tidy(() => x.add(x).exp().log());
    expect(freed).toHaveLength(2); // the add and exp outputs; the log output is returned
    expect(liveStorageCount()).toBe(before + 2);
    expectTensor(y, [2, 4, 6]);
    tidy(() => {
      x.mul(3); // the 0-d tensor made for the number 3 is an intermediate too
    });
    expect(freed).toHaveLength(4);
    x.dispose();
    y.dispose();
    y.dispose();
    expect(freed).toHaveLength(6);
    expect(new Set(freed).size).toBe(6);
    expect(liveStorageCount()).toBe(before);
  });

  it('assign rebinds a tensor to new values, releasing its old storage', () => {
    const { backend, freed } = trackedBackend('tracked-assign');
    const w = tensor([1, 2], { backend });
    const id = w.id;
    const next = w.sub(1);
    w.assign(next);
    expect(w.id).toBe(id);
    expect(freed).toHaveLength(1);
    expectTensor(w, [0, 1]);
    expect(w.sharesStorageWith(next)).toBe(true);
    next.dispose();
    expectTensor(w, [0, 1]);
    expect(() => w.assign(tensor([1, 2, 3], { backend }))).toThrow(
      /assign: cannot assign \[3\] to a tensor of shape \[2\]/,
    );
    expect(() => w.assign(tensor([1, 2], { backend, dtype: 'int32' }))).toThrow(
      /assign: cannot assign int32 to a float32 tensor/,
    );
    expect(() => w.assign(tensor([1, 2]))).toThrow(
      /assign: source is on backend 'cpu', target on 'tracked-assign'/,
    );
  });
});
