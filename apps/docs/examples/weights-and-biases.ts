// A weight sets the slope, a bias sets where the line sits (and, after ReLU,
// the threshold).
import { linspace, tensor } from '@dendrite/tensor';

const x = linspace(0, 5, 6); // 0, 1, 2, 3, 4, 5
const w = tensor(2); // weight
const line = (b: number) => x.mul(w).add(b).relu(); // output = ReLU(w·x + b)

console.log('b = −6:', line(-6).toArraySync()); // wakes up once x passes 3
console.log('b = −2:', line(-2).toArraySync()); // wakes up once x passes 1
