// Smoke test run against the packed, npm-installed @dendrite/tensor: import by name, compute something.
import { matmul, tensor } from '@dendrite/tensor';

const x = tensor([
  [1, 2],
  [3, 4],
]);
const y = matmul(x, x).add(1); // [[8, 11], [16, 23]]
const total = await y.sum().item();
if (total !== 58) throw new Error(`sum(x·x + 1) = ${total}, expected 58`);
console.log(`x·x + 1 = ${JSON.stringify(await y.toArray())}`);
