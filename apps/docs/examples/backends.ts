// Backends: where tensors live and run. Switching is one line and changes no
// model code.
import {
  cpuBackend,
  getBackend,
  listBackends,
  setBackend,
  tensor,
  withBackend,
} from '@dendrite/tensor';

// a backend package adds itself here when imported
console.log('registered:', listBackends());
console.log('current:', getBackend().name);

// by name, or pass the Backend object: setBackend(cpuBackend)
setBackend('cpu');
const x = tensor([1, 2, 3]);
console.log('x lives on', x.backend.name);

// Run a block on another backend, then come back; a tensor moves with
// x.to(backend).
const y = withBackend(cpuBackend, () => tensor([4, 5, 6]).mul(2));
console.log(y.toArraySync(), x.to(cpuBackend).backend === cpuBackend);

// Reading values: `await t.data()` works on every backend (device backends read
// asynchronously).
console.log(await y.data());
