import { getOpHook, isFloat, type OpEvent, setOpHook, type Tensor } from '@dendrite/tensor';
import { AutogradError } from './errors.js';
import { ensureMeta, getMeta } from './meta.js';
import { isGradEnabled } from './mode.js';
import { type Edge, Node } from './node.js';
import { gradRule, notDifferentiableReason } from './rules/index.js';

/** The edge from an input tensor back into the graph: its producing node, or itself as a leaf. */
export function edgeOf(t: Tensor): Edge {
  const m = getMeta(t);
  if (!m?.requiresGrad) return null;
  if (m.gradFn) return { kind: 'node', node: m.gradFn };
  return { kind: 'leaf', tensor: t };
}

/**
 * The op hook autograd installs in the tensor core: when grad mode is on and an input requires a
 * gradient, the op becomes a node of the graph and its output requires a gradient too.
 */
function record(event: OpEvent): void {
  if (!isGradEnabled()) return;
  let needs = false;
  for (const t of event.inputs) {
    const m = t.meta as { requiresGrad?: boolean } | undefined;
    if (m?.requiresGrad) {
      needs = true;
      break;
    }
  }
  if (!needs || !isFloat(event.output.dtype)) return;
  const rule = gradRule(event.op);
  if (!rule) {
    if (notDifferentiableReason(event.op) !== undefined) return;
    throw new AutogradError(
      `autograd: op '${event.op}' has no gradient rule and is not marked as not differentiable; register one with defineGrad()`,
    );
  }
  // The output's bookkeeping exists before the node saves anything: a saved output alias shares
  // this object, so it points at the node too (needed for gradients of gradients).
  const out = ensureMeta(event.output);
  const node = Node.fromEvent(event, rule, event.inputs.map(edgeOf));
  out.requiresGrad = true;
  out.gradFn = node;
}

let installed = false;

/** Installs the recording hook (done on import; idempotent). Chains to a hook installed before. */
export function installHook(): void {
  if (installed) return;
  installed = true;
  const previous = getOpHook();
  setOpHook(
    previous
      ? (e) => {
          previous(e);
          record(e);
        }
      : record,
  );
}
