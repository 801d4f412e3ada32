// Every regression suite, one import per unit, in the order `make sim` runs them.

import type { Suite } from './suite';

export const SUITES: readonly Suite[] = [];
