// The kernel module's entry: every file here that exports kernels is re-exported.
export * from './gemm';
export * from './copy';
export * from './elementwise';
export * from './exp';
export * from './gelu';
export * from './softmax';
export * from './adam';
export * from './layernorm';
export * from './layout';
export * from './indexing';
export * from './reduce';
