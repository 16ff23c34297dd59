// Strided float32 copies that stage operands for the SIMD kernels.

// dst[r·drs + c] = src[r·rs + c·cs] for r < rows, c < cols (element strides): a copy of any 2-D
// strided view into rows of a destination (row stride drs; drs = cols: row-major). Transposed
// reads (cs ≠ 1) go in 16×16 blocks so both sides stay in cache.
export function copyStrided(src: usize, rs: i32, cs: i32, rows: i32, cols: i32, dst: usize, drs: i32): void {
  if (cs == 1) {
    for (let r = 0; r < rows; r++) {
      memory.copy(dst + <usize>(r * drs) * 4, src + <usize>(r * rs) * 4, <usize>cols * 4);
    }
    return;
  }
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = min(rows, r0 + 16);
    for (let c0 = 0; c0 < cols; c0 += 16) {
      const c1 = min(cols, c0 + 16);
      for (let r = r0; r < r1; r++) {
        let s = src + <usize>(r * rs + c0 * cs) * 4;
        let d = dst + <usize>(r * drs + c0) * 4;
        for (let c = c0; c < c1; c++) {
          store<f32>(d, load<f32>(s));
          s += <usize>cs * 4;
          d += 4;
        }
      }
    }
  }
}
