/**
 * Which GPU modes the capstone offers, and which backend it picks for you. The worker gathers the
 * facts (train-session.ts: `probeGpu`); the decisions are plain functions of them, so the Node tests
 * check them for hardware, software renderers and no GPU at all.
 */
import type { BackendChoice, GpuMode, GpuModeReport, GpuReport } from './train-protocol.js';
import { GPU_MODES } from './train-protocol.js';

/** A software renderer: correct, slow, never the default. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft basic/i;

/** An adapter or renderer as the browser describes it. */
export interface AdapterFacts {
  /** Its name, as the browser gives it (WebGPU's adapter info, WebGL's renderer string). */
  name: string;
  /** WebGPU's `isFallbackAdapter`: the browser itself says it is a software adapter. */
  fallback: boolean;
}

/** What a thread found out about the GPU: gpu.js's own answer, and what the browser offers per mode. */
export interface GpuFacts {
  /** The modes gpu.js says run here (`availableModes()`), or why gpu.js did not load. */
  gpujs: { modes: readonly string[] } | { error: string };
  /** For each GPU mode, the adapter behind it, or why there is none. */
  found: Record<GpuMode, AdapterFacts | { missing: string }>;
}

/** The part of WebGPU's `GPUAdapterInfo` that names the adapter. */
export interface WebGpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

/**
 * A WebGPU adapter's facts from its `info` (vendor, architecture, device, description: SwiftShader
 * says vendor `google`, architecture `swiftshader`). Whether it is a fallback (software) adapter is
 * read from `info.isFallbackAdapter` (Chromium 156) and from the adapter's older
 * `isFallbackAdapter` property (what earlier browsers had).
 */
export function webgpuAdapterFacts(adapter: {
  info?: WebGpuAdapterInfo;
  isFallbackAdapter?: boolean;
}): AdapterFacts {
  const i = adapter.info ?? {};
  const name =
    [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' ') || 'an unnamed adapter';
  return { name, fallback: i.isFallbackAdapter === true || adapter.isFallbackAdapter === true };
}

/** Whether an adapter is real hardware: not a fallback adapter, not named as a software renderer. */
export function isHardware(adapter: AdapterFacts): boolean {
  return !adapter.fallback && !SOFTWARE.test(adapter.name);
}

/**
 * The report the page shows: every GPU mode that runs here, best first (WebGPU, WebGL2, WebGL),
 * with its adapter and whether that is real hardware, and each mode that does not, with why.
 */
export function describeGpu(facts: GpuFacts): GpuReport {
  const modes: GpuModeReport[] = [];
  const unavailable: GpuReport['unavailable'] = [];
  for (const mode of GPU_MODES) {
    const found = facts.found[mode];
    if ('missing' in found) unavailable.push({ mode, reason: found.missing });
    else if ('error' in facts.gpujs)
      unavailable.push({ mode, reason: `gpu.js did not load (${facts.gpujs.error})` });
    else if (!facts.gpujs.modes.includes(mode))
      unavailable.push({ mode, reason: `gpu.js cannot run its kernels on ${found.name}` });
    else modes.push({ mode, adapter: found.name, hardware: isHardware(found) });
  }
  return { modes, unavailable };
}

/**
 * The backend chosen for you: the best GPU mode whose adapter is real hardware; else WebAssembly
 * SIMD where it runs; else the TypeScript reference (cpu). A software renderer is offered, never
 * chosen: it runs the GPU kernels on the CPU, far slower than WebAssembly.
 */
export function defaultBackend(wasmSupported: boolean, gpu: GpuReport | null): BackendChoice {
  const hardware = gpu?.modes.find((m) => m.hardware);
  if (hardware) return `gpujs:${hardware.mode}`;
  return wasmSupported ? 'wasm' : 'cpu';
}

/** The backend choices a page offers, in order, each enabled or with why not. */
export function backendChoices(
  wasm: { supported: boolean; reason: string | null } | null,
  gpu: GpuReport | null,
): { value: BackendChoice; label: string; off: string }[] {
  const gpuChoice = (mode: GpuMode): { value: BackendChoice; label: string; off: string } => {
    const found = gpu?.modes.find((m) => m.mode === mode);
    const missing = gpu?.unavailable.find((m) => m.mode === mode);
    return {
      value: `gpujs:${mode}`,
      label: `GPU: ${MODE_NAMES[mode]} (@dendrite/backend-gpujs${found && !found.hardware ? ', software' : ''})`,
      off: found ? '' : (missing?.reason ?? 'looking for a GPU'),
    };
  };
  return [
    {
      value: 'wasm',
      label: 'WebAssembly SIMD (@dendrite/backend-wasm)',
      off: wasm === null ? 'loading' : wasm.supported ? '' : (wasm.reason ?? 'no WebAssembly SIMD'),
    },
    { value: 'cpu', label: 'TypeScript reference (cpu)', off: '' },
    ...GPU_MODES.map(gpuChoice),
  ];
}

/** The modes as people name them. */
export const MODE_NAMES: Readonly<Record<GpuMode, string>> = {
  webgpu: 'WebGPU',
  webgl2: 'WebGL2',
  webgl: 'WebGL',
};
