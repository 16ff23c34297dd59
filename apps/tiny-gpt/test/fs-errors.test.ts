/**
 * File-system failures a user can meet (a full disk, a read-only mount, no permission) are one
 * line naming the file and the reason, exit code 2. They are injected into `node:fs/promises`
 * (so the test runs anywhere, also as root, where permissions are never denied) in the CLI running
 * in this process.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectUserError, runCli, scratchRun, smallConfig, tempDir, trainArgs } from './helpers.js';

/** The failure to inject: the first call of `op` on a path containing `path` fails with `code`. */
const fault: { op?: string; path?: string; code?: string } = {};

function failing(op: string, path: unknown): Error | undefined {
  if (fault.op !== op || fault.path === undefined || !String(path).includes(fault.path)) return undefined;
  const messages: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
  };
  // What Node gives: the code, and (for writes through a handle) no path at all.
  return Object.assign(new Error(`${fault.code}: ${messages[fault.code!]}, ${op}`), {
    code: fault.code,
    errno: -28,
    syscall: op,
  });
}

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const open: typeof fs.open = async (path, flags, mode) => {
    const e = failing('open', path);
    if (e) throw e;
    const handle = await fs.open(path, flags, mode);
    const writeFile = handle.writeFile.bind(handle);
    handle.writeFile = async (data, options) => {
      const w = failing('write', path);
      if (w) throw w;
      return writeFile(data, options);
    };
    return handle;
  };
  const mkdir: typeof fs.mkdir = (async (path: string, options: unknown) => {
    const e = failing('mkdir', path);
    if (e) throw e;
    return fs.mkdir(path, options as never);
  }) as typeof fs.mkdir;
  const statfs = (async (path: string, options?: unknown) => {
    const real = await fs.statfs(path, options as never);
    return fault.op === 'statfs' && String(path).includes(fault.path ?? '') ? { ...real, bavail: 10 } : real;
  }) as typeof fs.statfs;
  return { ...fs, default: { ...fs, open, mkdir, statfs }, open, mkdir, statfs };
});

beforeEach(() => {
  for (const k of Object.keys(fault)) delete fault[k as keyof typeof fault];
});

describe('file-system errors are one line naming the file', () => {
  it('a full disk while writing a checkpoint (ENOSPC): the file, the reason, the previous file intact', async () => {
    const dir = tempDir();
    const out = join(dir, 'run');
    Object.assign(fault, { op: 'write', path: 'training-state.safetensors', code: 'ENOSPC' });
    const r = await runCli(...trainArgs(out, smallConfig(dir)));
    expectUserError(
      r,
      /cannot write .*run\/training-state\.safetensors: no space left on the device \(ENOSPC\); free some space or choose another folder; the previous file is intact/,
    );
  });

  it('a read-only file system (EROFS) when creating the run folder', async () => {
    const dir = tempDir();
    Object.assign(fault, { op: 'mkdir', path: 'ro-run', code: 'EROFS' });
    expectUserError(
      await runCli(...trainArgs(join(dir, 'ro-run'), smallConfig(dir))),
      /cannot create the folder .*ro-run: the file system is read-only \(EROFS\)/,
    );
  });

  it('no permission to write in the run folder (EACCES)', async () => {
    const dir = tempDir();
    Object.assign(fault, { op: 'open', path: 'train.lock', code: 'EACCES' });
    expectUserError(
      await runCli(...trainArgs(join(dir, 'locked'), smallConfig(dir))),
      /cannot create .*locked\/train\.lock: permission denied \(EACCES\)/,
    );
  });

  it('--overwrite on a disk too full for the new checkpoint keeps the earlier run, byte for byte', async () => {
    const { out, config } = scratchRun();
    expect((await runCli(...trainArgs(out, config))).code).toBe(0);
    const before = readdirSync(out).map((f) => [f, readFileSync(join(out, f)).toString('base64')]);
    Object.assign(fault, { op: 'statfs', path: 'run' });
    expectUserError(
      await runCli(...trainArgs(out, config, { overwrite: true, seed: '5' })),
      /not enough space in .*run for the new run's first checkpoint \([\d.]+ KB needed, [\d.]+ KB free\); the earlier run is untouched/,
    );
    expect(readdirSync(out).map((f) => [f, readFileSync(join(out, f)).toString('base64')])).toEqual(before);
  });

  it('the injected faults really reach the trainer (a control run without one succeeds)', async () => {
    const dir = tempDir();
    const r = await runCli(...trainArgs(join(dir, 'fine'), smallConfig(dir)));
    expect(r.code, r.stderr).toBe(0);
  });
});
