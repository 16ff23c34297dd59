import { ValueError } from './errors.js';

/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32.
 *
 * Every random tensor is generated on the host by a {@link Generator} and then uploaded, so the
 * same seed gives the same numbers on every backend. Generators serialise their whole state
 * (`getState` / `setState`) so a resumed training run continues the exact sequence.
 */
export interface GeneratorState {
  /** Four 32-bit words of xoshiro128** state. */
  readonly s: readonly [number, number, number, number];
  /** A second Box–Muller normal waiting to be used, or null. */
  readonly spareNormal: number | null;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded source of random numbers (xoshiro128**): uniform, normal and integer draws, with its
 * whole state readable and restorable. Pass one to random ops as `{ generator }`.
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** @param seed any safe integer (both 32-bit halves are used). */
  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Resets the sequence to the one `seed` starts. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed))
      throw new ValueError(`Generator: seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    const sm = splitmix32(lo ^ Math.imul(hi, 0x27d4eb2d));
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    return this;
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * v;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Uniform integer in [low, high) without modulo bias. */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (!(range > 0) || range > 2 ** 32) {
      throw new ValueError(
        `Generator.nextInt: need low < high with high - low ≤ 2^32, got [${low}, ${high})`,
      );
    }
    if (range === 2 ** 32) return low + this.nextUint32();
    const limit = 2 ** 32 - (2 ** 32 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return low + (x % range);
  }

  /** The whole state, as plain JSON-able data (`setState` takes it back). */
  getState(): GeneratorState {
    // The xor-shift updates leave signed int32 words: report them unsigned, as setState expects.
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spareNormal: this.spare };
  }

  setState(state: GeneratorState): this {
    const s = state?.s;
    if (
      !Array.isArray(s) ||
      s.length !== 4 ||
      s.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)
    ) {
      throw new ValueError('Generator.setState: state.s must be four unsigned 32-bit integers');
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0)
      throw new ValueError('Generator.setState: an all-zero state is invalid');
    [this.s0, this.s1, this.s2, this.s3] = s;
    this.spare = state.spareNormal ?? null;
    return this;
  }

  /** An independent copy at the same position. */
  clone(): Generator {
    return new Generator().setState(this.getState());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let defaultGenerator = new Generator(0);

/** The generator random ops use when none is passed. */
export function getDefaultGenerator(): Generator {
  return defaultGenerator;
}

/** Re-seeds the default generator (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  defaultGenerator = new Generator(seed);
  return defaultGenerator;
}
