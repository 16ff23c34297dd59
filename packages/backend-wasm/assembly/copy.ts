// Strided float32 copies that stage operands for the SIMD kernels.

// dst[r·drs + c] = src[r·rs + c·cs] for r < rows, c < cols (element strides): a copy of any 2-D
// strided view into rows of a destination (row stride drs; drs = cols: row-major). Transposed
// reads (cs ≠ 1) go in 16×16 blocks so both sides stay in cache; a pure transpose (rs = 1) moves
// 4×4 blocks through registers.
export function copyStrided(src: usize, rs: i32, cs: i32, rows: i32, cols: i32, dst: usize, drs: i32): void {
  if (cs == 1) {
    for (let r = 0; r < rows; r++) {
      memory.copy(dst + <usize>(r * drs) * 4, src + <usize>(r * rs) * 4, <usize>cols * 4);
    }
    return;
  }
  if (rs == 1) {
    transposeBlocks(src, cs, rows, cols, dst, drs);
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

// dst[r·drs + c] = src[r + c·cs]: copyStrided's transpose. In 16×16 blocks, each in 4×4 blocks
// whose four 4-runs along r are loaded and transposed by shuffles; the edges element by element.
function transposeBlocks(src: usize, cs: i32, rows: i32, cols: i32, dst: usize, drs: i32): void {
  const col = <usize>cs * 4;
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = min(rows, r0 + 16);
    for (let c0 = 0; c0 < cols; c0 += 16) {
      const c1 = min(cols, c0 + 16);
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const s = src + <usize>(r + c * cs) * 4;
          const a0 = v128.load(s); // x[r…r+3][c]
          const a1 = v128.load(s + col);
          const a2 = v128.load(s + 2 * col);
          const a3 = v128.load(s + 3 * col);
          const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
          const t2 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
          const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
          const d = dst + <usize>(r * drs + c) * 4;
          const row = <usize>drs * 4;
          v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5)); // x[r][c…c+3]
          v128.store(d + row, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
          v128.store(d + 2 * row, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
          v128.store(d + 3 * row, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
        }
        for (; c < c1; c++) {
          for (let i = 0; i < 4; i++) store<f32>(dst + <usize>((r + i) * drs + c) * 4, load<f32>(src + <usize>(r + i + c * cs) * 4));
        }
      }
      for (; r < r1; r++) {
        for (let c = c0; c < c1; c++) store<f32>(dst + <usize>(r * drs + c) * 4, load<f32>(src + <usize>(r + c * cs) * 4));
      }
    }
  }
}

// dst (row-major) = src[i0·s0 + i1·s1 + i2·s2 + c] for i0 < n0, i1 < n1, i2 < n2, c < cols (element
// strides; the rows contiguous): a head split or merge ([B, T, nh, hs] ↔ [B, nh, T, hs]) in one call,
// where a call per run of rows would cross into the module thousands of times for rows of 32.
export function copyRows4(src: usize, n0: i32, s0: i32, n1: i32, s1: i32, n2: i32, s2: i32, cols: i32, dst: usize): void {
  const bytes = <usize>cols << 2;
  let d = dst;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let s = src + (<usize>i0 * <usize>s0 + <usize>i1 * <usize>s1) * 4;
      for (let i2 = 0; i2 < n2; i2++) {
        if (bytes >= 256) memory.copy(d, s, bytes);
        else {
          let o: usize = 0;
          for (; o + 16 <= bytes; o += 16) v128.store(d + o, v128.load(s + o));
          for (; o < bytes; o += 4) store<f32>(d + o, load<f32>(s + o));
        }
        s += <usize>s2 * 4;
        d += bytes;
      }
    }
  }
}
