import type { Backend } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { ValueError } from './errors.js';

/**
 * Backends by name, and the current one. New tensors are created on the current backend unless a
 * creation call names one; every tensor remembers its backend, and an op on tensors from two
 * backends is an error (move one with `t.to(backend)`), as with PyTorch devices.
 */
const backends = new Map<string, Backend>([['cpu', cpuBackend]]);
let current: Backend = cpuBackend;

/** Makes a backend known by its name (replacing one of the same name). */
export function registerBackend(backend: Backend): Backend {
  backends.set(backend.name, backend);
  return backend;
}

/** Sets the backend new tensors are created on. Takes a backend or the name of a registered one. */
export function setBackend(backend: Backend | string): Backend {
  current = resolveBackend(backend, 'setBackend');
  return current;
}

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  return current;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

export function resolveBackend(backend: Backend | string | undefined, op: string): Backend {
  if (backend === undefined) return current;
  if (typeof backend === 'string') {
    const found = backends.get(backend);
    if (!found) {
      throw new ValueError(
        `${op}: no backend named '${backend}' is registered (have: ${listBackends().join(', ')})`,
      );
    }
    return found;
  }
  if (!backends.has(backend.name)) backends.set(backend.name, backend);
  return backend;
}

/** Runs `fn` with `backend` as the current backend, then restores the previous one. */
export function withBackend<T>(backend: Backend | string, fn: () => T): T {
  const prev = current;
  current = resolveBackend(backend, 'withBackend');
  try {
    return fn();
  } finally {
    current = prev;
  }
}
