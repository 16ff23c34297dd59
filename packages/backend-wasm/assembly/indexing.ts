// The embedding lookup and its gradient: rows picked by an index, and rows added back onto them.

// out[o][idx[j]][t] += src[o][j][t] for o < outer, j < m, t < inner, j in order (so repeated
// indices sum in the order the CPU reference sums them). `out` [outer, n, inner] starts zeroed;
// idx is int32, every value already checked to lie in [0, n).
export function indexAddF32(src: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  const row = <usize>inner * 4;
  let s = src;
  for (let o = 0; o < outer; o++) {
    const base = out + <usize>o * <usize>n * row;
    for (let j = 0; j < m; j++) {
      const d = base + <usize>load<i32>(idx + (<usize>j << 2)) * row;
      let t: usize = 0;
      for (; t + 16 <= row; t += 16) v128.store(d + t, f32x4.add(v128.load(d + t), v128.load(s + t)));
      for (; t < row; t += 4) store<f32>(d + t, load<f32>(d + t) + load<f32>(s + t));
      s += row;
    }
  }
}

// out[o][j][t] = x[o][idx[j]][t] for o < outer, j < m, t < inner: the rows an index picks (the
// embedding lookup). idx is int32, every value already checked to lie in [0, n).
export function indexSelectF32(x: usize, idx: usize, out: usize, outer: i32, n: i32, m: i32, inner: i32): void {
  const row = <usize>inner * 4;
  let d = out;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>n * row;
    for (let j = 0; j < m; j++) {
      const s = base + <usize>load<i32>(idx + (<usize>j << 2)) * row;
      let t: usize = 0;
      for (; t + 16 <= row; t += 16) v128.store(d + t, v128.load(s + t));
      for (; t < row; t += 4) store<f32>(d + t, load<f32>(s + t));
      d += row;
    }
  }
}
