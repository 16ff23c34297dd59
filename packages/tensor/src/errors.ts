/**
 * Typed errors. Every user mistake surfaces as one of these, with a message that names the op
 * and the values involved, so a `catch` can tell a shape bug from a dtype bug from a bad index.
 */

/** Base class of every error Dendrite throws on purpose. */
export class DendriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the op: broadcasting, matmul inner dims, reshape sizes, ragged arrays. */
export class ShapeError extends DendriteError {}

/** A dtype the op cannot take (e.g. float ids for an embedding lookup, int for `exp` backward). */
export class DTypeError extends DendriteError {}

/** An axis or index outside its range. */
export class IndexError extends DendriteError {}

/** A value that is not allowed (negative size, NaN seed, unknown option). */
export class ValueError extends DendriteError {}

/** Use of a tensor after `dispose()` (directly or by a `tidy` scope). */
export class DisposedError extends DendriteError {}

/** A backend cannot do what was asked (e.g. `dataSync()` on an asynchronous device). */
export class BackendError extends DendriteError {}
