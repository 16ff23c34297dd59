#!/usr/bin/env node
// `pnpm --filter @dendrite/deps-check check`: prints every import that breaks the dependency arrow,
// every new import cycle inside a package, and exits 1 when there is one.
import { LAYERS, verdict } from './arrow.mjs';

const { violations, problems } = await verdict();
for (const p of problems) console.error(p);
const known = violations.length - problems.filter((p) => !p.startsWith('known')).length;
console.log(
  `deps: ${Object.keys(LAYERS).length} packages checked; ${problems.length} problem(s); ${known} known cycle edge(s) (src/known-cycles.json)`,
);
process.exit(problems.length > 0 ? 1 : 0);
