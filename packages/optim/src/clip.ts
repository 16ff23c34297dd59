import { noGrad } from '@dendrite/autograd';
import { BackendError, div, scalar, Tensor, tidy, ValueError } from '@dendrite/tensor';

/** Parameters as clipping takes them: one tensor or any iterable of tensors. */
export type ParamsLike = Tensor | Iterable<Tensor>;

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Which p-norm: 2 (default), 1, any p > 0, or `Infinity` (max |g|). */
  normType?: number;
}

function gradsOf(params: ParamsLike): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.map((p) => p.grad).filter((g): g is Tensor => g !== null);
}

/** Σᵢ |gᵢ|ᵖ of one gradient (maxᵢ |gᵢ| for p = ∞), as a 0-d tensor: the norm before its root. */
function powerSum(g: Tensor, p: number): Tensor {
  if (p === Number.POSITIVE_INFINITY) return g.abs().max(); // maxᵢ |gᵢ|
  if (p === 2) return g.square().sum(); // Σᵢ gᵢ²
  if (p === 1) return g.abs().sum(); // Σᵢ |gᵢ|
  return g.abs().pow(p).sum(); // Σᵢ |gᵢ|ᵖ
}

/** The p-th root that turns a power sum into the norm. */
function root(s: Tensor, p: number): Tensor {
  if (p === Number.POSITIVE_INFINITY || p === 1) return s;
  return p === 2 ? s.sqrt() : s.pow(1 / p);
}

/** `t` on `like`'s backend, in `like`'s dtype. */
function match(t: Tensor, like: Tensor): Tensor {
  let out = t.backend === like.backend ? t : t.to(like.backend);
  if (out.dtype !== like.dtype) out = out.to(like.dtype);
  return out;
}

/** Checks `maxNorm` and the norm type, returning p. */
function checkClipOptions(maxNorm: number, options: ClipGradNormOptions, op: string): number {
  const p = options.normType ?? 2;
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ValueError(`${op}: maxNorm must be a number ≥ 0, got ${String(maxNorm)}`);
  }
  if (typeof p !== 'number' || !(p > 0)) {
    throw new ValueError(`${op}: normType must be > 0 or Infinity, got ${String(p)}`);
  }
  return p;
}

/**
 * Clips gradients by their global norm, as PyTorch's `clip_grad_norm_`: the norm of all
 * gradients together is computed, and if it exceeds `maxNorm` every gradient is scaled by
 * `maxNorm / (norm + 1e-6)`; under the max they are left as they are (scaled by exactly 1).
 * Parameters whose `.grad` is null are skipped.
 *
 * Returns the pre-clip total norm as a 0-d tensor, without reading it back (no device sync):
 * `await norm.item()` when you want the number, or use {@link clipGradNormSync}. The caller owns
 * the returned tensor (dispose it, or call this inside `tidy`). A non-finite norm makes the
 * gradients non-finite too, as in PyTorch.
 */
export function clipGradNorm(params: ParamsLike, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const p = checkClipOptions(maxNorm, options, 'clipGradNorm');
  const grads = gradsOf(params);
  if (grads.length === 0) return scalar(0);
  return noGrad(() =>
    tidy(() => {
      const first = grads[0];
      const sums = grads.map((g) => match(powerSum(g, p), first));
      const combine =
        p === Number.POSITIVE_INFINITY
          ? (a: Tensor, b: Tensor) => a.maximum(b)
          : (a: Tensor, b: Tensor) => a.add(b);
      const total = root(sums.reduce(combine), p); // ‖g‖ₚ = (Σ over every gradient element |g|ᵖ)^(1/p)
      const coef = div(maxNorm, total.add(1e-6)).clamp(null, 1); // c = min(1, maxNorm / (‖g‖ + 1e-6))
      for (const g of grads) g.assign(g.mul(match(coef, g))); // g ← c·g
      return total;
    }),
  );
}

/**
 * {@link clipGradNorm} returning the pre-clip norm as a number (a synchronous read: CPU and
 * other backends that can read synchronously). On a device that reads only asynchronously
 * (WebGPU) it throws a `BackendError` naming the backend before clipping anything; there use
 * `const n = clipGradNorm(params, maxNorm); const value = await n.item(); n.dispose();`.
 */
export function clipGradNormSync(
  params: ParamsLike,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  checkClipOptions(maxNorm, options, 'clipGradNormSync');
  const list = params instanceof Tensor ? [params] : [...params];
  const device = gradsOf(list).find((g) => !g.backend.canReadSync);
  if (device !== undefined) {
    throw new BackendError(
      `clipGradNormSync: backend '${device.backend.name}' cannot read synchronously, so the norm cannot be returned as a number (nothing was clipped); use 'await clipGradNorm(params, maxNorm).item()'`,
    );
  }
  const total = clipGradNorm(list, maxNorm, options);
  try {
    return total.itemSync();
  } finally {
    total.dispose();
  }
}

/** Clamps every gradient element into `[−clipValue, clipValue]` (PyTorch's `clip_grad_value_`). */
export function clipGradValue(params: ParamsLike, clipValue: number): void {
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ValueError(`clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  }
  const grads = gradsOf(params);
  noGrad(() =>
    tidy(() => {
      for (const g of grads) g.assign(g.clamp(-clipValue, clipValue)); // g ← min(max(g, −c), c)
    }),
  );
}
