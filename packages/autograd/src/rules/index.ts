// Importing this module registers every gradient rule.
import './elementwise.js';
import './reduce.js';
import './views.js';
import './linalg.js';
import './indexing.js';
import './join.js';
import './cast.js';
import './normalize.js';
import './cross-entropy.js';

export { sumToShape } from './broadcast.js';
export type { GradContext, GradRule, PlacedGrad } from './registry.js';
export {
  defineGrad,
  gradRule,
  isDifferentiable,
  markNotDifferentiable,
  notDifferentiableReason,
} from './registry.js';
