/** The update-table page: one SGD step, θ ← θ − η·g, computed by @dendrite/optim. */
import '@dendrite/autograd'; // adds requiresGrad_(), backward() and .grad to every Tensor
import { SGD } from '@dendrite/optim';
import { tensor } from '@dendrite/tensor';

export interface UpdateRow {
  name: string;
  value: number;
  gradient: number;
  /** The value after the optimizer's step. */
  after: number;
}

/** The course's worked example: three weights and a bias with the gradients backprop gave them. */
export const COURSE_ROWS: readonly Omit<UpdateRow, 'after'>[] = [
  { name: 'w₁', value: 0.85, gradient: 0.12 },
  { name: 'w₂', value: -0.43, gradient: -0.08 },
  { name: 'w₃', value: 0.21, gradient: 0.005 },
  { name: 'bias', value: 0.3, gradient: 0.35 },
];

/** One `new SGD(params, { lr }).step()` over float64 parameters whose `.grad` holds the gradients. */
export function updateStep(lr = 0.01, rows: readonly Omit<UpdateRow, 'after'>[] = COURSE_ROWS): UpdateRow[] {
  const params = rows.map((r) => tensor(r.value, { dtype: 'float64' }).requiresGrad_());
  params.forEach((p, i) => {
    p.grad = tensor(rows[i].gradient, { dtype: 'float64' });
  });
  new SGD(params, { lr }).step();
  return rows.map((r, i) => ({ ...r, after: params[i].itemSync() }));
}
