// Module names of the PEs: every parameter is in the name.

import { BASELINE_BF16, formatId } from '../../golden/index';


/** The PE's operand part: 'mxsf' for a pair of equal formats, 'mxfp8e4m3_x_mxfp8e5m2' for a mixed pair. */
export function pairId(formatA: string, formatB: string): string {
  return formatA === formatB ? formatId(formatA) : `${formatId(formatA)}_x_${formatId(formatB)}`;
}

/** The config/report label of a pair: 'mxsf' or 'mxfp8-e4m3 x mxfp8-e5m2'. */
export function pairLabel(formatA: string, formatB: string): string {
  return formatA === formatB ? formatA : `${formatA} x ${formatB}`;
}

export const mxPeName = (formatA: string, formatB: string, k: number, depth: number): string => `${pairId(formatA, formatB)}_pe_k${k}_d${depth}`;
/** Name suffix of the PE options: `_acc` (accumulate in place), `_skid` (skid output buffer). */
export const peOptionSuffix = (o: { readonly acc?: boolean; readonly skid?: boolean }): string => `${o.acc ? '_acc' : ''}${o.skid ? '_skid' : ''}`;
export const mxChunkName = (formatA: string, formatB: string, k: number): string => `${pairId(formatA, formatB)}_chunk_k${k}`;
export const bf16PeName = (k: number, depth: number): string => `${BASELINE_BF16}_pe_k${k}_d${depth}`;

/** Largest chunk length `mxgen sim gemm` builds a PE for (the PE grows linearly with k). */
export const MAX_SIM_GEMM_K = 64;
