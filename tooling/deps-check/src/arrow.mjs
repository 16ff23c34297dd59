// The dependency arrow of ../shared/ARCHITECTURE.md as data, and the check that the code follows it
// (dependency-cruiser reads every import of every package's sources, tests excluded).
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/**
 * Each package's layer: a package may import only packages of a lower layer, and among those only
 * the ones its package.json declares. tensor ← autograd ← nn ← optim/gpt; tokenizer and the
 * backends stand on tensor alone.
 */
export const LAYERS = {
  tensor: 0,
  autograd: 1,
  tokenizer: 1,
  'backend-wasm': 1,
  'backend-gpujs': 1,
  nn: 2,
  optim: 3,
  gpt: 3,
};

/** Backends and the tokenizer may import tensor and nothing else of the workspace. */
const TENSOR_ONLY = ['tokenizer', 'backend-wasm', 'backend-gpujs'];

/** The dependency-cruiser rules that encode the arrow for the packages under `root`/packages. */
export function arrowRules(root = ROOT) {
  const forbidden = [];
  const folders = readdirSync(join(root, 'packages')).filter((dir) => dir in LAYERS);
  for (const dir of folders) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    const declared = new Set(
      Object.keys(manifest.dependencies ?? {})
        .filter((name) => name.startsWith('@dendrite/'))
        .map((name) => name.slice('@dendrite/'.length)),
    );
    const allowed = folders.filter(
      (other) =>
        other === dir ||
        (declared.has(other) &&
          LAYERS[other] < LAYERS[dir] &&
          (!TENSOR_ONLY.includes(dir) || other === 'tensor')),
    );
    forbidden.push({
      name: `arrow:${dir}`,
      comment: `${dir} (layer ${LAYERS[dir]}) may import only ${allowed.filter((a) => a !== dir).join(', ') || 'nothing of the workspace'}`,
      severity: 'error',
      from: { path: `^packages/${dir}/src/`, pathNot: '\\.test\\.ts$' },
      to: { path: `^packages/(?!(?:${allowed.join('|')})/)[^/]+/` },
    });
  }
  forbidden.push({
    name: 'no-cycle',
    comment: 'an import cycle inside a package',
    severity: 'error',
    from: { path: '^packages/[^/]+/src/', pathNot: '\\.test\\.ts$' },
    // Runtime imports only: a type-only import is erased at compile time and cannot cycle at load.
    to: { circular: true, pathNot: '\\.test\\.ts$', viaOnly: { dependencyTypesNot: ['type-only'] } },
  });
  return { forbidden };
}

/**
 * Every violation in the packages' sources under `root`: `[{ rule, from, to, cycle? }]`, sorted.
 * Workspace imports resolve to the packages' TypeScript sources (their `dendrite-source` export).
 */
export async function checkArrow(root = ROOT) {
  const previous = process.cwd();
  process.chdir(root); // dependency-cruiser reports paths relative to the working directory
  try {
    const result = await cruise(
      ['packages'],
      {
        ruleSet: arrowRules(root),
        validate: true,
        tsPreCompilationDeps: true,
        doNotFollow: { path: 'node_modules' },
        exclude: { path: '(^|/)(node_modules|dist|assembly|\\.reports|\\.turbo)/|\\.test\\.ts$|(^|/)test/' },
        moduleSystems: ['es6', 'cjs'],
        enhancedResolveOptions: {
          exportsFields: ['exports'],
          conditionNames: ['dendrite-source', 'import', 'default'],
          extensions: ['.ts', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        },
      },
      {},
      {},
    );
    const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
    return output.summary.violations
      .map((v) => ({
        rule: v.rule.name,
        from: v.from,
        to: v.to,
        ...(v.cycle ? { cycle: v.cycle.map((c) => (typeof c === 'string' ? c : c.name)) } : {}),
      }))
      .sort((a, b) => `${a.rule}${a.from}${a.to}`.localeCompare(`${b.rule}${b.from}${b.to}`));
  } finally {
    process.chdir(previous);
  }
}

/** The known cycle edges (./known-cycles.json): debt listed so the check can run; the list only shrinks. */
export function knownCycles() {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, 'known-cycles.json'), 'utf8'));
  return file.cycles.map((c) => `${c.from} → ${c.to}`);
}

/**
 * The verdict on the repository under `root`: `problems` lists every violation that is not a known
 * cycle edge, and every known edge that no longer occurs (remove it from known-cycles.json).
 */
export async function verdict(root = ROOT, known = knownCycles()) {
  const violations = await checkArrow(root);
  const seen = new Set();
  const problems = [];
  for (const v of violations) {
    const edge = `${v.from} → ${v.to}`;
    if (v.rule === 'no-cycle' && known.includes(edge)) {
      seen.add(edge);
      continue;
    }
    problems.push(
      v.rule === 'no-cycle'
        ? `import cycle: ${[...v.cycle, v.cycle[0]].join(' → ')} (edge ${edge})`
        : `${v.rule}: ${v.from} imports ${v.to}`,
    );
  }
  for (const edge of known) {
    if (!seen.has(edge)) problems.push(`known cycle edge gone, remove it from known-cycles.json: ${edge}`);
  }
  return { violations, problems };
}
