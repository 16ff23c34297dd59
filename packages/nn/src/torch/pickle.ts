/**
 * Plain Python pickles (not `torch.save` zips) of the values in ./values.ts: what nanoGPT's
 * `meta.pkl` holds (a character vocabulary's `stoi` and `itos`). Tensors have no place in them.
 */
import { TorchCheckpointError } from './errors.js';
import { readPickle } from './pickle-read.js';
import { PickleWriter } from './pickle-write.js';
import type { PyValue } from './values.js';

/**
 * The bytes `pickle.dumps(value, protocol=2)` gives for `value` (see `PyValue` for how JavaScript
 * values map to Python's); TorchTensors are refused (use `encodeTorchSave`).
 *
 * @example
 * const meta = encodePickle({ vocab_size: 3, itos: new Map([[0, 'a'], [1, 'b'], [2, 'c']]) });
 */
export function encodePickle(value: PyValue): Uint8Array {
  const writer = new PickleWriter((_w, _t, path) => {
    throw new TorchCheckpointError(`${path}: a tensor in a plain pickle; use encodeTorchSave for tensors`);
  });
  return writer.finish(value);
}

/**
 * The value of a plain pickle of Python values (`pickle.loads`, protocols 2 to 5): dicts as Maps,
 * tuples as PyTuples. Nothing in it is run: any class other than `collections.OrderedDict` is
 * refused, naming it.
 *
 * @param where names the bytes in errors (a file name).
 */
export function decodePickle(bytes: Uint8Array, where = 'pickle'): PyValue {
  const globals = new Map<string, unknown>([['collections.OrderedDict', () => new Map()]]);
  return readPickle(bytes, {
    where,
    globals,
    persistentLoad() {
      throw new TorchCheckpointError(`${where}: a persistent id (a torch.save storage) in a plain pickle`);
    },
  }) as PyValue;
}
