/**
 * Node-only file I/O for safetensors and checkpoints (imported by `@dendrite/nn/node`, never by
 * the browser-safe `./index.ts`).
 */
import { type FileHandle, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Tensor } from '@dendrite/tensor';
import { decodeSafetensors } from './decode.js';
import { serializeStateDict } from './encode.js';
import { SafetensorsError } from './errors.js';
import type { DecodedSafetensors, DecodeOptions } from './format.js';

function randomHex(bytes: number): string {
  const buf = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Directory fsync is not possible everywhere (Windows, some file systems); these codes mean "not here". */
const DIR_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF', 'ENOSYS']);

/** fsync a directory so a rename inside it survives a power loss; a no-op where unsupported. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!DIR_SYNC_UNSUPPORTED.has(errorCode(err) ?? '')) throw err;
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Writes `data` to `path` atomically: readers (and a process restarted after a crash or power
 * loss) see either the previous file or the complete new one, never a mix or a truncated file.
 *
 * How: write a temp file `.<name>.<pid>.<random>.tmp` in the same directory, fsync it, rename it
 * over `path` (atomic on POSIX file systems and on NTFS), then fsync the directory where the
 * platform allows. An existing target's permission bits are kept. On any error the temp file is
 * removed and the target is untouched. A process killed mid-write can leave a stale temp file
 * (never a damaged target); such files are safe to delete. If `path` is a symlink, the link
 * itself is replaced.
 *
 * Strings are written as UTF-8. Used for every checkpoint file (weights, optimizer state,
 * config.json …).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomHex(6)}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await stat(target)).mode & 0o7777;
  } catch {
    mode = undefined; // no previous file: default permissions (0o666 minus umask)
  }
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o666);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (err) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw await writeError(err, path, dir);
  }
  await syncDirectory(dir);
}

/**
 * The error of a failed write, naming the target (not the temp file) and, when the folder is
 * what is missing, saying so. Keeps the system `code` and the original error as `cause`.
 */
async function writeError(err: unknown, path: string, dir: string): Promise<unknown> {
  const code = errorCode(err);
  if (code === undefined) return err; // not a file-system error (bad data): unchanged
  let reason = (err as Error).message.replace(/, \w+ '.*$/s, ''); // drop ", open '<temp>'" / ", rename '<temp>' -> …"
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    const folder = await stat(dir).then(
      (s) => (s.isDirectory() ? 'exists' : 'not a folder'),
      () => 'missing',
    );
    if (folder === 'missing') reason = `folder '${dir}' does not exist; create it first (mkdir -p)`;
    else if (folder === 'not a folder') reason = `'${dir}' is a file, not a folder`;
  }
  const wrapped = new Error(`cannot write '${path}': ${reason}`, { cause: err });
  return Object.assign(wrapped, { code });
}

/**
 * Saves a state dict as a safetensors file, atomically (see {@link writeFileAtomic}). Tensors
 * are read with `await t.data()`, so device tensors work.
 *
 * @example
 * await saveSafetensors('runs/tiny/model.safetensors', model.stateDict(), { step: '1200' });
 */
export async function saveSafetensors(
  path: string,
  stateDict: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = await serializeStateDict(stateDict, metadata);
  await writeFileAtomic(path, bytes);
}

/**
 * Reads and decodes a safetensors file (see `decodeSafetensors` for the dtype mapping). Errors
 * name the file: a `SafetensorsError` for a malformed file, an `Error` (with the system `code`,
 * e.g. `ENOENT`, and the original as `cause`) when the file cannot be read.
 *
 * @example
 * const { tensors, metadata } = await loadSafetensors('model.safetensors');
 * model.loadStateDict(toTensors({ tensors }));
 */
export async function loadSafetensors(path: string, options?: DecodeOptions): Promise<DecodedSafetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const wrapped = new Error(`loadSafetensors: cannot read '${path}': ${(err as Error).message}`, {
      cause: err,
    });
    throw Object.assign(wrapped, { code: errorCode(err) });
  }
  try {
    return decodeSafetensors(bytes, options);
  } catch (err) {
    throw err instanceof SafetensorsError ? err.withFile(path) : err;
  }
}
