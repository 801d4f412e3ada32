/** The whole-array check's result, in the energy cache folder (validate.ts writes it, main.ts reads it). */
export const VALIDATION_FILE = 'validation.json';
/** The 2x2, T = 4 array's check (flat netlist: Yosys' per-part mapping of it fails). */
export const VALIDATION_FILE_2X2 = 'validation-2x2.json';
