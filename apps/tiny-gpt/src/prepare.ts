import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@dendrite/nn/node';
import { UserError, withFsErrors } from './errors.js';

/** Where tiny Shakespeare (about 1.1 MB of plays, the classic char-level benchmark) is published. */
export const SHAKESPEARE_URL =
  'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt';

export interface PrepareOptions {
  /** Destination file (default data/tinyshakespeare.txt). */
  out?: string;
  /** Source URL (default {@link SHAKESPEARE_URL}). */
  url?: string;
  /** Abort the download after this many milliseconds (default 60 s). */
  timeoutMs?: number;
}

/** Downloads a dataset to a local file (atomically); returns its path and size. */
export async function prepare(
  dataset: string,
  options: PrepareOptions = {},
): Promise<{ path: string; bytes: number }> {
  if (dataset !== 'shakespeare') throw new UserError(`unknown dataset '${dataset}' (available: shakespeare)`);
  const url = options.url ?? SHAKESPEARE_URL;
  const path = options.out ?? 'data/tinyshakespeare.txt';
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new UserError(
      `cannot download ${url} (${cause}): are you offline? Pass --data <file> to train on a local file instead`,
    );
  }
  if (!res.ok) throw new UserError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length === 0) throw new UserError(`${url} returned an empty file`);
  await withFsErrors('write', path, async () => {
    if (!existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
    await writeFileAtomic(path, bytes);
  });
  return { path, bytes: bytes.length };
}
