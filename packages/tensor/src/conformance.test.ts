import { runConformance } from '@dendrite/conformance';
import { cpuBackend } from './cpu/index.js';

// The reference backend against itself: trivial for the CPU-vs-CPU comparisons, but the suite's
// hand-computed cases, its coverage check over listOps() and its op-emission checks still bite.
runConformance({ backend: cpuBackend, name: 'cpu' });
