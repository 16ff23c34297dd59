// Where the module's own static data ends: the JS allocator hands out linear memory above it only
// (every instantiation — the main one and each worker's — rewrites that data).
export function heapBase(): usize {
  return __heap_base;
}
