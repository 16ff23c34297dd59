/**
 * @dendrite/optim — optimizers (SGD, Adam, AdamW) with PyTorch's update rules, parameter groups
 * and state dicts; learning-rate schedules; gradient clipping; gradient accumulation.
 */

export { accumulateGradients } from './accumulate.js';
export { Adam, type AdamOptions, type AdamState, AdamW } from './adam.js';
export {
  type ClipGradNormOptions,
  clipGradNorm,
  clipGradNormSync,
  clipGradValue,
  type ParamsLike,
} from './clip.js';
export { type DecayGroup, decayGroups } from './groups.js';
export {
  type BaseOptions,
  Optimizer,
  type ParamGroup,
  type ParamGroupSpec,
  type ParamState,
  type ParamsInput,
} from './optimizer.js';
export {
  type CosineOptions,
  type CosineWithWarmupOptions,
  constant,
  cosine,
  cosineWithWarmup,
  type LinearScheduleOptions,
  linearSchedule,
  type Schedule,
  type StepDecayOptions,
  sequential,
  stepDecay,
  warmup,
} from './schedule.js';
export { type HasParamGroups, LRScheduler, type LRSchedulerState, setLearningRate } from './scheduler.js';
export { SGD, type SGDOptions, type SGDState } from './sgd.js';
export {
  type OptimizerStateDict,
  type OptimizerStateInput,
  type OptimizerStateJSON,
  optimizerStateFromJSON,
  optimizerStateToJSON,
  optimizerStateToJSONSync,
  type SerializedTensor,
  type StateValue,
} from './state-dict.js';
