/**
 * The built site (.vitepress/dist) behind a tiny static server on a free port, and Debian's
 * Chromium driven by playwright-core with the flags this machine needs (see ../shared/TOOLCHAIN.md).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, relative, sep } from 'node:path';
import {
  CHROMIUM,
  CHROMIUM_FLAGS,
  ISOLATION_HEADERS,
  type LaunchOptions,
  launch as launchChromium,
  openPage as openBrowserPage,
  WAIT_MS,
  WEBGPU_FLAGS,
} from '@dendrite/browser-test';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const DOCS_DIR = join(import.meta.dirname, '..', '..');
export const DIST = join(DOCS_DIR, '.vitepress', 'dist');
export const SCREENSHOTS = join(DOCS_DIR, '.reports', 'screenshots');
export { CHROMIUM, CHROMIUM_FLAGS, ISOLATION_HEADERS, type LaunchOptions, WAIT_MS, WEBGPU_FLAGS };

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` like a static host: `/x/` → x/index.html, `/x` → x.html when there is one, every
 * response with the cross-origin-isolation headers.
 */
export async function serve(root = DIST): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(root, 'index.html'))) {
    throw new Error(`no built site in ${root}: run the docs build first (the test script does)`);
  }
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
    for (const candidate of candidates) {
      const file = normalize(join(root, candidate));
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) continue;
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      });
      res.end(await readFile(file));
      return;
    }
    res.writeHead(404, { ...ISOLATION_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    res.end(existsSync(join(root, '404.html')) ? await readFile(join(root, '404.html')) : 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Chromium with an empty, throw-away profile and a 1280×900 viewport (`@dendrite/browser-test`). */
export function launch(options: LaunchOptions = {}): ReturnType<typeof launchChromium> {
  return launchChromium({ ...options, viewport: { width: 1280, height: 900 } });
}

/** Every page of the built site, as URL paths (`/course/the-neuron.html`). */
export function sitePages(root = DIST): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.html') && entry.name !== '404.html') {
        pages.push(`/${relative(root, full).split(sep).join('/')}`);
      }
    }
  };
  walk(root);
  return pages.sort();
}

/**
 * The modules the API reference must document: for each package under packages/, every public entry
 * (`exports` with a `dendrite-source` file) — `@dendrite/nn` and `@dendrite/nn/node`, … (as scripts/api.mjs).
 */
export function apiModules(): string[] {
  const packages = join(DOCS_DIR, '..', '..', 'packages');
  const names: string[] = [];
  for (const dir of readdirSync(packages)) {
    const manifestPath = join(packages, dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      exports?: Record<string, unknown>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = (target as Record<string, string> | null)?.['dendrite-source'];
      if (typeof source !== 'string' || !existsSync(join(packages, dir, source))) continue;
      names.push(subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`);
    }
  }
  return names.sort();
}

/**
 * A page that records console errors (its workers' too), uncaught exceptions and failed requests
 * while it is open, once the network has gone quiet (`@dendrite/browser-test`).
 */
export async function openPage(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; problems: string[] }> {
  const { page, problems } = await openBrowserPage(context, url, { waitUntil: 'networkidle' });
  return { page, problems };
}

/** Waits until every live demo on the page has loaded its library (or shown an error). */
export async function demosSettled(page: Page, timeout = WAIT_MS): Promise<void> {
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('.demo')).every(
        (d) => d.getAttribute('data-ready') === 'true' || d.querySelector('.demo-error'),
      ),
    undefined,
    { timeout },
  );
}

/**
 * The built site behind the static server and a Chromium for one test file: registers the
 * `beforeAll` that starts both (and makes the screenshots folder) and the `afterAll` that closes
 * them — for the whole file, or, called inside a `describe`, for that block (a second browser with
 * other {@link LaunchOptions}). `site.url` and `site.context` are for use inside the tests.
 */
export function useSite(options: LaunchOptions = {}): {
  readonly url: string;
  readonly context: BrowserContext;
} {
  let server: Awaited<ReturnType<typeof serve>> | undefined;
  let browser: Awaited<ReturnType<typeof launch>> | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await serve();
    browser = await launch(options);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useSite: the site is used before its beforeAll ran');
    return value;
  };
  return {
    get url() {
      return started(server).url;
    },
    get context() {
      return started(browser).context;
    },
  };
}
