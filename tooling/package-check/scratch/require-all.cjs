// Runs with plain `node` in the scratch project: requires every JavaScript subpath of every packed
// package by name from CommonJS (what `npm init -y` sets up). Each must export something, and be
// the very module object that `import` gives: one instance per package whichever way it is loaded
// (two would mean two Tensor classes, two backend registries). Prints one JSON line.
const specs = require('./specs.json');

(async () => {
  const out = {};
  for (const [name, list] of Object.entries(specs)) {
    out[name] = [];
    for (const spec of list) {
      try {
        const required = require(spec);
        const keys = Object.keys(required);
        if (keys.length === 0) {
          out[name].push({ spec, error: 'requires but exports nothing' });
          continue;
        }
        const imported = await import(spec);
        const differ = keys.filter((k) => required[k] !== imported[k]);
        if (required !== imported && differ.length > 0)
          out[name].push({
            spec,
            error: `require and import load different copies (${differ.slice(0, 3).join(', ')}… differ)`,
          });
        else out[name].push({ spec, exports: keys.length });
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
})();
