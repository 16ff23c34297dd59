/**
 * Typed errors. Every user mistake surfaces as one of these, with a message that names the op
 * and the values involved, so a `catch` can tell a shape bug from a dtype bug from a bad index.
 */

/**
 * A class's name that survives minification: its own static `typeName` when it declares one,
 * else `constructor.name` (which a minifying bundler shortens to one or two letters). Used by
 * error names and by `Module.toString()`.
 *
 * @example typeNameOf(ShapeError) // 'ShapeError', in a minified bundle too
 */
export function typeNameOf(ctor: abstract new (...args: never[]) => unknown): string {
  const own = Object.hasOwn(ctor, 'typeName') ? (ctor as { typeName?: unknown }).typeName : undefined;
  return typeof own === 'string' ? own : ctor.name;
}

/**
 * Base class of every error Dendrite throws on purpose. `name` is the class's static `typeName`
 * (each Dendrite error class declares one, so `err.name` reads `ShapeError` in a minified bundle
 * too); a subclass of your own without one is named by its constructor.
 */
export class DendriteError extends Error {
  /** The name `err.name` reports for this class (see {@link typeNameOf}). */
  static readonly typeName: string = 'DendriteError';
  constructor(message: string) {
    super(message);
    this.name = typeNameOf(new.target);
  }
}

/** Shapes that do not fit the op: broadcasting, matmul inner dims, reshape sizes, ragged arrays. */
export class ShapeError extends DendriteError {
  static override readonly typeName: string = 'ShapeError';
}

/** A dtype the op cannot take (e.g. float ids for an embedding lookup, int for `exp` backward). */
export class DTypeError extends DendriteError {
  static override readonly typeName: string = 'DTypeError';
}

/** An axis or index outside its range. */
export class IndexError extends DendriteError {
  static override readonly typeName: string = 'IndexError';
}

/** A value that is not allowed (negative size, NaN seed, unknown option). */
export class ValueError extends DendriteError {
  static override readonly typeName: string = 'ValueError';
}

/** Use of a tensor after `dispose()` (directly or by a `tidy` scope). */
export class DisposedError extends DendriteError {
  static override readonly typeName: string = 'DisposedError';
}

/** A backend cannot do what was asked (e.g. `dataSync()` on an asynchronous device). */
export class BackendError extends DendriteError {
  static override readonly typeName: string = 'BackendError';
}
