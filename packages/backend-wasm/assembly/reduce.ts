// Sums of float32 in float64, each added in the order the CPU reference adds (so the same bits),
// rounded to float32 once at the end.
import { hi64, lo64 } from './lanes';

// out[r] = Σᵢ x[r·n + i], i in order (a row's sum; the whole tensor's with rows = 1)
export function sumRowsF32(x: usize, out: usize, rows: i32, n: i32): void {
  const row = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    let s: f64 = 0;
    let p = x + <usize>r * row;
    const end = p + row;
    for (; p < end; p += 4) s += <f64>load<f32>(p);
    store<f32>(out + (<usize>r << 2), <f32>s);
  }
}

// out[c] = Σᵣ x[r·cols + c], r in order (column sums: a bias gradient over the batch). scratch:
// 8·cols bytes (8-aligned) for the float64 sums, two columns per lane pair.
export function sumColumnsF32(x: usize, out: usize, rows: i32, cols: i32, scratch: usize): void {
  memory.fill(scratch, 0, <usize>cols << 3);
  const row = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const v = v128.load(xr + (<usize>c << 2));
      const a = scratch + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), lo64(v)));
      v128.store(a + 16, f64x2.add(v128.load(a + 16), hi64(v)));
    }
    for (; c < cols; c++) {
      const a = scratch + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(xr + (<usize>c << 2)));
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(scratch + (<usize>c << 3)));
}
