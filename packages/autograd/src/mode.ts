import { ValueError } from '@dendrite/tensor';

let enabled = true;

/** Whether ops are currently recorded for backward. */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Turns recording on or off globally; returns the previous setting. */
export function setGradEnabled(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

function withMode<T>(on: boolean, fn: () => T, name: string): T {
  const prev = enabled;
  enabled = on;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new ValueError(`${name}: the function returned a Promise; use it around synchronous code only`);
    }
    return result;
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` without recording a graph (PyTorch's `torch.no_grad()`): for evaluation and weight updates. */
export function noGrad<T>(fn: () => T): T {
  return withMode(false, fn, 'noGrad');
}

/** Runs `fn` with recording on, even inside `noGrad` (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withMode(true, fn, 'enableGrad');
}
