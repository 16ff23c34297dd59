// What the device bench measures against (../shared/device-h200/README.md: cuBLAS and PyTorch eager
// on the same H200), its markdown table, and the verdicts it prints.

/** Reference figures and goals of issue 16. */
export const GOALS = {
  /** PyTorch cuBLAS fp32 (TF32 off) on the H200, GFLOPS by N. */
  cublasGflops: { 1024: 35_900, 2048: 49_900, 4096: 51_300 },
  /** matmul goal: this fraction of cuBLAS fp32 at N = 4096. */
  matmulFraction: 0.6,
  /** shakespeare_char goal, ms per iteration (2× PyTorch eager fp32). */
  shakespeareMs: 74,
  /** PyTorch eager CUDA fp32, ms per iteration, on the H200. */
  pytorchBabyMs: 9.8,
  pytorchShakespeareMs: 37.0,
};

/** A markdown table: first column left-aligned, the others right-aligned. */
export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return `${[line(header), rule, ...rows.map(line)].join('\n')}\n`;
}

/** One line per goal: the figure, the goal, met or not (or why it was not measured). */
export function goalLines(report) {
  const target = GOALS.matmulFraction * GOALS.cublasGflops[4096];
  const mm = report.matmul.filter((r) => r.N === 4096).sort((a, b) => b.gflops - a.gflops)[0];
  const lines = [
    mm
      ? `matmul N = 4096: ${(mm.gflops / 1000).toFixed(2)} TFLOPS (${mm.kernel}), ${((100 * mm.gflops) / GOALS.cublasGflops[4096]).toFixed(1)} % of cuBLAS fp32; goal ≥ ${GOALS.matmulFraction * 100} % (${(target / 1000).toFixed(1)} TFLOPS): ${mm.gflops >= target ? 'met' : 'not met'}`
      : `matmul N = 4096: not measured (sizes ${[...new Set(report.matmul.map((r) => r.N))].join(', ')})`,
  ];
  const sc = report.gpt.find((r) => r.preset === 'shakespeare-char' && r.error === undefined);
  lines.push(
    sc && !report.quick
      ? `shakespeare_char: ${sc.msPerIter.toFixed(1)} ms/iteration (PyTorch eager fp32 ${GOALS.pytorchShakespeareMs} ms); goal ≤ ${GOALS.shakespeareMs} ms: ${sc.msPerIter <= GOALS.shakespeareMs ? 'met' : 'not met'}`
      : 'shakespeare_char: not measured at full size (--quick shrinks the batch and the context)',
  );
  return lines;
}
