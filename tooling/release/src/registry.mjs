// A throwaway npm registry: Verdaccio, in this process, on 127.0.0.1 and a port the OS picks (port
// 0, so there is no race for a "free" port), with its storage in a folder of its own and no uplink:
// it serves only what is published to it. Requests for anything else are a 404, so a user project
// routes only the @dendrite scope here (see `scopeNpmrc`) and gets every other package from the
// machine's own configured registry.
//
// Verdaccio 6.8.0 is the last release that runs on Node 20 (6.10 needs Node 22).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Starts the registry; resolves once it answers `/-/ping`, with a throwaway user's token.
 * @param {string} dir an empty folder for its storage, users and log
 * @returns {Promise<{ url: string, port: number, token: string, log: string, stop: () => Promise<void> }>}
 */
export async function startRegistry(dir) {
  await mkdir(join(dir, 'storage'), { recursive: true });
  const log = join(dir, 'verdaccio.log');
  const configFile = join(dir, 'config.yaml');
  await writeFile(configFile, '# configured in code: tooling/release/src/registry.mjs\n');
  const config = {
    self_path: configFile,
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 1 } },
    uplinks: {}, // nothing is ever fetched from elsewhere
    packages: {
      '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
    },
    web: { enable: false },
    log: { type: 'file', path: log, level: 'http' },
    max_body_size: '50mb',
  };
  const { runServer } = await import('verdaccio');
  const server = await runServer(config);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}/`;
  let stopped = false;
  const stop = () =>
    new Promise((resolve) => {
      if (stopped) return resolve();
      stopped = true;
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  try {
    const ping = await fetch(new URL('-/ping', url));
    if (!ping.ok) throw new Error(`registry ping: HTTP ${ping.status}`);
    const token = await addUser(url);
    return { url, port, token, log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Creates a user with a random password (npm's `adduser` request) and returns its token.
 * @param {string} url
 */
export async function addUser(url) {
  const name = 'dendrite-release';
  const password = crypto.randomUUID();
  const res = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ _id: `org.couchdb.user:${name}`, name, password, type: 'user', roles: [] }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || typeof body.token !== 'string')
    throw new Error(`registry adduser: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** The `//host:port/` key npm and pnpm use for a registry's credentials. */
export const authKey = (url) => `//${new URL(url).host}${new URL(url).pathname}`;

/**
 * The .npmrc of a user project: only the @dendrite scope comes from the local registry; every other
 * package comes from the machine's configured registry (its own npmrc files still apply).
 * @param {string} url
 */
export const scopeNpmrc = (url) => `@dendrite:registry=${url}\n`;

/**
 * The .npmrc of the scratch workspace that publishes: the @dendrite scope routed to the registry,
 * with the throwaway token. Only the scope: npx (fetching pnpm) and anything else keep the
 * machine's configured registry, and a package outside the scope could not be published here.
 * @param {string} url
 * @param {string} token
 */
export const publishNpmrc = (url, token) => `${scopeNpmrc(url)}${authKey(url)}:_authToken=${token}\n`;

/**
 * A package document from the registry (`null` for a 404).
 * @param {string} url
 * @param {string} name
 */
export async function packument(url, name) {
  const res = await fetch(new URL(name.replace('/', '%2f'), url));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(`registry GET ${name}: HTTP ${res.status}`);
  return res.json();
}
