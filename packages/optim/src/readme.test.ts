import { readFileSync } from 'node:fs';
import { randn, tensor } from '@dendrite/tensor';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adam.js';
import './test-utils.js'; // installs autograd

/** The README's training loop, run as written (its import lines replaced by these bindings). */
describe('README example', () => {
  it('trains y = 2x + 1 and prints w ≈ 2, b ≈ 1', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## A training loop'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    const code = (block as string)
      .split('\n')
      .filter((line) => !line.startsWith('import '))
      .join('\n');
    expect(code.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(10);
    const printed: string[] = [];
    const fakeConsole = { log: (...args: unknown[]) => printed.push(args.join(' ')) };
    new Function('randn', 'tensor', 'AdamW', 'console', code)(randn, tensor, AdamW, fakeConsole);
    const numbers = (printed[0].match(/-?\d+\.\d+/g) ?? []).map(Number);
    expect(numbers).toHaveLength(2);
    expect(numbers[0]).toBeCloseTo(2, 2);
    expect(numbers[1]).toBeCloseTo(1, 2);
  });
});
