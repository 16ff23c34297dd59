// Tensors: N-d arrays with shapes, broadcasting, views, dtypes, seeded
// randomness and memory scopes.
import {
  Generator,
  matmul,
  randn,
  ShapeError,
  tensor,
  tidy,
  zeros,
} from '@dendrite/tensor';

const x = tensor([
  [1, 2, 3],
  [4, 5, 6],
]); // float32 [2, 3]
console.log(x.shape, x.dtype, x.toArraySync());

// Broadcasting follows NumPy: a [3] row is added to every row of [2, 3].
console.log(x.add(tensor([10, 20, 30])).toArraySync());

// Reductions along an axis; views share storage (x.mT is free: only strides
// change).
console.log(x.sum(1).toArraySync(), x.mean().itemSync(), x.mT.shape);

// Seeded randomness: the same seed gives the same numbers on every run and
// every backend.
const w = randn([3, 2], { generator: new Generator(42) });
// intermediates are freed; the result is kept
const y = tidy(() => matmul(x, w).relu());
console.log(y.shape, y.toString());

// Dtypes: ids are int32, comparisons give bool.
const ids = tensor([0, 2, 1], { dtype: 'int32' });
console.log(ids.dtype, x.gt(2).dtype, zeros([2]).dtype);

// Reading values: await t.data() works on every backend; dataSync() where the
// backend can.
console.log(await x.data());

// Every shape error names the op and both shapes.
try {
  matmul(x, x);
} catch (err) {
  console.log(err instanceof ShapeError, (err as Error).message);
}
