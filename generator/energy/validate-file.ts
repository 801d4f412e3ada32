/** The whole-array check's result, in the energy cache folder (validate.ts writes it, main.ts reads it). */
export const VALIDATION_FILE = 'validation.json';
/** The 2x2, T = 4 array's check (mapped module by module: Yosys' per-part mapping of it fails). */
export const VALIDATION_FILE_2X2 = 'validation-2x2.json';
/**
 * The margin stated for the compute extrapolation against the PE cells of a whole simulated array: the data differ
 * (tile scales there, 1x32 block scales in the per-op stream) and the PE cell is not the mx PE at k = T.
 */
export const VALIDATION_MARGIN = 0.25;
