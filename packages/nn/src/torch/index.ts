/**
 * PyTorch's own checkpoint files (`torch.save` / `torch.load`, the `.pt` zip format), read and
 * written without PyTorch: for nanoGPT's `ckpt.pt` and any checkpoint of tensors and plain values.
 */
export { TorchCheckpointError } from './errors.js';
export { decodePickle, encodePickle } from './pickle.js';
export {
  type DecodeTorchSaveOptions,
  decodeTorchSave,
  type EncodeTorchSaveOptions,
  encodeTorchSave,
} from './torch-save.js';
export { PyFloat, PyTuple, type PyValue, TorchTensor } from './values.js';
