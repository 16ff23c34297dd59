// The built site has no dead internal link or #fragment (the build itself fails on one: `build` runs
// scripts/check-links.mjs after VitePress), and the checker finds what it must.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without type declarations
import { checkLinks } from '../scripts/check-links.mjs';
import { DIST } from './support/site.js';

type Dead = { page: string; href: string; reason: string };
const check = checkLinks as (root: string) => Dead[];

describe('links', () => {
  it('every internal link of the built site reaches a page and, with a #fragment, an element on it', () => {
    expect(check(DIST)).toEqual([]);
  });

  it('reports a missing page and a missing fragment, and accepts what a static host serves', () => {
    const root = mkdtempSync(join(tmpdir(), 'dendrite-links-'));
    try {
      mkdirSync(join(root, 'api'));
      writeFileSync(
        join(root, 'api', 'gpt.html'),
        '<h3 id="gptconfig">GPTConfig</h3><a href="#gptconfig-1">x</a>',
      );
      writeFileSync(
        join(root, 'index.html'),
        [
          '<a href="/api/gpt.html#gptconfig">ok</a>',
          '<a href="./api/gpt#gptconfig">ok, no .html</a>',
          '<a href="https://example.org/#nowhere">external</a>',
          '<a href="/assets/style.css">asset</a>',
          '<a href="/api/missing.html">missing page</a>',
          '<a href="/api/gpt.html#optimizerstatedict-1">missing fragment</a>',
        ].join(''),
      );
      expect(check(root)).toEqual([
        {
          page: '/api/gpt.html',
          href: '#gptconfig-1',
          reason: 'no element with id "gptconfig-1" on /api/gpt.html',
        },
        { page: '/index.html', href: '/api/missing.html', reason: 'no such page' },
        {
          page: '/index.html',
          href: '/api/gpt.html#optimizerstatedict-1',
          reason: 'no element with id "optimizerstatedict-1" on /api/gpt.html',
        },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
