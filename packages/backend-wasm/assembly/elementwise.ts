// Element-wise float32 arithmetic, four lanes at a time (the tail n % 4 in scalar code).
// Every result is one correctly rounded float32 operation, bit-identical to the CPU reference.
// out may be the same pointer as a (in place).

const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;

@inline function vop(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function sop(op: i32, a: f32, b: f32): f32 {
  if (op == ADD) return a + b;
  if (op == SUB) return a - b;
  if (op == MUL) return a * b;
  return a / b;
}

// out[i] = a[i] ∘ b[i] for i < n.
@inline function binaryLoop(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sop(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

// out[i] = a[i] ∘ s for i < n.
@inline function scalarLoop(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, vop(op, v128.load(a + o), sv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, sop(op, load<f32>(a + o), s));
  }
}

// out[r][j] = a[r][j] ∘ b[j] over a [rows, cols] a and a [cols] b.
@inline function rowLoop(op: i32, a: usize, b: usize, out: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * stride;
    binaryLoop(op, a + o, b, out + o, cols);
  }
}

export function addF32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(ADD, a, b, out, n); } // out = a + b
export function subF32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(SUB, a, b, out, n); } // out = a − b
export function mulF32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(MUL, a, b, out, n); } // out = a · b
export function divF32(a: usize, b: usize, out: usize, n: i32): void { binaryLoop(DIV, a, b, out, n); } // out = a / b
export function addScalarF32(a: usize, s: f32, out: usize, n: i32): void { scalarLoop(ADD, a, s, out, n); } // out = a + s
export function mulScalarF32(a: usize, s: f32, out: usize, n: i32): void { scalarLoop(MUL, a, s, out, n); } // out = a · s
export function addRowF32(a: usize, b: usize, out: usize, rows: i32, cols: i32): void { rowLoop(ADD, a, b, out, rows, cols); } // out[r] = a[r] + b
export function mulRowF32(a: usize, b: usize, out: usize, rows: i32, cols: i32): void { rowLoop(MUL, a, b, out, rows, cols); } // out[r] = a[r] · b
