// Reusable building blocks for RTL units.
export { pipeline, type PipelineOptions, type PipelineOutputs } from './pipeline';
export { leadingZeros, lzcModule } from './lzc';
export { maxTree, sumTree } from './trees';
export { stageControl, type StageControl, type StageControlOptions } from './pipeline';
export { DelayEstimator, operatorDelay, type ModuleArrival } from './delay';
export {
  Stager, UNSTAGED, stagedModule, plannedPipeline, pipelinedUnit, planPipeline, probePoints, chooseBoundaries, specSuffix, specStages, stagesOf,
  type StageSpec, type SpecPoint, type StagedFactory, type PipelinePlan, type Candidate, type StagerOptions, type PipelinedUnitOptions,
} from './stager';
