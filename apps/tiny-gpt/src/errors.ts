/**
 * The CLI's error kinds and exit codes. A user mistake (a flag, a file, a folder, a size that
 * cannot fit) is a {@link UserError}: one line on stderr, exit 2, no stack trace. Anything else
 * escaping the CLI is a bug in Dendrite: its stack trace is printed and the exit code is 1.
 */

/** Exit codes of the `tiny-gpt` CLI. */
export const EXIT = {
  /** The command did what it was asked. */
  ok: 0,
  /** A bug in Dendrite (a stack trace is printed: please report it). */
  bug: 1,
  /** A user error: a bad flag, file, folder, or a size that cannot fit. */
  usage: 2,
  /** Training diverged (the loss or the weights stopped being finite numbers). */
  diverged: 3,
  /** Stopped by Ctrl-C / SIGTERM after checkpointing. */
  interrupted: 130,
} as const;

/**
 * A mistake the user can fix (a bad flag, a missing file, a corpus too small): the CLI prints
 * its message on one line and exits with {@link EXIT.usage}, without a stack trace.
 */
export class UserError extends Error {
  /** The process exit code the CLI uses for this error. */
  readonly exitCode: number = EXIT.usage;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserError';
  }
}

/** Training stopped because the loss or the weights stopped being finite numbers (exit code 3). */
export class DivergedError extends UserError {
  override readonly exitCode: number = EXIT.diverged;

  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/** The system error code of an fs failure (`ENOENT`, `ENOSPC` …), if any. */
export function errnoCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** What each file-system error means for the user, and what would fix it. */
const FS_REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EEXIST: 'a file is in the way where a folder is needed',
  ENOTDIR: 'a file is in the way where a folder is needed',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EBUSY: 'the file is busy',
  EIO: 'an input/output error from the device',
  ERR_FS_FILE_TOO_LARGE: 'the file is larger than 2 GiB, the most Node.js reads at once',
};

/**
 * Turns a file-system error into a {@link UserError} naming the path, the action and the reason,
 * e.g. `cannot write runs/a/model.safetensors: no space left on the device (ENOSPC)`. Errors
 * without a system code (bugs) are returned unchanged.
 */
export function fsError(err: unknown, action: string, path: string, hint?: string): unknown {
  if (err instanceof UserError) return err;
  const code = errnoCode(err);
  if (code === undefined) return err;
  const reason = FS_REASONS[code] ?? (err as Error).message;
  const full = code === 'ENOSPC' || code === 'EDQUOT' ? '; free some space or choose another folder' : '';
  return new UserError(`cannot ${action} ${path}: ${reason} (${code})${full}${hint ? `; ${hint}` : ''}`, {
    cause: err,
  });
}

/** Runs `fn`, turning file-system errors into {@link UserError}s naming `path` (see {@link fsError}). */
export async function withFsErrors<T>(
  action: string,
  path: string,
  fn: () => Promise<T>,
  hint?: string,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fsError(err, action, path, hint);
  }
}
