import type { Backend, View } from './backend.js';
import { type DType, isDType, isFloat, type TypedArray } from './dtype.js';
import { BackendError, DisposedError, DTypeError, ShapeError } from './errors.js';
import { formatTensor } from './format.js';
import * as cast from './ops/cast.js';
import * as causal from './ops/causal-softmax.js';
import * as ew from './ops/elementwise.js';
import type { IndexItem } from './ops/index-view.js';
import * as iv from './ops/index-view.js';
import * as idx from './ops/indexing.js';
import * as join from './ops/join.js';
import * as ln from './ops/layernorm.js';
import * as mm from './ops/matmul.js';
import * as red from './ops/reduce.js';
import * as scan from './ops/scan.js';
import * as sm from './ops/softmax.js';
import * as tri from './ops/triangular.js';
import * as views from './ops/views.js';
import { resolveBackend } from './registry.js';
import { TENSOR_MARK, trackTensor } from './scope.js';
import { contiguousStrides, fmtShape, isContiguous, type Shape, shapesEqual, sizeOf } from './shape.js';
import { Storage } from './storage.js';

/** Nested JS arrays of numbers (what `toArray()` returns for rank ≥ 1). */
export type NestedArray = number | NestedArray[];

/** A tensor argument or a plain number (broadcast as a 0-d tensor of a fitting dtype). */
export type TensorOrScalar = Tensor | number;

let nextTensorId = 1;

/**
 * An N-dimensional array on a backend: shape, strides, dtype and a view into shared storage.
 *
 * Ops are synchronous and return new tensors; views (reshape, transpose, slice, expand) share
 * storage. Read values with `await t.data()` (every backend) or `t.dataSync()` (where the
 * backend can). Tensors are created with factory functions (`tensor`, `zeros`, `randn`, …).
 */
export class Tensor {
  /** @internal how `tidy` recognises a tensor in what a scope returns (see scope.ts). */
  declare readonly [TENSOR_MARK]: true;
  static {
    Object.defineProperty(Tensor.prototype, TENSOR_MARK, { value: true });
  }

  /** Process-unique id, handy in graph exports and debugging. */
  readonly id: number;
  /**
   * Extension slot owned by whoever installed the op hook (`@dendrite/autograd` keeps gradient
   * bookkeeping here). The tensor core never reads it.
   */
  meta: unknown = undefined;
  private _storage: Storage;
  private _shape: readonly number[];
  private _strides: readonly number[];
  private _offset: number;
  private _dtype: DType;
  private _disposed = false;

  /** @internal tensors are made by factory functions and ops; see {@link Tensor.fromHandle}. */
  constructor(
    storage: Storage,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
    dtype: DType,
  ) {
    this.id = nextTensorId++;
    this._storage = storage;
    this._shape = Object.freeze([...shape]);
    this._strides = Object.freeze([...strides]);
    this._offset = offset;
    this._dtype = dtype;
    storage.retain();
    trackTensor(this);
  }

  /** @internal Wraps a fresh contiguous backend handle. */
  static fromHandle(backend: Backend, handle: View['handle'], shape: Shape, dtype: DType): Tensor {
    const size = sizeOf(shape);
    return new Tensor(new Storage(backend, handle, dtype, size), shape, contiguousStrides(shape), 0, dtype);
  }

  /**
   * @internal A tensor over a view of a handle the caller owns (nothing is freed when it is
   * disposed): how a fused kernel's default runs tensor ops on its input views.
   */
  static borrow(backend: Backend, view: View): Tensor {
    let size = view.offset + 1;
    for (let d = 0; d < view.shape.length; d++) size += (view.shape[d] - 1) * Math.abs(view.strides[d]);
    if (sizeOf(view.shape) === 0) size = 0;
    const storage = new Storage(backend, view.handle, view.dtype, size, false);
    return new Tensor(storage, view.shape, view.strides, view.offset, view.dtype);
  }

  /**
   * @internal Ends this tensor and returns a contiguous handle of its values that the caller now
   * owns: its own storage's handle when it is the only, contiguous view of all of it, else a copy.
   */
  takeHandle(): View['handle'] {
    this.assertLive('takeHandle');
    const whole = this.isContiguous && this._offset === 0 && this.size === this._storage.size;
    const handle =
      whole && this._storage.takeable
        ? this._storage.take()
        : this.backend.copy(this.backendView('takeHandle'));
    this.dispose();
    return handle;
  }

  /** @internal A new tensor object viewing this one's storage with other shape/strides/offset. */
  static viewOf(base: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
    base.assertLive('view');
    return new Tensor(base._storage, shape, strides, offset, base._dtype);
  }

  get shape(): readonly number[] {
    return this._shape;
  }
  get strides(): readonly number[] {
    return this._strides;
  }
  get offset(): number {
    return this._offset;
  }
  get dtype(): DType {
    return this._dtype;
  }
  get backend(): Backend {
    return this._storage.backend;
  }
  /** Number of elements. */
  get size(): number {
    return sizeOf(this._shape);
  }
  /** Number of dimensions (PyTorch's `ndim`). */
  get rank(): number {
    return this._shape.length;
  }
  get ndim(): number {
    return this._shape.length;
  }
  get isDisposed(): boolean {
    return this._disposed;
  }
  /** Whether elements are laid out row-major without gaps. */
  get isContiguous(): boolean {
    return isContiguous(this._shape, this._strides);
  }
  /** Whether this tensor and `other` view the same storage. */
  sharesStorageWith(other: Tensor): boolean {
    return this._storage === other._storage;
  }

  /** @internal The backend-facing view of this tensor; throws `DisposedError` if disposed. */
  backendView(op = 'op'): View {
    this.assertLive(op);
    return {
      handle: this._storage.handle,
      dtype: this._dtype,
      shape: this._shape,
      strides: this._strides,
      offset: this._offset,
    };
  }

  /** @internal */
  assertLive(op: string): void {
    if (this._disposed) {
      throw new DisposedError(
        `${op}: tensor #${this.id} ${fmtShape(this._shape)} ${this._dtype} was disposed`,
      );
    }
  }

  /** Frees this tensor's hold on its storage (freed when no view uses it). Safe to call twice. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._storage.release();
  }

  /**
   * A new tensor object over the same storage, shape and strides, not reported to the op hook
   * (`detach()` in `@dendrite/autograd` is built on it).
   */
  alias(): Tensor {
    return Tensor.viewOf(this, this._shape, this._strides, this._offset);
  }

  /**
   * Rebinds this tensor to the values of `src` (same shape, dtype and backend), keeping its
   * identity: how optimizers update parameters without in-place kernels. Other views of the old
   * storage keep the old values.
   */
  assign(src: Tensor): this {
    this.assertLive('assign');
    src.assertLive('assign');
    if (!shapesEqual(src.shape, this.shape)) {
      throw new ShapeError(
        `assign: cannot assign ${fmtShape(src.shape)} to a tensor of shape ${fmtShape(this.shape)}`,
      );
    }
    if (src.dtype !== this.dtype)
      throw new DTypeError(`assign: cannot assign ${src.dtype} to a ${this.dtype} tensor`);
    if (src.backend !== this.backend) {
      throw new BackendError(
        `assign: source is on backend '${src.backend.name}', target on '${this.backend.name}'`,
      );
    }
    const next = src._storage;
    next.retain();
    this._storage.release();
    this._storage = next;
    this._strides = src._strides;
    this._offset = src._offset;
    return this;
  }

  /**
   * `to(target)` in place: this same object afterwards holds its values on another backend, or in
   * another dtype (PyTorch's `t.data = t.data.to(target)`). `Module.to` moves parameters this way,
   * so optimizers holding them keep working. Views made earlier keep the old storage. Returns `this`.
   */
  to_(target: DType | Backend | string): this {
    this.assertLive('to_');
    if (target === this._dtype) return this;
    const moved = this.to(target);
    if (moved === this) return this;
    const next = moved._storage;
    next.retain();
    this._storage.release();
    this._storage = next;
    this._strides = moved._strides;
    this._offset = moved._offset;
    this._dtype = moved._dtype;
    moved.dispose();
    return this;
  }

  /** Values as a flat typed array (row-major copy). Works on every backend. */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    const b = this.backend;
    if (this.isContiguous && this._offset === 0 && this.size === this._storage.size) {
      return b.read(this._storage.handle, this._dtype, this.size);
    }
    const tmp = b.copy(this.backendView('data'));
    try {
      return await b.read(tmp, this._dtype, this.size);
    } finally {
      b.free(tmp);
    }
  }

  /** Values as a flat typed array, synchronously; throws `BackendError` where the backend cannot. */
  dataSync(): TypedArray {
    return this.readNow('dataSync', 'await t.data()');
  }

  /** The synchronous read behind `dataSync`, `toArraySync` and `itemSync`, refusing under the caller's name. */
  private readNow(op: string, asyncForm: string): TypedArray {
    this.assertLive(op);
    const b = this.backend;
    if (!b.canReadSync) {
      throw new BackendError(`${op}: backend '${b.name}' cannot read synchronously; use '${asyncForm}'`);
    }
    if (this.isContiguous && this._offset === 0 && this.size === this._storage.size) {
      return b.readSync(this._storage.handle, this._dtype, this.size);
    }
    const tmp = b.copy(this.backendView(op));
    try {
      return b.readSync(tmp, this._dtype, this.size);
    } finally {
      b.free(tmp);
    }
  }

  /** Values as nested arrays (a number for a 0-d tensor). */
  async toArray(): Promise<NestedArray> {
    return nest(await this.data(), this._shape);
  }

  /** Values as nested arrays, synchronously; throws `BackendError` where the backend cannot. */
  toArraySync(): NestedArray {
    return nest(this.readNow('toArraySync', 'await t.toArray()'), this._shape);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    this.assertOneElement('item');
    return (await this.data())[0];
  }

  /** The single value, synchronously; throws `BackendError` where the backend cannot. */
  itemSync(): number {
    this.assertOneElement('itemSync');
    return this.readNow('itemSync', 'await t.item()')[0];
  }

  private assertOneElement(op: string): void {
    if (this.size !== 1) {
      throw new ShapeError(
        `${op}: only a one-element tensor has an item, got shape ${fmtShape(this._shape)}`,
      );
    }
  }

  /** PyTorch-style rendering (values when the backend reads synchronously). */
  toString(): string {
    if (this._disposed) return `tensor(<disposed> shape=${fmtShape(this._shape)}, dtype=${this._dtype})`;
    if (!this.backend.canReadSync) {
      return `tensor(shape=${fmtShape(this._shape)}, dtype=${this._dtype}, backend=${this.backend.name})`;
    }
    return formatTensor(this.dataSync(), this._shape, this._dtype);
  }

  // ---- conversion ----------------------------------------------------------------------------

  /**
   * Converts to another dtype, or copies to another backend (by instance or registered name).
   * Synchronous, as PyTorch's `.to()`: a copy to another backend reads the values on the host, so
   * from a backend that cannot read synchronously (`canReadSync` false: WebGPU) it throws a
   * `BackendError` pointing to {@link Tensor.toAsync}. A dtype conversion never reads and works
   * everywhere.
   */
  to(target: DType | Backend | string): Tensor {
    if (isDType(target)) return cast.cast(this, target);
    return cast.toBackend(this, resolveBackend(target as Backend | string, 'to'));
  }

  /**
   * {@link Tensor.to} through an asynchronous read, so a copy to another backend works from every
   * backend (a WebGPU tensor to the CPU, say): `const host = await t.toAsync(cpuBackend)`. The
   * result is a new tensor the caller owns (no `tidy` is open when it arrives); a dtype or the
   * tensor's own backend gives what `to` gives. Keep `this` alive until the promise settles.
   */
  async toAsync(target: DType | Backend | string): Promise<Tensor> {
    this.assertLive('toAsync');
    if (isDType(target)) return cast.cast(this, target);
    return cast.toBackendAsync(this, resolveBackend(target as Backend | string, 'toAsync'));
  }
  /** Shorthand for `to('float32')`. */
  float(): Tensor {
    return cast.cast(this, 'float32');
  }
  /** Shorthand for `to('float64')`. */
  double(): Tensor {
    return cast.cast(this, 'float64');
  }
  /** Shorthand for `to('int32')`. */
  int(): Tensor {
    return cast.cast(this, 'int32');
  }
  /** Whether this tensor holds floating-point values. */
  get isFloatingPoint(): boolean {
    return isFloat(this._dtype);
  }

  // ---- element-wise --------------------------------------------------------------------------
  add(other: TensorOrScalar): Tensor {
    return ew.add(this, other);
  }
  sub(other: TensorOrScalar): Tensor {
    return ew.sub(this, other);
  }
  mul(other: TensorOrScalar): Tensor {
    return ew.mul(this, other);
  }
  div(other: TensorOrScalar): Tensor {
    return ew.div(this, other);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return ew.pow(this, exponent);
  }
  maximum(other: TensorOrScalar): Tensor {
    return ew.maximum(this, other);
  }
  minimum(other: TensorOrScalar): Tensor {
    return ew.minimum(this, other);
  }
  eq(other: TensorOrScalar): Tensor {
    return ew.eq(this, other);
  }
  ne(other: TensorOrScalar): Tensor {
    return ew.ne(this, other);
  }
  lt(other: TensorOrScalar): Tensor {
    return ew.lt(this, other);
  }
  le(other: TensorOrScalar): Tensor {
    return ew.le(this, other);
  }
  gt(other: TensorOrScalar): Tensor {
    return ew.gt(this, other);
  }
  ge(other: TensorOrScalar): Tensor {
    return ew.ge(this, other);
  }
  neg(): Tensor {
    return ew.neg(this);
  }
  abs(): Tensor {
    return ew.abs(this);
  }
  sign(): Tensor {
    return ew.sign(this);
  }
  exp(): Tensor {
    return ew.exp(this);
  }
  log(): Tensor {
    return ew.log(this);
  }
  /** ln(1 + x), accurate near 0 (see {@link ew.log1p}). */
  log1p(): Tensor {
    return ew.log1p(this);
  }
  sqrt(): Tensor {
    return ew.sqrt(this);
  }
  rsqrt(): Tensor {
    return ew.rsqrt(this);
  }
  square(): Tensor {
    return ew.square(this);
  }
  tanh(): Tensor {
    return ew.tanh(this);
  }
  sigmoid(): Tensor {
    return ew.sigmoid(this);
  }
  relu(): Tensor {
    return ew.relu(this);
  }
  gelu(options?: ew.GeluOptions): Tensor {
    return ew.gelu(this, options);
  }
  sin(): Tensor {
    return ew.sin(this);
  }
  cos(): Tensor {
    return ew.cos(this);
  }
  erf(): Tensor {
    return ew.erf(this);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return ew.clamp(this, min, max);
  }
  /** `mask ? value : this` (mask is bool, broadcast to this shape). */
  maskedFill(mask: Tensor, value: number): Tensor {
    return ew.maskedFill(this, mask, value);
  }
  /** `condition ? this : other` (PyTorch's `x.where(cond, y)`). */
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return ew.where(condition, this, other);
  }

  // ---- reductions ----------------------------------------------------------------------------
  // Every reduction takes (axes, options): `keepdim` (and `correction` for var/std) as PyTorch's
  // keyword arguments; where PyTorch takes keepdim positionally, a bare boolean works too.
  sum(axis?: red.Axes, keepdim?: red.KeepDim): Tensor {
    return red.sum(this, axis, keepdim);
  }
  mean(axis?: red.Axes, keepdim?: red.KeepDim): Tensor {
    return red.mean(this, axis, keepdim);
  }
  /** `x.max()`: the largest element; `x.max(dim, keepdim?)`: `{ values, indices }` (see {@link red.max}); `x.max(other)`: element-wise. */
  max(): Tensor;
  max(dim: number, keepdim?: red.KeepDim): red.ValuesIndices;
  max(other: Tensor): Tensor;
  max(dim?: number | Tensor, keepdim?: red.KeepDim): Tensor | red.ValuesIndices {
    return red.extremeAlong('max', this, dim, keepdim);
  }
  /** `x.min()`: the smallest element; `x.min(dim, keepdim?)`: `{ values, indices }` (see {@link red.min}); `x.min(other)`: element-wise. */
  min(): Tensor;
  min(dim: number, keepdim?: red.KeepDim): red.ValuesIndices;
  min(other: Tensor): Tensor;
  min(dim?: number | Tensor, keepdim?: red.KeepDim): Tensor | red.ValuesIndices {
    return red.extremeAlong('min', this, dim, keepdim);
  }
  /** Largest values over one, several or all axes (`torch.amax`), values only. */
  amax(axis?: red.Axes, keepdim?: red.KeepDim): Tensor {
    return red.amax(this, axis, keepdim);
  }
  /** Smallest values over one, several or all axes (`torch.amin`), values only. */
  amin(axis?: red.Axes, keepdim?: red.KeepDim): Tensor {
    return red.amin(this, axis, keepdim);
  }
  /** Variance, `torch.var(x, dim, *, correction=1, keepdim=False)`: options `{ correction, keepdim }`. */
  var(axis?: red.Axes, options?: red.VarOptions): Tensor {
    return red.variance(this, axis, options);
  }
  /** Standard deviation, with the options of {@link Tensor.var}. */
  std(axis?: red.Axes, options?: red.VarOptions): Tensor {
    return red.std(this, axis, options);
  }
  logSumExp(axis: number | readonly number[], keepdim?: red.KeepDim): Tensor {
    return red.logSumExp(this, axis, keepdim);
  }
  argmax(axis?: number | null, keepdim?: red.KeepDim): Tensor {
    return red.argmax(this, axis, keepdim);
  }
  argmin(axis?: number | null, keepdim?: red.KeepDim): Tensor {
    return red.argmin(this, axis, keepdim);
  }
  cumsum(axis: number): Tensor {
    return scan.cumsum(this, axis);
  }

  // ---- linear algebra, normalisation ---------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return mm.matmul(this, other);
  }
  softmax(axis = -1): Tensor {
    return sm.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return sm.logSoftmax(this, axis);
  }
  /** Causal softmax of attention scores `[..., Tq, Tk]`: softmax(scale·x) over the keys each query may see (see {@link causal.causalSoftmax}). */
  causalSoftmax(scale = 1): Tensor {
    return causal.causalSoftmax(this, scale);
  }
  /** Layer normalisation over the trailing `normalizedShape` dims, as `F.layer_norm` (see {@link ln.layerNorm}). */
  layerNorm(
    normalizedShape: number | readonly number[],
    weight: Tensor | null = null,
    bias: Tensor | null = null,
    eps = 1e-5,
  ): Tensor {
    return ln.layerNorm(this, normalizedShape, weight, bias, eps);
  }

  // ---- indexing ------------------------------------------------------------------------------
  gather(axis: number, index: Tensor): Tensor {
    return idx.gather(this, axis, index);
  }
  /** Picks along `dim` by int32 `indices`, broadcasting the other dims (`torch.take_along_dim`). */
  takeAlongDim(indices: Tensor, dim?: number | null): Tensor {
    return idx.takeAlongDim(this, indices, dim);
  }
  indexSelect(axis: number, index: Tensor): Tensor {
    return idx.indexSelect(this, axis, index);
  }
  take(index: Tensor): Tensor {
    return idx.take(this, index);
  }
  triu(diagonal = 0): Tensor {
    return tri.triu(this, diagonal);
  }
  tril(diagonal = 0): Tensor {
    return tri.tril(this, diagonal);
  }
  split(sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
    return join.split(this, sizeOrSections, axis);
  }
  chunk(chunks: number, axis = 0): Tensor[] {
    return join.chunk(this, chunks, axis);
  }

  // ---- views ---------------------------------------------------------------------------------
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return views.reshape(this, flatArgs(shape));
  }
  /** Like `reshape`, but errors instead of copying when the layout does not allow a view. */
  view(...shape: number[] | [readonly number[]]): Tensor {
    return views.view(this, flatArgs(shape));
  }
  permute(...axes: number[] | [readonly number[]]): Tensor {
    return views.permute(this, flatArgs(axes));
  }
  transpose(axis0 = -2, axis1 = -1): Tensor {
    return views.transpose(this, axis0, axis1);
  }
  /** Transpose of the last two dims (PyTorch's `mT`). */
  get mT(): Tensor {
    return views.transpose(this, -2, -1);
  }
  /**
   * Python's `x[…]` over several axes, a view: `x.index(':', '-3:')` is `x[:, -3:]`,
   * `x.index(0, '...', null)` is `x[0, ..., None]` (see {@link IndexItem}).
   */
  index(...items: IndexItem[]): Tensor {
    return iv.index(this, ...items);
  }
  slice(axis: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return views.slice(this, axis, start, end, step);
  }
  narrow(axis: number, start: number, length: number): Tensor {
    return views.narrow(this, axis, start, length);
  }
  /** The sub-tensor at `index` along `axis`, with that axis removed (`x[i]` for axis 0). */
  select(axis: number, index: number): Tensor {
    return views.select(this, axis, index);
  }
  expand(...shape: number[] | [readonly number[]]): Tensor {
    return views.expand(this, flatArgs(shape));
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return views.expand(this, shape);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return views.squeeze(this, axis);
  }
  unsqueeze(axis: number): Tensor {
    return views.unsqueeze(this, axis);
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return views.flatten(this, startAxis, endAxis);
  }
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  clone(): Tensor {
    return views.clone(this);
  }
}

function flatArgs(args: number[] | [readonly number[]] | unknown[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}

function nest(values: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0];
  const build = (dim: number, offset: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = values[offset + i];
      return out;
    }
    const stride = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}
