/**
 * Source generation for gpu.js kernels. Every kernel has a flat output (`this.thread.x` is the
 * row-major output index): the generated code turns it into coordinates with sizes passed as
 * scalar arguments, so one compiled kernel serves every shape of the same (folded) rank, and a
 * tensor of any rank fits gpu.js's 1-D/2-D/3-D world.
 *
 * Integer arithmetic is done in float32 (what every gpu.js mode computes in), which is exact up to
 * 2²⁴: a tensor of up to 16,777,216 elements.
 */

/** `['n0', 'n1', …]`: names of `rank` numbered scalars with a prefix. */
export function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, d) => `${prefix}${d}`);
}

/**
 * Lines that split the flat index `flat` into coordinates `coords[d]` of sizes `dims[d]` (last
 * fastest). `floor((x + ½) / n)` keeps the quotient exact on GPUs whose division is a reciprocal
 * multiply. `tag` keeps the temporaries of two splits in one kernel apart.
 */
export function splitIndex(
  flat: string,
  coords: readonly string[],
  dims: readonly string[],
  tag = '',
): string[] {
  const rank = coords.length;
  if (rank === 0) return [];
  if (rank === 1) return [`let ${coords[0]} = ${flat};`];
  const lines: string[] = [];
  let rest = flat;
  for (let d = rank - 1; d >= 1; d--) {
    const q = `${tag}q${d}`;
    lines.push(`let ${q} = Math.floor((${rest} + 0.5) / ${dims[d]});`);
    lines.push(`let ${coords[d]} = ${rest} - ${q} * ${dims[d]};`);
    rest = q;
  }
  lines.push(`let ${coords[0]} = ${rest};`);
  return lines;
}

/** `o + c0 * s0 + c1 * s1 + …`: the offset of coordinates `c*` under strides `s*`. */
export function address(offset: string, coords: readonly string[], strides: readonly string[]): string {
  let out = offset;
  for (let d = 0; d < coords.length; d++) out += ` + ${coords[d]} * ${strides[d]}`;
  return out;
}

/** A kernel function source from its parameters and body lines. */
export function kernelSource(params: readonly string[], body: readonly string[]): string {
  return `function (${params.join(', ')}) {\n  ${body.join('\n  ')}\n}`;
}
