// vitest's global setup for this package: the tests import generated/kernels.ts, so compile it first
// when it is missing or older than assembly/ (a stamp check, milliseconds, when it is current).
import { ensureKernels } from './build-wasm.mjs';

export default async function setup() {
  await ensureKernels();
}
