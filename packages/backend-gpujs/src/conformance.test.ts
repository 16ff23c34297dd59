import { COMPOSITE_KERNEL_TOLERANCES, runConformance } from '@dendrite/conformance';
import { gpujsBackend } from './index.js';
import { backendFor, testModes } from './test/modes.js';

/** Cases that store float64 are not registered: this backend has no float64. */
const skipDTypes = ['float64' as const];

/**
 * Every op passes at the suite's default float32 tolerances except one, documented in the README:
 * layerNorm, which this backend runs on the default kernel (float32 primitives) while the CPU
 * reference's kernel works in float64. On rows of nearly equal values x − mean loses digits in
 * float32 (measured: 5.7e-4 relative on the suite's 2-feature rows): the suite's
 * COMPOSITE_KERNEL_TOLERANCES.
 */
const tolerances = COMPOSITE_KERNEL_TOLERANCES;

for (const mode of await testModes()) {
  runConformance({ name: `gpujs ${mode}`, backend: () => backendFor(mode), skipDTypes, tolerances });
}

// webgpu sends products of 32³ multiply-adds and up to the hand-written WGSL kernel; the suite's
// products are smaller, so run its matmul cases again with every product on the WGSL kernel.
if ((await testModes()).includes('webgpu')) {
  runConformance({
    name: 'gpujs webgpu, every matmul on the tiled WGSL kernel',
    backend: () => gpujsBackend({ mode: 'webgpu', wgslMatmulMinSize: 0, name: 'gpujs:webgpu:wgsl' }),
    skipDTypes,
    tolerances,
    groups: /matmul/,
  });
}
