/** The whole-array check's result, in the energy cache folder (validate.ts writes it, main.ts reads it). */
export const VALIDATION_FILE = 'validation.json';
