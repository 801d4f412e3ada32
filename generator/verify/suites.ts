// Every regression suite, one import per unit, in the order `make sim` runs them.

import type { Suite } from './suite';
import { decoderSuite } from './suites/decoder';
import { quantizerSuite } from './suites/quantizer';
import { fp32Suite } from './suites/fp32';
import { tileSuite } from './suites/tile';
import { peSuite } from './suites/pe';
import { arraySuite } from './suites/array';

export const SUITES: readonly Suite[] = [decoderSuite, quantizerSuite, fp32Suite, tileSuite, peSuite, arraySuite];
