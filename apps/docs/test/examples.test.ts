// Every code sample on the site is a file in examples/: this test runs each one and compares what it
// prints with examples/output/<name>.txt, which the pages show next to the code. Change an API and
// either the example fails or its printed output no longer matches.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { format } from 'node:util';
import { describe, expect, it, vi } from 'vitest';

const dir = join(import.meta.dirname, '..', 'examples');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

describe('examples', () => {
  it('has examples to run', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(`${file} runs and prints examples/output/${basename(file, '.ts')}.txt`, async () => {
      const lines: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        lines.push(format(...args));
      });
      try {
        await import(join(dir, file));
      } finally {
        spy.mockRestore();
      }
      await expect(`${lines.join('\n')}\n`).toMatchFileSnapshot(
        join(dir, 'output', `${basename(file, '.ts')}.txt`),
      );
    });
  }
});
