import { runConformance } from '@dendrite/conformance';
import { gpujsBackend } from './index.js';
import { CONFORMANCE_SELECTION, CONFORMANCE_TOLERANCES } from './test/conformance-options.js';
import { backendFor, testModes } from './test/modes.js';

const { skipDTypes } = CONFORMANCE_SELECTION;
const tolerances = CONFORMANCE_TOLERANCES;

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
