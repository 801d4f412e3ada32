// The command registry: one import line and one list entry per command, in the order `mxgen --help` shows.

import type { Command } from '../command';
import { decodeCommand } from './decode';
import { encodeCommand } from './encode';
import { energyCommand } from './energy';
import { formatsCommand } from './formats';
import { generateCommand, generateUnitCommands } from './generate';
import { gemmCommand } from './gemm';
import { quantizeCommand } from './quantize';
import { regressCommand, regressMergeCommand } from './regress';
import { simQuantizeCommand } from './sim-quantize';
import { simGemmCommand } from './sim-gemm';
import { simTrainStepCommand } from './sim-train-step';
import { studyCommand } from './study';
import { trainStepCommand } from './train-step';
import { unitsCommand } from './units';

export const COMMANDS: readonly Command[] = [
  formatsCommand,
  generateCommand,
  ...generateUnitCommands,
  unitsCommand,
  quantizeCommand,
  simQuantizeCommand,
  gemmCommand,
  simGemmCommand,
  encodeCommand,
  decodeCommand,
  trainStepCommand,
  simTrainStepCommand,
  studyCommand,
  energyCommand,
  regressCommand,
  regressMergeCommand,
];
