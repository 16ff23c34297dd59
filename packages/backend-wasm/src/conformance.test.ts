import { runConformance } from '@dendrite/conformance';
import { wasmBackend } from './backend.js';

// Every op of the tensor core on this backend, compared with the CPU reference.
runConformance({ backend: wasmBackend, name: 'wasm' });
