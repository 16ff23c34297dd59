/**
 * The page's side of a runnable code sample (RunnableCode.vue): the sample's own file, loaded as
 * text (a Vite `?raw` import of examples/<name>.ts, so the editor starts from exactly the tested
 * file the page shows), and a fresh Web Worker for each run (src/runnable.worker.ts).
 */
const sources = import.meta.glob<string>('../examples/*.ts', { query: '?raw', import: 'default' });

/** The names of the samples the site can load (`neuron` for examples/neuron.ts). */
export const SAMPLE_NAMES = Object.keys(sources).map((k) => k.replace(/^\.\.\/examples\/(.*)\.ts$/, '$1'));

/** The text of examples/<name>.ts. */
export function loadSample(name: string): Promise<string> {
  const load = sources[`../examples/${name}.ts`];
  if (!load) return Promise.reject(new Error(`no sample examples/${name}.ts`));
  return load();
}

/** A worker ready to run one sample (a module worker: the packages load as chunks on demand). */
export function startRunner(): Worker {
  return new Worker(new URL('./runnable.worker.ts', import.meta.url), {
    type: 'module',
    name: 'dendrite-sample',
  });
}
