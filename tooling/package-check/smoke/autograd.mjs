// Smoke test run against the packed, npm-installed @dendrite/autograd: importing it must install
// the gradient machinery on every Tensor (a bundler that drops its side-effect imports breaks this).
import '@dendrite/autograd';
import { tensor } from '@dendrite/tensor';

const w = tensor([0.5, -0.25, 2]).requiresGrad_();
w.mul(w).sum().backward(); // d/dw Σ w² = 2w
const grad = Array.from(await w.grad.data());
if (grad.join() !== '1,-0.5,4') throw new Error(`grad of Σw² = [${grad}], expected [1,-0.5,4]`);
console.log(`∇Σw² = [${grad}]`);
