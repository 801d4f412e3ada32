// The written parts of reports/synth.md that concern the PEs: what dominates each PE (computed from the
// measured breakdown, so the text follows the figures), and the MXSF optimisation log.

import type { SynthRecord } from '../config';

export interface NoteRow extends SynthRecord {
  readonly parts: readonly { readonly name: string; readonly count: number; readonly transistors: number }[];
}

/** Unit -> paragraph(s) appended under that unit's tables. */
export const UNIT_NOTES: Readonly<Record<string, (rows: readonly NoteRow[]) => string>> = {
  pe: (rows) => '',
};

export const PE_OPTIMISATION_LOG: readonly string[] = [];
