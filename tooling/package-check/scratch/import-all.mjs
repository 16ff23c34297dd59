// Runs with plain `node` in the scratch project: imports every JavaScript subpath of every packed
// package by name from an ES module. Each must export something. Prints one JSON line.
import { readFileSync } from 'node:fs';

const specs = JSON.parse(readFileSync(new URL('./specs.json', import.meta.url), 'utf8'));
const out = {};
for (const [name, list] of Object.entries(specs)) {
  out[name] = [];
  for (const spec of list) {
    try {
      const keys = Object.keys(await import(spec));
      out[name].push(
        keys.length > 0 ? { spec, exports: keys.length } : { spec, error: 'imports but exports nothing' },
      );
    } catch (e) {
      out[name].push({
        spec,
        error: String(e?.stack ?? e)
          .split('\n')
          .slice(0, 4)
          .join('\n'),
      });
    }
  }
}
console.log(JSON.stringify(out));
