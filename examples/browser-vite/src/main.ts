// Trains a small MLP on two spirals in the page and plots the loss of every epoch as it goes.
// The page stays responsive: the loop yields to the browser after each epoch.
import { crossEntropy, DataLoader, MLP, TensorDataset } from '@dendrite/nn';
import { AdamW } from '@dendrite/optim';
import { Generator, tidy } from '@dendrite/tensor';
import { plotLoss } from './plot.js';
import { spirals } from './spiral.js';

const EPOCHS = 40;
const svg = document.querySelector<SVGSVGElement>('#plot')!;
const status = document.querySelector<HTMLElement>('#status')!;

/** One turn of the event loop, so the page can paint and handle input between epochs. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function train(): Promise<void> {
  const { x, y } = spirals(100, new Generator(1));
  const model = new MLP(2, [32, 32, 2], { generator: new Generator(0) });
  const loader = new DataLoader(new TensorDataset(x, y), {
    batchSize: 32,
    shuffle: true,
    generator: new Generator(3),
  });
  const optimizer = new AdamW(model.parameters(), { lr: 0.02, weightDecay: 0 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let total = 0;
    for (const [xb, yb] of loader) {
      optimizer.zeroGrad();
      total += tidy(() => {
        const loss = crossEntropy(model.forward(xb), yb);
        loss.backward();
        return loss.itemSync();
      });
      optimizer.step();
    }
    losses.push(total / loader.length);
    plotLoss(svg, losses, EPOCHS);
    status.textContent = `Training… epoch ${epoch + 1} of ${EPOCHS}, loss ${losses.at(-1)!.toFixed(4)}`;
    await nextTask();
  }
  model.eval().requiresGrad_(false); // inference only: frozen weights record no graph
  const predicted = tidy(() => model.forward(x).argmax(1).dataSync());
  const labels = y.dataSync();
  const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
  status.textContent = `Done: loss ${losses[0].toFixed(4)} → ${losses.at(-1)!.toFixed(4)}, training accuracy ${(100 * accuracy).toFixed(1)}%.`;
  // What a test (or another script) can wait for: the state attribute and the numbers beside it.
  status.dataset.losses = JSON.stringify(losses);
  status.dataset.accuracy = String(accuracy);
  status.dataset.state = 'done';
}

train().catch((err: unknown) => {
  status.textContent = `Training failed: ${String(err)}`;
  status.dataset.state = 'error';
  console.error(err);
});
