// The element decoder unit and its golden unpacked form (also used by the PE's test vectors).
export { decoderModule, decoderName } from './decoder';
export { unpackCode, type UnpackedValue } from './unpack';
