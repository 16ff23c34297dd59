import { BackendError, type Handle, type TypedArray } from '@dendrite/tensor';
import { GpuHandle } from './handle.js';
import type { KernelSpec } from './kernels/spec.js';
import type { IndexCheck } from './options.js';
import type { KernelRunner } from './runner.js';
import type { Counters } from './stats.js';
import type { TiledMatmul } from './wgsl-matmul.js';

/** What the ops of one backend instance share. */
export interface OpContext {
  /** Runs kernels on handles and moves their storage between states. */
  readonly runner: KernelRunner;
  /** Dispatch, transfer and live-handle counters. */
  readonly counters: Counters;
  /** How gather/scatter indices are checked. */
  readonly indexCheck: IndexCheck;
  /** webgpu: the hand-written WGSL matmul and the product size from which it runs; else null. */
  readonly wgsl: { readonly matmul: TiledMatmul; readonly minSize: number } | null;
}

/** The backend's own handle behind a core `Handle`. */
export function asHandle(h: Handle): GpuHandle {
  if (!(h instanceof GpuHandle)) throw new BackendError('gpujs: got a storage handle of another backend');
  return h;
}

/** Runs a kernel and hands its result to the tensor core (counted as a live handle). */
export function launch(
  ctx: OpContext,
  spec: KernelSpec,
  inputs: readonly GpuHandle[],
  scalars: readonly number[],
  size: number,
): GpuHandle {
  return ctx.counters.handOut(ctx.runner.run(spec, inputs, scalars, size));
}

/** Host values handed to the tensor core as a new handle (no device work until a kernel reads them). */
export function handOutHost(ctx: OpContext, values: TypedArray): GpuHandle {
  return ctx.counters.handOut(GpuHandle.host(values));
}
