// The PyTorch round trip (round-trip.sh, the docs guide's recipe), checked: PyTorch's logits for
// Dendrite's exports, and Dendrite's loss for what PyTorch trained with DistributedDataParallel.
// Needs Debian's python3-torch (.ci/run installs it); without an importable torch it skips, saying so.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGPT, importNanoGPTCheckpoint } from '@dendrite/gpt';
import { decodeSafetensors, decodeTorchSave, type PyValue, type TorchTensor } from '@dendrite/nn';
import { tensor } from '@dendrite/tensor';
import { builtInCorpus, evaluateCheckpoint } from 'tiny-gpt';
import { beforeAll, describe, expect, it } from 'vitest';

const PYTHON = process.env.DENDRITE_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../round-trip.sh', import.meta.url));
const CLI = fileURLToPath(new URL('../node_modules/tiny-gpt/dist/cli.js', import.meta.url));

/** Logits agree to float32 rounding across two implementations: |Δ| ≤ ATOL + RTOL·|x|. */
const ATOL = 1e-5;
const RTOL = 1e-5;
/** The evaluation loss, a mean over thousands of tokens: |Δ| ≤ LOSS_TOL. */
const LOSS_TOL = 1e-5;

const probe = spawnSync(PYTHON, ['-c', 'import torch, torch.distributed; print(torch.__version__)'], {
  encoding: 'utf8',
});
const torchVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
if (torchVersion === undefined) {
  console.warn(
    `interop-pytorch: SKIPPED — ${PYTHON} cannot import torch (${(probe.stderr || String(probe.error)).trim().split('\n').pop()}); install Debian's python3-torch (apt-get install -y python3-torch), as .ci/run does`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'interop-pytorch-'));
let output = '';

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { abs: number; excess: number } {
  let abs = 0;
  let excess = -Infinity; // > 0 when a value is outside ATOL + RTOL·|b|
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, d);
    excess = Math.max(excess, d - (ATOL + RTOL * Math.abs(b[i])));
  }
  return { abs, excess };
}

describe.skipIf(torchVersion === undefined)(`PyTorch ${torchVersion ?? ''} ↔ Dendrite`, () => {
  beforeAll(async () => {
    writeFileSync(join(dir, 'text.txt'), builtInCorpus().slice(0, 6000));
    writeFileSync(
      join(dir, 'small.json'),
      JSON.stringify({ block_size: 16, n_layer: 2, n_head: 2, n_embd: 16, dropout: 0, bias: true }),
    );
    const started = Date.now();
    const r = await run('bash', [SCRIPT, dir], { TINY_GPT: `${process.execPath} ${CLI}`, PYTHON });
    output = r.out;
    console.log(`interop-pytorch: round-trip.sh took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.code, r.out).toBe(0);
  }, 600_000); // ~25 s alone

  it.each(['nanogpt', 'hf-gpt2'])(
    'PyTorch loads the %s export: its logits are Dendrite’s',
    async (format) => {
      const folder = join(dir, format);
      const { model } = importGPT(
        {
          config: readFileSync(join(folder, 'config.json'), 'utf8'),
          weights: readFileSync(join(folder, 'model.safetensors')),
        },
        { folder },
      );
      const { tensors } = decodeSafetensors(readFileSync(join(dir, `${format}-logits.safetensors`)));
      const ids = tensor(tensors.ids.data, { shape: tensors.ids.shape, dtype: 'int32' });
      const ours = await model.logits(ids).data();
      expect(tensors.logits.shape).toEqual([2, 16, model.config.vocabSize]);
      const { abs, excess } = maxDiff(ours, tensors.logits.data);
      console.log(`interop-pytorch: ${format} logits, max |Dendrite − PyTorch| = ${abs.toExponential(2)}`);
      expect(excess).toBeLessThanOrEqual(0);
    },
  );

  it.each(['nanogpt', 'hf-gpt2'])(
    'what PyTorch trained with DDP (%s) comes back: its weights bit for bit, and its loss',
    async (format) => {
      const report = JSON.parse(readFileSync(join(dir, `${format}-ddp`, 'pytorch-report.json'), 'utf8'));
      expect(report).toMatchObject({ world_size: 2, steps: 5, layout: format });
      // The weights PyTorch saved are the ones Dendrite's run folder holds now.
      const theirs = decodeSafetensors(readFileSync(join(dir, `${format}-ddp`, 'model.safetensors'))).tensors;
      const ours = decodeSafetensors(
        readFileSync(join(dir, `run-${format}-ddp`, 'model.safetensors')),
      ).tensors;
      const conv1d = /attn\.c_attn\.weight|attn\.c_proj\.weight|mlp\.c_fc\.weight|mlp\.c_proj\.weight/;
      for (const [name, t] of Object.entries(ours)) {
        const src = theirs[name];
        if (format === 'hf-gpt2' && conv1d.test(name)) {
          expect(src.shape, name).toEqual([t.shape[1], t.shape[0]]);
          continue; // transposed; their values reach the loss below
        }
        expect(Buffer.from(t.data.buffer).equals(Buffer.from(src.data.buffer)), name).toBe(true);
      }
      const { loss } = await evaluateCheckpoint({
        ckpt: join(dir, `run-${format}-ddp`),
        data: join(dir, 'text.txt'),
      });
      console.log(
        `interop-pytorch: ${format} after DDP, eval loss Dendrite ${loss} vs PyTorch ${report.eval_loss} (|Δ| = ${Math.abs(loss - report.eval_loss).toExponential(2)})`,
      );
      expect(Math.abs(loss - report.eval_loss)).toBeLessThanOrEqual(LOSS_TOL);
      // And the CLI says the same, to its four decimals.
      const printed = [...output.matchAll(/^loss (\d+\.\d{4}) \|/gm)].map((m) => Number(m[1]));
      expect(printed[format === 'nanogpt' ? 0 : 1]).toBeCloseTo(report.eval_loss, 3);
    },
  );

  it("PyTorch resumes from nanoGPT's ckpt.pt as train.py does (weights, AdamW state, meta.pkl): its logits are Dendrite's", async () => {
    const report = JSON.parse(readFileSync(join(dir, 'nanogpt-ckpt-resumed', 'pytorch-report.json'), 'utf8'));
    const { model } = importNanoGPTCheckpoint(readFileSync(join(dir, 'nanogpt-ckpt', 'ckpt.pt')));
    const params = [...model.namedParameters()].length;
    expect(report).toMatchObject({
      iter_num: 10,
      dataset: 'nanogpt-ckpt',
      optimizer_states: params,
      steps: 5,
    });
    const { tensors } = decodeSafetensors(
      readFileSync(join(dir, 'nanogpt-ckpt-resumed', 'logits.safetensors')),
    );
    const ids = tensor(tensors.ids.data, { shape: tensors.ids.shape, dtype: 'int32' });
    const ours = await model.logits(ids).data();
    const { abs, excess } = maxDiff(ours, tensors.logits.data);
    console.log(
      `interop-pytorch: nanoGPT ckpt.pt logits, max |Dendrite − PyTorch| = ${abs.toExponential(2)}`,
    );
    expect(excess).toBeLessThanOrEqual(0);
  });

  it("nanoGPT's ckpt.pt saved by PyTorch (compiled names, a 0-d best loss) comes back: its weights bit for bit, and its loss", async () => {
    const report = JSON.parse(readFileSync(join(dir, 'nanogpt-ckpt-resumed', 'pytorch-report.json'), 'utf8'));
    const saved = decodeTorchSave(readFileSync(join(dir, 'nanogpt-ckpt-resumed', 'ckpt.pt'))) as Map<
      string,
      PyValue
    >;
    expect(saved.get('iter_num')).toBe(15);
    const theirs = saved.get('model') as Map<string, TorchTensor>;
    const ours = decodeSafetensors(readFileSync(join(dir, 'run-nanogpt-ckpt', 'model.safetensors'))).tensors;
    for (const [name, t] of Object.entries(ours)) {
      const src = theirs.get(`_orig_mod.${name}`) as TorchTensor;
      expect(
        Buffer.from(t.data.buffer).equals(
          Buffer.from(src.data.buffer, src.data.byteOffset, src.data.byteLength),
        ),
        name,
      ).toBe(true);
    }
    const { loss } = await evaluateCheckpoint({
      ckpt: join(dir, 'run-nanogpt-ckpt'),
      data: join(dir, 'text.txt'),
    });
    console.log(
      `interop-pytorch: nanoGPT ckpt.pt after 5 resumed steps, eval loss Dendrite ${loss} vs PyTorch ${report.eval_loss} (|Δ| = ${Math.abs(loss - report.eval_loss).toExponential(2)})`,
    );
    expect(Math.abs(loss - report.eval_loss)).toBeLessThanOrEqual(LOSS_TOL);
    expect(output).toContain('imported nanogpt-ckpt-resumed (nanogpt-ckpt, iteration 15)');
    const printed = [...output.matchAll(/^loss (\d+\.\d{4}) \|/gm)].map((m) => Number(m[1]));
    expect(printed[2]).toBeCloseTo(report.eval_loss, 3);
  });
});
