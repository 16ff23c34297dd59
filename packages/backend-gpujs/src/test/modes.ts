import type { Backend } from '@dendrite/tensor';
import { type GpujsBackend, type GpujsMode, gpujsBackend } from '../index.js';
import { installNodeWebGPU } from '../node-webgpu.js';

/**
 * The modes the tests run in: `webasm` and `cpu` everywhere, `webgpu` too when a WebGPU adapter
 * answers (CI provides Mesa's lavapipe, see .ci/run). The list is built before any test is
 * registered, so a machine without an adapter runs fewer tests rather than skipping some.
 */
export async function testModes(): Promise<GpujsMode[]> {
  const webgpu = await installNodeWebGPU().catch(() => ({ adapter: false }));
  return webgpu.adapter ? ['webasm', 'cpu', 'webgpu'] : ['webasm', 'cpu'];
}

const backends = new Map<GpujsMode, Promise<GpujsBackend & Backend>>();

/** One backend per mode per test file. */
export function backendFor(mode: GpujsMode): Promise<GpujsBackend & Backend> {
  let b = backends.get(mode);
  if (b === undefined) {
    b = gpujsBackend({ mode });
    backends.set(mode, b);
  }
  return b;
}
