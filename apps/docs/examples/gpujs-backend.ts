// The gpu.js backend: every op becomes a gpu.js kernel and tensors stay on the device between ops.
// 'webasm' runs anywhere (WebAssembly on the CPU); in a browser 'webgpu' or 'webgl2' use the GPU.
import { gpujsBackend } from '@dendrite/backend-gpujs';
import { matmul, ones, setBackend, tidy } from '@dendrite/tensor';

const gpu = await gpujsBackend({ mode: 'webasm' }); // or 'auto': the first mode that runs here
setBackend(gpu); // new tensors live on the device from here on
const x = ones([4, 8]);
const w = ones([8, 2]).mul(0.25);
const y = tidy(() => matmul(x, w).relu().mul(2)); // relu and ·2 fuse into one kernel
console.log(gpu.info().mode, y.shape); // the mode that runs
console.log(await y.data()); // device values come back when you await them
setBackend('cpu');
