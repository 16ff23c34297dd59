// Runs the built app the way a user does (`node dist/main.js`): Node resolves @dendrite/* by name
// through each package's exports map to its built dist/, with Node's own conditions.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP = join(import.meta.dirname, '..', 'dist', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'dendrite-example-esm-'));
const weights = join(dir, 'spiral.safetensors');
let run: { code: number | null; stdout: string; stderr: string };

/** Runs node with the arguments to its exit (bounded by the hook's timeout, never by a time of its own). */
function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!existsSync(APP)) throw new Error(`${APP} is missing: the test script builds it first (tsc)`);
  run = await node([APP, weights]);
}, 120_000); // ~4 s alone

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node-esm-ts: the spiral classifier', () => {
  it('runs to the end without an error', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('learns: the loss falls and held-out accuracy is above 95%', () => {
    const losses = [...run.stdout.matchAll(/^epoch \d+ +loss ([\d.]+)$/gm)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThanOrEqual(2);
    expect(losses.at(-1)).toBeLessThan(losses[0]);
    const accuracy = /^test accuracy ([\d.]+)%/m.exec(run.stdout);
    expect(accuracy, run.stdout).not.toBeNull();
    expect(Number(accuracy?.[1])).toBeGreaterThan(95); // 99.8% with its seeds
  });

  it('saves the weights and a fresh model loaded from them predicts identically', () => {
    expect(existsSync(weights)).toBe(true);
    const reloaded = /^reloaded \(trained 60 epochs\): (\d+) of (\d+) predictions identical$/m.exec(
      run.stdout,
    );
    expect(reloaded, run.stdout).not.toBeNull();
    expect(reloaded?.[1]).toBe(reloaded?.[2]);
    expect(Number(reloaded?.[2])).toBe(400);
  });
});
