// Small models on @dendrite/backend-wasm against the TypeScript CPU backend, measured in the same
// run: ms per training step of small MLPs (a loop in tidy() and the same loop without it), and the
// wasm backend's linear memory after a long loop written without tidy().
//
// Imported by run.mjs after the tensor tables (autograd installs its op hook on import, which the
// tensor tables must not pay for).

/**
 * The MLPs: [inputs, hidden, outputs, batch]. Two hidden layers of `hidden` units, ReLU, softmax
 * cross-entropy, AdamW — a plain PyTorch-shaped loop. The first is XOR-sized (the docs' training
 * loop with hidden 32), the last is where the SIMD kernels start to pay.
 */
const MODELS = [
  [2, 32, 2, 4],
  [16, 32, 4, 64],
  [64, 128, 10, 64],
  [256, 256, 10, 128],
];

/**
 * @param {{ print: (line?: string) => void, quick: boolean, table: Function, fmt: Function }} io
 */
export async function smallModels({ print, quick, table, fmt }) {
  const tensorLib = await import('@dendrite/tensor');
  await import('@dendrite/autograd');
  const { Linear, ReLU, Sequential, crossEntropy } = await import('@dendrite/nn');
  const { AdamW } = await import('@dendrite/optim');
  const { wasmBackend, wasmMemory, wasmSupport } = await import('@dendrite/backend-wasm');
  const { cpuBackend, manualSeed, randint, randn, setBackend, tidy } = tensorLib;
  if (!wasmSupport().supported) {
    print('## small models: the wasm backend is unavailable here, skipped');
    return;
  }

  /** A model, its optimizer and a fixed batch on `backend`, from the same seed on every backend. */
  function setup(backend, [nIn, hidden, nOut, batch]) {
    setBackend(backend);
    manualSeed(7);
    const net = new Sequential(
      new Linear(nIn, hidden),
      new ReLU(),
      new Linear(hidden, hidden),
      new ReLU(),
      new Linear(hidden, nOut),
    );
    const opt = new AdamW(net.parameters(), { lr: 1e-3 });
    const x = randn([batch, nIn]);
    const y = randint(0, nOut, [batch]);
    setBackend(cpuBackend);
    const body = () => {
      opt.zeroGrad();
      const loss = crossEntropy(net.forward(x), y);
      loss.backward();
      opt.step();
      return loss;
    };
    return {
      tidyStep: () => tidy(() => void body()),
      plainStep: () => void body(),
      loss: () => tidy(() => body().itemSync()),
    };
  }

  /**
   * ms per step of each of `runs` (functions of `n` steps): the fastest of samples taken in turn
   * (cpu, wasm, cpu, …), so that a busy machine slows both alike and the figure is the one least
   * disturbed by other work.
   */
  function interleaved(runs, samples, minMs) {
    let n = 1;
    for (;;) {
      const t0 = performance.now();
      for (const r of runs) r(n);
      if (performance.now() - t0 >= minMs * runs.length || n >= 1 << 16) break;
      n *= 2;
    }
    const times = runs.map(() => []);
    for (let s = 0; s < samples; s++) {
      runs.forEach((r, i) => {
        const t0 = performance.now();
        r(n);
        times[i].push((performance.now() - t0) / n);
      });
    }
    return times.map((t) => Math.min(...t));
  }

  // ── memory of a loop without tidy (first, while linear memory holds nothing else) ─────────────
  const steps = quick ? 300 : 2000;
  const shape = MODELS[1];
  const run = setup(wasmBackend, shape);
  run.tidyStep();
  const live = wasmMemory().bytesInUse; // weights, AdamW state and the batch, after a tidy step
  run.plainStep();
  const kept = wasmMemory().bytesInUse - live; // what one step without tidy leaves behind
  for (let i = 1; i < steps; i++) run.plainStep();
  const after = wasmMemory();
  const mb = (b) => `${fmt(b / 2 ** 20)} MiB`;
  const [nIn, hidden, nOut, batch] = shape;
  print(`## wasm backend: ${steps.toLocaleString('en-US')} training steps without tidy()`);
  print();
  print(
    table(
      [
        'MLP',
        'live after a tidy step',
        'left per step without tidy',
        'in use after the loop',
        'high-water',
        'memory',
        'in use / one step',
      ],
      [
        [
          `${nIn}→${hidden}→${hidden}→${nOut}, batch ${batch}`,
          `${fmt(live / 1024)} KiB`,
          `${fmt(kept / 1024)} KiB`,
          mb(after.bytesInUse),
          mb(after.highWater),
          mb(after.memoryBytes),
          `${fmt(after.bytesInUse / Math.max(kept, 1), 2)}×`,
        ],
      ],
    ),
  );
  print();
  print(
    'in use = bytes the allocator has handed out and not taken back (wasmMemory().bytesInUse); high-water = the ' +
      'most it ever held; memory = the size of the linear memory. The time per step is in the table below.',
  );
  print();

  // ── speed ───────────────────────────────────────────────────────────────────────────────────────
  const samples = quick ? 3 : 9;
  const minMs = quick ? 15 : 60;
  const warmup = quick ? 20 : 100;
  print('## small models: wasm backend against the CPU backend, same run');
  print();
  const rows = [];
  for (const shape of MODELS) {
    const cpu = setup(cpuBackend, shape);
    const wasm = setup(wasmBackend, shape);
    for (let i = 0; i < warmup; i++) {
      cpu.tidyStep();
      wasm.tidyStep();
      cpu.plainStep();
      wasm.plainStep();
    }
    const repeat = (f) => (n) => {
      for (let i = 0; i < n; i++) f();
    };
    const [cT, wT, cP, wP] = interleaved(
      [repeat(cpu.tidyStep), repeat(wasm.tidyStep), repeat(cpu.plainStep), repeat(wasm.plainStep)],
      samples,
      minMs,
    );
    const [nIn, hidden, nOut, batch] = shape;
    const lc = cpu.loss();
    const lw = wasm.loss();
    rows.push([
      `${nIn}→${hidden}→${hidden}→${nOut}, batch ${batch}`,
      fmt(cT),
      fmt(wT),
      `${fmt(cT / wT, 2)}×`,
      fmt(cP),
      fmt(wP),
      `${fmt(cP / wP, 2)}×`,
      Math.abs(lc - lw).toExponential(1),
    ]);
  }
  print(
    table(
      [
        'MLP (ReLU, AdamW)',
        'cpu ms/step, tidy',
        'wasm ms/step, tidy',
        'wasm speed-up',
        'cpu ms/step, no tidy',
        'wasm ms/step, no tidy',
        'wasm speed-up',
        'loss diff',
      ],
      rows,
    ),
  );
  print();
  print(
    'speed-up = cpu time / wasm time (above 1: the wasm backend is faster); each time is the fastest of ' +
      'interleaved samples after warm-up; loss diff = |cpu loss − wasm loss| after the same steps from the same seed.',
  );
  print();
}
