// Strided float32 copies that stage operands for the SIMD kernels.
import { transpose4 } from './lanes';

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
          transpose4(src + <usize>(r + c * cs) * 4, col, dst + <usize>(r * drs + c) * 4, <usize>drs * 4);
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
