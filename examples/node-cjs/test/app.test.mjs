// Runs the app the way a user does (`node src/main.js`): a CommonJS program whose require() calls
// resolve @dendrite/* by name through each package's exports map (its `require` condition).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const APP = join(ROOT, 'src', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'dendrite-example-cjs-'));
const weights = join(dir, 'spiral.safetensors');
/** @type {{ code: number | null, stdout: string, stderr: string }} */
let run;

/**
 * Runs node with the arguments to its exit (bounded by the hook's timeout, never by a time of its own).
 * @param {string[]} args
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function node(args) {
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
  run = await node([APP, weights]);
}, 120_000); // ~4 s alone

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('node-cjs: the spiral classifier with require()', () => {
  it('is a CommonJS package that loads the Dendrite packages with require', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).type).toBe('commonjs');
    expect(readFileSync(APP, 'utf8')).toMatch(/require\('@dendrite\/nn'\)/);
  });

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
