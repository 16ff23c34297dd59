#!/usr/bin/env node
// Run by `build` after VitePress: every link inside the built site (.vitepress/dist) must reach a page
// that exists and, when it has a #fragment, an element with that id on that page. VitePress checks
// that linked pages exist but not fragments, so a renamed heading or a generated anchor that moved
// (`#gptconfig-1`) would otherwise ship as a link to the top of a page. Exits 1 listing every dead link.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ASSET = /\.(?:css|js|mjs|json|svg|png|jpe?g|gif|webp|ico|woff2?|txt|wasm|zip|safetensors)$/i;

/** Every .html file under `root`, as site paths (`/course/loss.html`). */
function pages(root) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html')) found.push(`/${relative(root, full).split(sep).join('/')}`);
    }
  };
  walk(root);
  return found.sort();
}

/** The file a site path is served from, as a static host would (`/x/` → x/index.html, `/x` → x.html). */
function fileOf(root, path) {
  const candidates = path.endsWith('/')
    ? [`${path}index.html`]
    : [path, `${path}.html`, `${path}/index.html`];
  for (const c of candidates) {
    const file = join(root, c);
    if (existsSync(file) && statSync(file).isFile()) return c;
  }
  return null;
}

const decode = (s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * The dead links of the site built in `root`: `[{ page, href, reason }]`. Only links in `href`
 * attributes that stay on the site are checked; external links and asset files are skipped.
 */
export function checkLinks(root) {
  const html = new Map(pages(root).map((p) => [p, readFileSync(join(root, p), 'utf8')]));
  const ids = new Map();
  const idsOf = (page) => {
    if (!ids.has(page)) {
      const text = html.get(page) ?? '';
      ids.set(page, new Set([...text.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => decode(m[1]))));
    }
    return ids.get(page);
  };
  const dead = [];
  for (const [page, text] of html) {
    if (page === '/404.html') continue;
    for (const [, raw] of text.matchAll(/\shref="([^"]*)"/g)) {
      const href = raw.replaceAll('&amp;', '&');
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//') || href === '' || href === '#') continue;
      const [pathPart, fragment = ''] = href.split('#', 2);
      const path = decode(pathPart.split('?')[0]);
      if (ASSET.test(path)) continue;
      const target = path === '' ? page : fileOf(root, posix.resolve(posix.dirname(page), path));
      if (target === null) {
        dead.push({ page, href, reason: 'no such page' });
      } else if (fragment !== '' && !idsOf(target).has(decode(fragment))) {
        dead.push({ page, href, reason: `no element with id "${decode(fragment)}" on ${target}` });
      }
    }
  }
  return dead;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(
    process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist'),
  );
  const dead = checkLinks(root);
  for (const d of dead) console.error(`dead link on ${d.page}: ${d.href} (${d.reason})`);
  if (dead.length > 0) {
    console.error(`${dead.length} dead link(s) in ${root}`);
    process.exit(1);
  }
  console.log(`links: every internal link and #fragment in ${root} resolves`);
}
