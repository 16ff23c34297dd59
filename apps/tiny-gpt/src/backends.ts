import { type Backend, cpuBackend, getBackend, listBackends, setBackend } from '@dendrite/tensor';
import { UserError } from './errors.js';

/**
 * Resolves `--backend`: `cpu`, or any backend already registered with the tensor core (a GPU
 * backend package registers itself when imported). Unknown names are a user error listing the
 * available ones.
 */
export function resolveBackend(name: string): Backend {
  if (name === 'cpu') return cpuBackend;
  const [base] = name.split(':');
  if (listBackends().includes(name)) {
    setBackend(name);
    return getBackend();
  }
  throw new UserError(
    `--backend '${name}' is not available (have: ${listBackends().join(', ')})${base === 'gpujs' ? '; the gpu.js backend is not installed in this build' : ''}`,
  );
}
