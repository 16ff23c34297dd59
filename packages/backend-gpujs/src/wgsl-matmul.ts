import type { DeviceValue } from './handle.js';

/**
 * A hand-written WGSL matrix product for webgpu mode: 64×64 output tiles per workgroup, staged
 * through workgroup memory 16 values of k at a time, each of the 256 threads accumulating a 4×4
 * block in registers. gpu.js kernels cannot use workgroup memory (one thread per output cell, each
 * streaming a row of A and a column of B from global memory), which on an NVIDIA H200 measured
 * 2.6 TFLOPS against 31.9 for a tiled kernel like this one (../shared/device-h200/README.md).
 *
 * It runs on the GPUDevice gpu.js itself uses (`WebGPUContext.acquire()`, one device per page or
 * process) and on gpu.js's own buffers: inputs are the `buffer` of gpu.js pipeline results, the
 * output is wrapped in gpu.js's `WebGPUBufferResult`, so the next gpu.js kernel reads it like any
 * other and `delete()` frees it. Operands are strided views (a transposed weight costs nothing),
 * with up to two (folded) batch dims that may broadcast with stride 0.
 */
export const TILED_MATMUL_WGSL = /* wgsl */ `
struct Params {
  M: u32, N: u32, K: u32, nb1: u32,
  aOff: u32, sam: u32, sak: u32, sab0: u32,
  sab1: u32, bOff: u32, sbk: u32, sbn: u32,
  sbb0: u32, sbb1: u32, pad0: u32, pad1: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;

var<workgroup> As: array<f32, 1024>; // 64 rows × 16 k
var<workgroup> Bs: array<f32, 1024>; // 16 k × 64 columns

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let b1 = wg.z % p.nb1;
  let b0 = wg.z / p.nb1;
  let aBase = p.aOff + b0 * p.sab0 + b1 * p.sab1;
  let bBase = p.bOff + b0 * p.sbb0 + b1 * p.sbb1;
  let row0 = wg.y * 64u;
  let col0 = wg.x * 64u;
  let t = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.K; k0 = k0 + 16u) {
    for (var s = 0u; s < 4u; s = s + 1u) {
      let idx = t + s * 256u;
      let r = idx / 16u;
      let ka = idx % 16u;
      var va = 0.0;
      if (row0 + r < p.M && k0 + ka < p.K) { va = A[aBase + (row0 + r) * p.sam + (k0 + ka) * p.sak]; }
      As[idx] = va;
      let kb = idx / 64u;
      let c = idx % 64u;
      var vb = 0.0;
      if (k0 + kb < p.K && col0 + c < p.N) { vb = B[bBase + (k0 + kb) * p.sbk + (col0 + c) * p.sbn]; }
      Bs[idx] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      var ra: array<f32, 4>;
      var rb: array<f32, 4>;
      for (var i = 0u; i < 4u; i = i + 1u) {
        ra[i] = As[(lid.y * 4u + i) * 16u + kk];
        rb[i] = Bs[kk * 64u + lid.x * 4u + i];
      }
      for (var i = 0u; i < 4u; i = i + 1u) {
        for (var j = 0u; j < 4u; j = j + 1u) {
          acc[i * 4u + j] = acc[i * 4u + j] + ra[i] * rb[j];
        }
      }
    }
    workgroupBarrier();
  }
  let cBase = wg.z * p.M * p.N;
  for (var i = 0u; i < 4u; i = i + 1u) {
    let row = row0 + lid.y * 4u + i;
    for (var j = 0u; j < 4u; j = j + 1u) {
      let col = col0 + lid.x * 4u + j;
      if (row < p.M && col < p.N) { C[cBase + row * p.N + col] = acc[i * 4u + j]; }
    }
  }
}
`;

/** The strided operands of one product (batch dims folded to at most two). */
export interface MatmulLayout {
  M: number;
  N: number;
  K: number;
  /** Folded batch sizes, at most two (outer, inner). */
  batch: readonly number[];
  aOff: number;
  sam: number;
  sak: number;
  aBatch: readonly number[];
  bOff: number;
  sbk: number;
  sbn: number;
  bBatch: readonly number[];
}

/* Minimal WebGPU shapes used here (the DOM lib types may be absent). */
interface Device {
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: unknown): { getBindGroupLayout(i: number): unknown };
  createBuffer(d: { size: number; usage: number }): { destroy(): void };
  createBindGroup(d: unknown): unknown;
  createCommandEncoder(): {
    beginComputePass(): {
      setPipeline(p: unknown): void;
      setBindGroup(i: number, g: unknown): void;
      dispatchWorkgroups(x: number, y: number, z: number): void;
      end(): void;
    };
    finish(): unknown;
  };
  queue: { writeBuffer(b: unknown, o: number, d: ArrayBufferView): void; submit(c: unknown[]): void };
}

const USAGE_UNIFORM = 0x40;
const USAGE_STORAGE = 0x80;
const USAGE_COPY_SRC = 0x04;
const USAGE_COPY_DST = 0x08;

type BufferResultClass = new (settings: {
  buffer: unknown;
  output: number[];
  componentCount: number;
  context: unknown;
  kernel: unknown;
}) => DeviceValue & { buffer: unknown };

/** Runs the tiled kernel on gpu.js's device; outputs are gpu.js `WebGPUBufferResult`s. */
export class TiledMatmul {
  private pipeline: { getBindGroupLayout(i: number): unknown } | null = null;
  launches = 0;

  constructor(
    private readonly context: { device: unknown },
    private readonly BufferResult: BufferResultClass,
    /** A built gpu.js webgpu kernel: results read back through its staging buffers. */
    private readonly reader: () => unknown,
  ) {}

  /** Whether the layout fits (at most two batch dims, a grid within WebGPU's 65,535 limit). */
  static fits(l: MatmulLayout): boolean {
    const batch = l.batch.reduce((p, d) => p * d, 1);
    return (
      l.batch.length <= 2 && batch <= 65535 && Math.ceil(l.M / 64) <= 65535 && Math.ceil(l.N / 64) <= 65535
    );
  }

  run(a: DeviceValue, b: DeviceValue, l: MatmulLayout): DeviceValue {
    const device = this.context.device as Device;
    if (this.pipeline === null) {
      this.pipeline = device.createComputePipeline({
        layout: 'auto',
        compute: { module: device.createShaderModule({ code: TILED_MATMUL_WGSL }), entryPoint: 'main' },
      });
    }
    const [nb0, nb1] = l.batch.length === 2 ? l.batch : [1, l.batch[0] ?? 1];
    const pad = (s: readonly number[]) => (s.length === 2 ? s : [0, s[0] ?? 0]);
    const [sab0, sab1] = pad(l.aBatch);
    const [sbb0, sbb1] = pad(l.bBatch);
    const params = new Uint32Array([
      l.M,
      l.N,
      l.K,
      nb1,
      l.aOff,
      l.sam,
      l.sak,
      sab0,
      sab1,
      l.bOff,
      l.sbk,
      l.sbn,
      sbb0,
      sbb1,
      0,
      0,
    ]);
    const size = nb0 * nb1 * l.M * l.N;
    const uniform = device.createBuffer({ size: params.byteLength, usage: USAGE_UNIFORM | USAGE_COPY_DST });
    device.queue.writeBuffer(uniform, 0, params);
    const out = device.createBuffer({
      size: size * 4,
      usage: USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST,
    });
    const group = device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform } },
        { binding: 1, resource: { buffer: (a as { buffer: unknown }).buffer } },
        { binding: 2, resource: { buffer: (b as { buffer: unknown }).buffer } },
        { binding: 3, resource: { buffer: out } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.ceil(l.N / 64), Math.ceil(l.M / 64), nb0 * nb1);
    pass.end();
    device.queue.submit([encoder.finish()]);
    uniform.destroy(); // freed once the submitted work is done
    this.launches++;
    return new this.BufferResult({
      buffer: out,
      output: [size],
      componentCount: 1,
      context: this.context,
      kernel: this.reader(),
    });
  }
}
