// The slow exact reference model (bigint dyadics), independent of generator/golden: only the format
// table's records are imported from the project.
export * from './dyadic';
export * from './fp32';
export * from './mx';
export * from './dot';
