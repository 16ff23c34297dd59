/**
 * A mistake the user can fix (a bad flag, a missing file, a corpus too small): the CLI prints
 * its message on one line and exits with code 2, without a stack trace.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Training stopped because the loss stopped being a finite number. */
export class DivergedError extends UserError {}
