// The placeholder `pnpm main` demo: learn a weight and a bias with @dendrite/tensor.
// (The real tiny-GPT trainer replaces this app.)
import { fitLine } from './fit-line.js';

console.log(
  'Fitting ŷ = w·x + b to y = 3x − 2 + noise (256 points) by gradient descent, learning rate η = 0.05\n',
);
const result = fitLine({
  onStep: (step, loss) => console.log(`step ${String(step).padStart(3)}  loss ${loss.toFixed(6)}`),
});
console.log(`\nlearned weight w = ${result.weight.toFixed(4)} (true 3)`);
console.log(`learned bias   b = ${result.bias.toFixed(4)} (true −2)`);
