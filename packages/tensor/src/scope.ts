import { ValueError } from './errors.js';
import type { Tensor } from './tensor.js';

/**
 * Memory scopes. `tidy(fn)` disposes every tensor created while `fn` runs, except the ones it
 * returns (and any passed to `keep`). On the CPU this mostly helps the garbage collector; on a GPU
 * backend it is what keeps a training loop's memory flat.
 */
const scopes: Set<Tensor>[] = [];

/** Called by the core for every new tensor. */
export function trackTensor(t: Tensor): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(t);
}

/** Removes `t` from every open scope: it survives the enclosing `tidy` calls. Returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  return t;
}

/** Anything `tidy` can return: tensors found inside are kept and handed to the outer scope. */
export type TidyResult = Tensor | readonly TidyResult[] | { readonly [key: string]: TidyResult } | unknown;

/**
 * Runs `fn` in a memory scope. Tensors created inside and not returned are disposed when it ends
 * (also when it throws). `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T;
export function tidy<T>(name: string, fn: () => T): T;
export function tidy<T>(nameOrFn: string | (() => T), maybeFn?: () => T): T {
  const fn = typeof nameOrFn === 'function' ? nameOrFn : maybeFn;
  if (typeof fn !== 'function') throw new ValueError('tidy: expected a function');
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new ValueError('tidy: the function returned a Promise; tidy scopes must be synchronous');
    }
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  const kept = new Set<Tensor>();
  collectTensors(result, kept, 0);
  for (const t of scope) if (!kept.has(t)) t.dispose();
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of kept) if (scope.has(t)) parent.add(t);
  return result;
}

function collectTensors(value: unknown, out: Set<Tensor>, depth: number): void {
  if (value === null || value === undefined || depth > 8) return;
  if (isTensorLike(value)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, depth + 1);
  } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, out, depth + 1);
  }
}

/**
 * @internal The mark every Tensor carries (on its prototype), so that scopes recognise tensors
 * without importing the class: tensor.ts imports this module, not the other way round.
 */
export const TENSOR_MARK: unique symbol = Symbol.for('@dendrite/tensor.Tensor');

function isTensorLike(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && (v as { [TENSOR_MARK]?: boolean })[TENSOR_MARK] === true;
}

/** Number of open `tidy` scopes (0 outside any). */
export function scopeDepth(): number {
  return scopes.length;
}
