import { readFileSync } from 'node:fs';
import { getBackend, matmul, randn, setBackend, tidy } from '@dendrite/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { gpujsBackend } from './index.js';

/** The README's example, run as written (its import lines replaced by these bindings). */
describe('README example', () => {
  const previous = getBackend();
  afterAll(() => {
    setBackend(previous);
  });

  it('runs in ten lines and prints the mode, the shape and the number of values', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Example'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const code = (block as string)
      .split('\n')
      .filter((line) => !line.startsWith('import '))
      .join('\n');
    expect(code.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10);
    const printed: unknown[][] = [];
    const fakeConsole = { log: (...args: unknown[]) => printed.push(args) };
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('matmul', 'randn', 'setBackend', 'tidy', 'gpujsBackend', 'console', code)(
      matmul,
      randn,
      setBackend,
      tidy,
      gpujsBackend,
      fakeConsole,
    );
    expect(printed[0]).toEqual(['webasm', [64, 32], 2048]);
    expect(printed[1][0]).toBeGreaterThan(0);
  });
});
