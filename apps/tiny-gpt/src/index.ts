/**
 * tiny-gpt as a library: the same training, sampling and evaluation the CLI runs.
 */

export { type BenchOptions, benchTraining, findShakespeare } from './bench.js';
export { FILES } from './checkpoint.js';
export { main, VERSION } from './cli.js';
export { builtInCorpus } from './corpus.js';
export { loadText, TokenDataset } from './data.js';
export { DivergedError, EXIT, UserError } from './errors.js';
export { type EvalOptions, type EvalResult, evaluateCheckpoint } from './evaluate.js';
export {
  COMMANDS,
  type CommandName,
  type CommandSpec,
  type FlagSpec,
  helpText,
  parseCommandLine,
} from './flags.js';
export {
  encodeModelWeights,
  identityMetadata,
  type RunIdentity,
  runFolderFiles,
  runIdentityFiles,
  sha256Hex,
} from './format.js';
export {
  EXPORTED_TOKENIZER,
  type ExportRunOptions,
  exportRun,
  type ImportRunOptions,
  importRun,
} from './interop.js';
export { type LossPoint, type LossSeries, lossCurveSVG } from './plot.js';
export { type PrepareOptions, prepare, SHAKESPEARE_URL } from './prepare.js';
export {
  barReporter,
  defaultReporter,
  lineReporter,
  type Progress,
  quietReporter,
  type Reporter,
} from './reporter.js';
export { continueText, type SampleOptions, sampleText } from './sample.js';
export {
  type RunSettings,
  TRAIN_SETTINGS,
  type TrainSettings,
} from './settings.js';
export {
  countStep,
  measureStep,
  type StepCounts,
  type StepMeasure,
  type StepOptions,
} from './step-counts.js';
export { type TrainOptions, type TrainResult, train } from './train.js';
export type { TrainerState } from './trainer-state.js';
