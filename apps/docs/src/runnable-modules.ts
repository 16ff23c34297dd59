/**
 * The packages a sample run in the page can import, as dynamic imports: the bundler splits each
 * into its own chunk, and a run loads only those its sample imports. A compile error here when a
 * module is added to RUNNABLE_MODULES (src/runnable.ts) without its loader.
 */
import type { RunnableModule } from './runnable.js';

export const LOADERS: Record<RunnableModule, () => Promise<object>> = {
  '@dendrite/autograd': () => import('@dendrite/autograd'),
  '@dendrite/backend-gpujs': () => import('@dendrite/backend-gpujs'),
  '@dendrite/backend-wasm': () => import('@dendrite/backend-wasm'),
  '@dendrite/gpt': () => import('@dendrite/gpt'),
  '@dendrite/nn': () => import('@dendrite/nn'),
  '@dendrite/optim': () => import('@dendrite/optim'),
  '@dendrite/tensor': () => import('@dendrite/tensor'),
  '@dendrite/tokenizer': () => import('@dendrite/tokenizer'),
};

/** Loads one of the page's packages. */
export function loadModule(specifier: RunnableModule): Promise<object> {
  return LOADERS[specifier]();
}
