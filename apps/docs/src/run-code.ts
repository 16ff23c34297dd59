/**
 * Runs a TypeScript sample the way `node sample.ts` would, in any JavaScript host: sucrase strips
 * the types and turns the `import`s into `require` calls (keeping every line where it was), each
 * imported package is loaded first (in import order, so `import '@dendrite/autograd'` takes effect
 * before the code runs), and the code runs as the body of an async function, so top-level `await`
 * works. `console` inside the sample prints through `print`, formatted as Node formats it
 * (src/inspect.ts). The page runs this in a Web Worker (src/runnable.worker.ts); the tests run it in
 * Node and compare what it prints with what Node prints for the same file.
 */
import { transform } from 'sucrase';
import { format, inspect } from './inspect.js';
import { importsOf, isRunnableModule, needsNodeMessage, type RunnableModule } from './runnable.js';

export type Stream = 'stdout' | 'stderr';

export interface RunOptions {
  /** The sample's file name, shown in messages and stack traces (`neuron.ts`). */
  file?: string;
  /** Loads one of the packages the page provides (a dynamic import). */
  load: (specifier: RunnableModule) => Promise<object>;
  /** Receives each line the sample prints. */
  print: (stream: Stream, text: string) => void;
}

export interface RunError {
  /** `syntax`: the code does not parse; `node`: it imports what only Node has; `runtime`: it threw. */
  kind: 'syntax' | 'node' | 'runtime';
  /** One line for the learner: `TypeError on line 7: x.mul is not a function`. */
  message: string;
  /** The line in the sample (1-based) where it failed, when known. */
  line?: number;
}

export type RunResult = { ok: true } | { ok: false; error: RunError };

/** The sample as JavaScript with `require` calls, and the modules it requires, in order. */
export function transpile(source: string): { code: string; requires: string[] } {
  const { code } = transform(source, {
    transforms: ['typescript', 'imports'],
    disableESTransforms: true, // the browser runs modern JavaScript as it is
    production: true,
  });
  const requires: string[] = [];
  for (const m of code.matchAll(/\brequire\((['"])([^'"]+)\1\)/g)) {
    if (!requires.includes(m[2])) requires.push(m[2]);
  }
  return { code, requires };
}

type SampleBody = (
  require: (specifier: string) => object,
  exports: object,
  module: { exports: object },
  console: Partial<Console>,
) => Promise<void>;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => SampleBody;

let offset: number | undefined;

/** How many lines the Function constructor puts before the body (2 in V8), measured once. */
function bodyLineOffset(): number {
  if (offset === undefined) {
    const probe = new Function(
      'return new Error().stack;\n//# sourceURL=dendrite-line-probe.js',
    ) as () => string;
    const m = /dendrite-line-probe\.js:(\d+)/.exec(String(probe()));
    offset = m ? Number(m[1]) - 1 : 2;
  }
  return offset;
}

/** The sample line of the first stack frame in the sample, if the host's stack format shows it. */
function lineIn(error: unknown, sourceURL: string): number | undefined {
  const stack = error instanceof Error ? String(error.stack ?? '') : '';
  const escaped = sourceURL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${escaped}:(\\d+)(?::\\d+)?`).exec(stack);
  if (!m) return undefined;
  const line = Number(m[1]) - bodyLineOffset();
  return line >= 1 ? line : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  return `Uncaught ${inspect(error)}`;
}

/** A console whose methods print through `print`, formatted as Node formats them. */
export function captureConsole(print: RunOptions['print']): Partial<Console> {
  const to =
    (stream: Stream) =>
    (...args: unknown[]) =>
      print(stream, format(...args));
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  return {
    log: to('stdout'),
    info: to('stdout'),
    debug: to('stdout'),
    warn: to('stderr'),
    error: to('stderr'),
    trace: to('stderr'),
    table: to('stdout'),
    dir: (value: unknown) => print('stdout', inspect(value)),
    assert: (condition?: boolean, ...args: unknown[]) => {
      if (!condition)
        print('stderr', args.length ? `Assertion failed: ${format(...args)}` : 'Assertion failed');
    },
    count: (label = 'default') => {
      const n = (counts.get(label) ?? 0) + 1;
      counts.set(label, n);
      print('stdout', `${label}: ${n}`);
    },
    time: (label = 'default') => {
      timers.set(label, performance.now());
    },
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      if (start === undefined) return;
      timers.delete(label);
      print('stdout', `${label}: ${(performance.now() - start).toFixed(3)}ms`);
    },
  };
}

/** Transpiles and runs a sample; resolves when its top level has finished (or failed). */
export async function runCode(source: string, options: RunOptions): Promise<RunResult> {
  const file = options.file ?? 'sample.ts';
  let compiled: { code: string; requires: string[] };
  try {
    compiled = transpile(source);
  } catch (error) {
    const loc = (error as { loc?: { line: number } }).loc;
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\(\d+:\d+\)$/, '');
    return {
      ok: false,
      error: {
        kind: 'syntax',
        message: loc ? `SyntaxError on line ${loc.line}: ${message}` : `SyntaxError: ${message}`,
        line: loc?.line,
      },
    };
  }
  // the source's imports too: TypeScript drops an import nothing uses, but the page's decision (and a
  // learner reading the code) goes by what the code imports
  const missing = [...new Set([...importsOf(source), ...compiled.requires])].filter(
    (s) => !isRunnableModule(s),
  );
  if (missing.length > 0) {
    return { ok: false, error: { kind: 'node', message: needsNodeMessage(missing, file) } };
  }
  const modules = new Map<string, object>();
  for (const specifier of compiled.requires as RunnableModule[]) {
    // sucrase's interop reads `__esModule` to take named and default imports from the module as is
    modules.set(specifier, { __esModule: true, ...(await options.load(specifier)) });
  }
  const require = (specifier: string): object => {
    const found = modules.get(specifier);
    if (!found) throw new Error(`Cannot find module '${specifier}'`);
    return found;
  };
  const sourceURL = file.replace(/[^\w.-]/g, '_');
  let body: SampleBody;
  try {
    body = new AsyncFunction(
      'require',
      'exports',
      'module',
      'console',
      `${compiled.code}\n//# sourceURL=${sourceURL}`,
    );
  } catch (error) {
    // what sucrase accepts but the engine rejects (an `await` in a plain function, …)
    return { ok: false, error: { kind: 'syntax', message: describe(error) } };
  }
  const module = { exports: {} };
  try {
    await body(require, module.exports, module, captureConsole(options.print));
    return { ok: true };
  } catch (error) {
    const line = lineIn(error, sourceURL);
    const what = describe(error);
    let message = what;
    if (line !== undefined) {
      message = what.replace(/^(\w*Error)(?=:|$)/, `$1 on line ${line}`);
      if (message === what) message = `${what} (line ${line})`;
    }
    return { ok: false, error: { kind: 'runtime', message, line } };
  }
}
