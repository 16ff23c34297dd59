/**
 * What the browser tests share (the examples', the backends'): a tiny static server on a free port
 * (optionally cross-origin isolated: COOP/COEP headers), and Debian's Chromium driven by
 * playwright-core with the flags this machine needs — plain, or with its software GPU (see
 * apps/docs/test/support/site.ts, which launches it the same way).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export type { BrowserContext, Page };

export const CHROMIUM = process.env.DENDRITE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * WebGPU for pages and their workers (measured with Debian's chromium 156 under `--disable-gpu`):
 * without this flag `requestAdapter()` answers null; with it, a SwiftShader adapter (vendor
 * `google`, architecture `swiftshader`, a fallback adapter). WebGL 2 and 1 come from SwiftShader
 * anyway. WebGPU also needs a secure context: `http://127.0.0.1`, not `data:`. Neither is fast.
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

/**
 * The bound on any one wait in a browser test (a page load, a click, a `waitForFunction` for the page
 * to report it is done): each takes about a second alone, so this holds on a machine many times
 * slower. The waits themselves are for events (an attribute set), never a fixed time.
 */
export const WAIT_MS = 60_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.safetensors': 'application/octet-stream',
};

/** The headers that make a page cross-origin isolated (SharedArrayBuffer, threads). */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface Served {
  url: string;
  /** Every path requested that was not found (a page that asks for a missing file is a bug). */
  missing: string[];
  close: () => Promise<void>;
}

/**
 * Serves folders like a static host: `mounts` maps a URL prefix (`/`, `/run/`) to a folder;
 * `/x/` → x/index.html. `headers` go on every response (e.g. {@link ISOLATION_HEADERS}).
 */
export async function serve(
  mounts: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Served> {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length); // longest first
  const missing: string[] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    if (prefix !== undefined) {
      const root = mounts[prefix];
      const rest = path.slice(prefix.length);
      const file = normalize(join(root, rest === '' || rest.endsWith('/') ? `${rest}index.html` : rest));
      if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
          ...headers,
        });
        res.end(await readFile(file));
        return;
      }
    }
    missing.push(path);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    missing,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Options of {@link launch}. */
export interface LaunchOptions {
  /** Give pages (and their workers) a WebGPU adapter: SwiftShader's ({@link WEBGPU_FLAGS}). */
  webgpu?: boolean;
  /** The pages' viewport (playwright's default, 1280×720, otherwise). */
  viewport?: { width: number; height: number };
}

/** Chromium with an empty, throw-away profile. */
export async function launch(
  options: LaunchOptions = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium; .ci/run does)`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'dendrite-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: options.webgpu ? [...CHROMIUM_FLAGS, ...WEBGPU_FLAGS] : CHROMIUM_FLAGS,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    timeout: WAIT_MS, // Chromium's start
  });
  context.setDefaultTimeout(WAIT_MS); // every action and wait
  context.setDefaultNavigationTimeout(WAIT_MS);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page that records console errors and warnings, uncaught exceptions, failed requests and HTTP
 * errors (in its workers too) while it is open.
 */
export async function openPage(
  context: BrowserContext,
  url: string,
  options: { waitUntil?: 'load' | 'networkidle' } = {},
): Promise<{ page: Page; problems: string[]; log: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  const log: string[] = [];
  page.on('console', (msg) => {
    log.push(`${msg.type()}: ${msg.text()}`);
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('worker', (worker) => {
    worker.on('console', (msg) => {
      log.push(`worker ${msg.type()}: ${msg.text()}`);
      if (msg.type() === 'error') problems.push(`worker console.error: ${msg.text()}`);
    });
  });
  await page.goto(url, { waitUntil: options.waitUntil ?? 'load' });
  return { page, problems, log };
}

/** Waits for `selector` to carry `attribute` with one of `values`, and returns the value it has. */
export async function waitForAttribute(
  page: Page,
  selector: string,
  attribute: string,
  values: string[],
): Promise<string> {
  const handle = await page.waitForFunction(
    ({ selector, attribute, values }) => {
      const v = document.querySelector(selector)?.getAttribute(attribute);
      return v !== null && v !== undefined && values.includes(v) ? v : false;
    },
    { selector, attribute, values },
  );
  return (await handle.jsonValue()) as string;
}

/**
 * Runs `node ...args` to its exit and returns its exit code and output (stdout and stderr together).
 * NODE_ENV is left unset, as in a user's shell (vitest sets it to 'test', which would change a build).
 * Bounded by the calling test's or hook's timeout, never by a time of its own.
 */
export function runNode(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const { NODE_ENV: _, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
