/**
 * What src/browser.test.ts runs inside Chromium: bundled for the browser with esbuild and loaded by
 * a plain page, which puts these functions on `window.harness`. Everything here runs on the page's
 * main thread, on the GPU modes Chromium gives it.
 */
import { type CaseResult, casesToRun, runCases } from '@dendrite/conformance/standalone';
import { availableModes, type GpujsMode, gpujsBackend } from '../index.js';
import { trainBaby } from './baby-gpt.js';
import { CONFORMANCE_SELECTION, CONFORMANCE_TOLERANCES } from './conformance-options.js';

/** What the page finds before any test. */
export interface PageProbe {
  /** `availableModes()` in this page. */
  modes: GpujsMode[];
  /** The mode `gpujsBackend({ mode: 'auto' })` runs. */
  auto: GpujsMode;
  /** The WebGL renderer string (unmasked where the page may see it). */
  renderer: string | null;
  /** The WebGPU adapter as the backend reports it. */
  adapter: string | null;
}

function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return null;
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

export async function probe(): Promise<PageProbe> {
  const auto = await gpujsBackend({ mode: 'auto', name: 'gpujs:auto:probe' });
  const found: PageProbe = {
    modes: await availableModes(),
    auto: auto.info().mode,
    renderer: webglRenderer(),
    adapter: auto.info().adapter ?? null,
  };
  auto.dispose();
  return found;
}

/** The conformance suite, as src/conformance.test.ts runs it in Node, on `mode`. */
export async function conformance(mode: GpujsMode): Promise<CaseResult[]> {
  const backend = await gpujsBackend({ mode, name: `gpujs:${mode}:conformance` });
  try {
    return await runCases(backend, casesToRun(CONFORMANCE_SELECTION), { tolerances: CONFORMANCE_TOLERANCES });
  } finally {
    backend.dispose();
  }
}

/** The training test's baby GPT for `steps` steps on `mode`: its losses and launches per step. */
export async function train(
  mode: GpujsMode,
  steps: number,
): Promise<{ losses: number[]; dispatches: number[] }> {
  const backend = await gpujsBackend({ mode, name: `gpujs:${mode}:training` });
  try {
    const run = await trainBaby(backend, steps);
    const dispatches = run.stats.map((s, i) => s.dispatches - (i === 0 ? 0 : run.stats[i - 1].dispatches));
    return { losses: run.losses, dispatches };
  } finally {
    backend.dispose();
  }
}
