/**
 * A run folder (`--out`) is owned by one trainer at a time and holds one run.
 *
 * - **The lock.** `train.lock` is created exclusively (written to a temp file, then hard-linked
 *   into place, so it never exists half-written) and holds the owner's pid, host and start time.
 *   A lock whose process is gone (a crash, `kill -9`) is stale and taken over; a live one refuses
 *   the second trainer with one line. The owner re-reads the lock before each checkpoint, so even
 *   two trainers breaking one stale lock at the same instant cannot both write.
 * - **What it holds.** A folder "holds a run" once a checkpoint exists (`training-state.safetensors`
 *   or `model.safetensors`). Anything else tiny-gpt writes (`config.json`, `metrics.jsonl` …) is
 *   only meaningful next to a checkpoint, so a folder without one is free to reuse. Files that are
 *   not tiny-gpt's make it someone else's folder: never written into by a new run.
 * - **Leftovers.** Temp files of writes killed half-way (`.<name>.<pid>.<hex>.tmp`) are removed
 *   by the next trainer that takes the lock.
 */

import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode, fsError, UserError, withFsErrors } from './errors.js';
import { FILES } from './format.js';

/** The files of a run folder (defined with the rest of the format in format.ts). */
export { FILES };

const KNOWN = new Set<string>(Object.values(FILES));

/** Temp files of `writeFileAtomic` (`.<name>.<pid>.<hex>.tmp`) and of the lock. */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/** What is in a run folder. */
export interface FolderContents {
  exists: boolean;
  /** A checkpoint file is there: the folder holds a run. */
  hasCheckpoint: boolean;
  /** Files that tiny-gpt did not write (dot-files other than its temp files are ignored). */
  foreign: string[];
  /** Leftover temp files of killed writes. */
  temp: string[];
}

/** Lists a run folder without changing it. */
export async function inspectFolder(dir: string, flag = '--out'): Promise<FolderContents> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT') return { exists: false, hasCheckpoint: false, foreign: [], temp: [] };
    if (code === 'ENOTDIR') {
      const isFile = await stat(dir).then(
        (s) => !s.isDirectory(),
        () => false,
      );
      throw new UserError(
        isFile
          ? `${flag} ${dir} is a file, not a folder`
          : `${flag} ${dir}: a file is in the way (ENOTDIR); choose a folder path`,
      );
    }
    throw fsError(err, 'read', dir);
  }
  return {
    exists: true,
    hasCheckpoint: entries.includes(FILES.state) || entries.includes(FILES.model),
    foreign: entries.filter((f) => !KNOWN.has(f) && !f.startsWith('.')),
    temp: entries.filter((f) => TEMP_FILE.test(f)),
  };
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  token: string;
}

function randomHex(bytes: number): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

/** Is process `pid` running? A zombie (exited, not yet reaped: common in containers) is not. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return errnoCode(err) === 'EPERM'; // exists, owned by someone else
  }
  try {
    // Linux: the state follows the parenthesised command name in /proc/<pid>/stat.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS, Windows): kill(pid, 0) is the answer
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.token === 'string')
      return { pid: v.pid, host: v.host, started: String(v.started ?? '?'), token: v.token };
  } catch {}
  return undefined;
}

/** The lock on a run folder, held by this trainer. */
export class RunLock {
  private released = false;
  private readonly onExit = () => this.release();

  constructor(
    readonly dir: string,
    private readonly info: LockInfo,
  ) {
    process.once('exit', this.onExit);
  }

  get path(): string {
    return join(this.dir, FILES.lock);
  }

  /** Throws when the lock is no longer this trainer's (another one broke it as stale). */
  async verify(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch {}
    const now = parseLock(text);
    if (now?.token !== this.info.token) {
      throw new UserError(
        `lost the lock on ${this.dir}${now ? ` to pid ${now.pid} on ${now.host}` : ''}: another trainer took over the run folder; this one stops without writing`,
      );
    }
  }

  /** Removes the lock if it is still this trainer's. Synchronous, so it also runs at process exit. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    try {
      if (parseLock(readFileSync(this.path, 'utf8'))?.token === this.info.token) unlinkSync(this.path);
    } catch {}
  }
}

/**
 * Creates `dir` if needed and takes its lock, breaking a stale one (its process is gone).
 * Throws a {@link UserError} when a live trainer holds it, or when the folder cannot be made.
 */
export async function acquireLock(dir: string, flag = '--out'): Promise<RunLock> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EEXIST' || code === 'ENOTDIR')
      throw new UserError(`${flag} ${dir}: a file is in the way (${code}); choose a folder path`);
    throw fsError(err, 'create the folder', dir);
  }
  if (!(await stat(dir)).isDirectory()) throw new UserError(`${flag} ${dir} is a file, not a folder`);
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    token: randomHex(8),
  };
  const path = join(dir, FILES.lock);
  const temp = join(dir, `.${FILES.lock}.${process.pid}.${randomHex(6)}.tmp`);
  await withFsErrors('create', path, async () => {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(`${JSON.stringify(info)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, path); // atomic, exclusive, and the lock is whole from its first instant
        return new RunLock(dir, info);
      } catch (err) {
        if (errnoCode(err) !== 'EEXIST') throw fsError(err, 'create', path);
      }
      let text = '';
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') continue; // released meanwhile: try again
        throw fsError(err, 'read', path);
      }
      const holder = parseLock(text);
      const sameHost = holder?.host === info.host;
      if (holder && (!sameHost || isAlive(holder.pid))) {
        throw new UserError(
          `${dir} is in use by another tiny-gpt trainer (pid ${holder.pid} on ${holder.host}, since ${holder.started}); wait for it to finish, or train into another --out. If that process is gone, delete ${path}`,
        );
      }
      // Stale (its process is gone) or unreadable (not written by this code): take it over.
      await unlink(path).catch((err) => {
        if (errnoCode(err) !== 'ENOENT') throw err;
      });
    }
    throw new UserError(`${dir}: could not take the lock ${path} (other trainers keep taking it)`);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Removes temp files left by writes that were killed half-way (call while holding the lock). */
export async function removeTempFiles(dir: string, temp: readonly string[]): Promise<void> {
  for (const f of temp) {
    await unlink(join(dir, f)).catch((err) => {
      if (errnoCode(err) !== 'ENOENT') throw err;
    });
  }
}

/**
 * Removes a run's files so a new run can take the folder. The weights go first and the training
 * state last: a kill in between leaves a folder whose state still loads (usable), and after it a
 * folder without a checkpoint (free to reuse) — never weights without their state.
 */
export async function removeRun(dir: string): Promise<void> {
  for (const f of [FILES.model, FILES.state, FILES.metrics, FILES.plot, FILES.config, FILES.tokenizer]) {
    await withFsErrors('delete', join(dir, f), () =>
      unlink(join(dir, f)).catch((err) => {
        if (errnoCode(err) !== 'ENOENT') throw err;
      }),
    );
  }
}
