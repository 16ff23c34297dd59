// A two-spiral classifier, end to end: data, an MLP, a DataLoader, AdamW with a linear learning-rate
// decay, accuracy on held-out points, then the weights saved to a safetensors file and loaded into a
// fresh model that must predict exactly the same classes.
//
//   npm run build && npm start              (writes spiral.safetensors here)
//   node dist/main.js /tmp/spiral.safetensors
import { resolve } from 'node:path';
import { crossEntropy, DataLoader, MLP, TensorDataset } from '@dendrite/nn';
import { loadWeights, saveWeights } from '@dendrite/nn/node';
import { AdamW, linearSchedule, setLearningRate } from '@dendrite/optim';
import { Generator, type Tensor, tidy } from '@dendrite/tensor';
import { spirals } from './spiral.js';

const EPOCHS = 60;
const weightsPath = resolve(process.argv[2] ?? 'spiral.safetensors');

// Data: 200 points per class to learn from, and 200 others (another noise seed) to test on.
const train = spirals(200, new Generator(1));
const test = spirals(200, new Generator(2));

// 2 inputs → 64 → 64 → 2 logits, ReLU between the layers; weights drawn from a seeded generator.
const makeModel = (seed: number) => new MLP(2, [64, 64, 2], { generator: new Generator(seed) });
const model = makeModel(0);

const loader = new DataLoader(new TensorDataset(train.x, train.y), {
  batchSize: 32,
  shuffle: true,
  generator: new Generator(3),
});
const optimizer = new AdamW(model.parameters(), { lr: 0.02, weightDecay: 0 });
const lr = linearSchedule({ from: 0.02, to: 0.002, iters: EPOCHS * loader.length });

let step = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  let total = 0;
  for (const [xb, yb] of loader) {
    setLearningRate(optimizer, lr(step++));
    optimizer.zeroGrad();
    total += tidy(() => {
      const loss = crossEntropy(model.forward(xb), yb); // mean over the batch
      loss.backward();
      return loss.itemSync();
    });
    optimizer.step();
  }
  if (epoch % 10 === 0) console.log(`epoch ${epoch}  loss ${(total / loader.length).toFixed(4)}`);
}

/** The class each point gets: the larger of the two logits. */
function predict(net: MLP, x: Tensor): Int32Array {
  net.eval().requiresGrad_(false); // inference only: frozen weights record no graph
  return tidy(() => net.forward(x).argmax(1).dataSync() as Int32Array);
}

const predicted = predict(model, test.x);
const labels = test.y.dataSync();
const correct = predicted.filter((p, i) => p === labels[i]).length;
console.log(
  `test accuracy ${((100 * correct) / labels.length).toFixed(1)}% (${correct} of ${labels.length} held-out points)`,
);

await saveWeights(model, weightsPath, { epochs: String(EPOCHS) });
console.log(`saved weights to ${weightsPath}`);

const fresh = makeModel(42); // other random weights, until the file replaces them
const { metadata } = await loadWeights(fresh, weightsPath);
const again = predict(fresh, test.x);
const same = again.filter((p, i) => p === predicted[i]).length;
console.log(`reloaded (trained ${metadata.epochs} epochs): ${same} of ${again.length} predictions identical`);
if (same !== again.length) process.exitCode = 1;
