import { runConformance } from '@dendrite/conformance';
import { gpujsBackend } from './index.js';
import { backendFor, testModes } from './test/modes.js';

/** Cases that store float64 are not registered: this backend has no float64. */
const skipDTypes = ['float64' as const];

/**
 * Every op passes at the suite's default float32 tolerances, layerNorm included: its kernel
 * (ops/layer-norm.ts) shifts each row by its first value before averaging, so x − mean keeps its
 * digits on rows of nearly equal values (the default kernel composed from float32 primitives
 * needed the suite's COMPOSITE_KERNEL_TOLERANCES, rtol 2e-3, there).
 */
const tolerances = {};

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
