// Faster, bit-identical versions of the golden model's quantize / gemm / gemmBf16 for the format study.
//
// Nothing here changes semantics: every result must equal the golden model's bits (test/study/fast-gemm.test.ts
// compares them on random inputs for every format, block shape and scale mode). The speed comes from
//  - quantizeFast: a two-pass block quantizer (block amax, then one table-driven rounding per element with the
//    double-precision round-half-even trick (y + 2^52) - 2^52, exact for 0 <= y < 2^52);
//  - gemmQuantizedFast: padded operand views and a 2x4 register-blocked chunk kernel. A chunk sum of exact
//    element products is exact in a double whenever sum |products| < 2^(L+52) (L = the lowest product LSB);
//    for every format pair except those with E5M2 this holds for any inputs (checked from the format table),
//    for E5M2 it is checked per chunk pair, and chunks that fail it or hold NaN/Inf fall back to the golden
//    model's own exact routines (roundedChunkSum / chunkDot). Any exact computation of the same sum rounds
//    to the same FP32 bits, so the result equals the golden GEMM. Because the sum is exact, products with
//    a zero A element are left out (per row pair and chunk; MNIST pixels and ReLU outputs are mostly zero).
//  - gemmBf16Fast: the same pairwise tree as the golden BF16 baseline (depth first, in locals), on
//    pre-rounded transposed operands; the FP32 rounding of each product is skipped only when a range check
//    proves it is the identity (a BF16*BF16 product has at most 16 significant bits).
//  - gemmFp32: the plain FP32 reference GEMM of the study (not a golden-model routine).

import {
  E8M0,
  FORMAT_TABLE,
  chunkDot,
  chunkLength,
  classifyCode,
  decodeTable,
  emaxElem,
  floorLog2Fp32Mag,
  fp32BitsToBf16Bits,
  lsbExp,
  lsbExpTable,
  maxMagCode,
  maxNormal,
  pairwiseTree,
  pow2,
  regionLayout,
  roundedChunkSum,
  scaleCode,
  sharedExponent,
  ShapeError,
  DEFAULT_BLOCK_A,
  DEFAULT_BLOCK_B,
  type BlockShape,
  type FormatName,
  type FormatSpec,
  type GemmOptions,
  type Matrix,
  type QuantizedMatrix,
  type ScaleMode,
} from '../golden/index';

const TWO52 = 4503599627370496;

function f32View(m: Matrix): Float32Array {
  return new Float32Array(m.bits.buffer, m.bits.byteOffset, m.bits.length);
}

/** Per-format rounding tables: for a binade p of the scaled value, the quantum exponent and the code base. */
interface ElementRounder {
  readonly isInt: boolean;
  readonly signBit: number;
  readonly maxMag: number;
  readonly emax: number; // emax_elem: above it the magnitude saturates
  readonly pMin: number; // lowest binade that belongs to a normal region
  readonly qeTab: Int32Array; // quantum exponent per binade p - pMin
  readonly baseTab: Int32Array; // mag = base + n per binade p - pMin
  readonly floorQe: number; // quantum of the bottom linear subnormals
  readonly intScale: number; // 2^fracBits for integer formats
  readonly intMask: number;
}

const rounderCache = new Map<FormatSpec, ElementRounder>();

function elementRounder(f: FormatSpec): ElementRounder {
  let r = rounderCache.get(f);
  if (r) return r;
  if (f.kind === 'int') {
    r = {
      isInt: true, signBit: 0, maxMag: maxMagCode(f), emax: emaxElem(f), pMin: 0,
      qeTab: new Int32Array(0), baseTab: new Int32Array(0), floorQe: 0,
      intScale: pow2(f.fracBits), intMask: (1 << f.bits) - 1,
    };
  } else {
    const { regions, floorQuantumExp } = regionLayout(f);
    const emax = emaxElem(f);
    const pMin = regions[regions.length - 1].emin;
    const n = Math.max(0, emax - pMin + 1);
    const qeTab = new Int32Array(n);
    const baseTab = new Int32Array(n);
    for (let p = pMin; p <= emax; p++) {
      const reg = regions.find((x) => p >= x.emin)!;
      const m = reg.manBits;
      qeTab[p - pMin] = p - m;
      baseTab[p - pMin] = reg.baseCode + (p - reg.emin) * (1 << m) - (1 << m);
    }
    r = {
      isInt: false, signBit: 1 << (f.expBits + f.manBits), maxMag: maxMagCode(f), emax, pMin,
      qeTab, baseTab, floorQe: floorQuantumExp, intScale: 1, intMask: 0,
    };
  }
  rounderCache.set(f, r);
  return r;
}

function encodeInt(
  R: ElementRounder, bits: Uint32Array, vals: Float32Array, codes: Uint8Array, rows: number, cols: number,
  br: number, gridCols: number, colBlock: Int32Array, special: Uint8Array, invScale: Float64Array,
): void {
  const maxMag = R.maxMag;
  const mask = R.intMask;
  const intScale = R.intScale;
  for (let r = 0; r < rows; r++) {
    const g0 = Math.floor(r / br) * gridCols;
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const i = o + c;
      const v = vals[i];
      if (v === 0) continue; // code 0 (one zero)
      const g = g0 + colBlock[c];
      if (special[g]) continue;
      const y = Math.abs(v) * invScale[g] * intScale; // exact power-of-two scalings; y < 2^(fracBits+1)
      let n = (y + TWO52 - TWO52) | 0;
      if (n > maxMag) n = maxMag;
      codes[i] = bits[i] >>> 31 === 1 ? -n & mask : n;
    }
  }
}

function encodeFloat(
  R: ElementRounder, bits: Uint32Array, vals: Float32Array, codes: Uint8Array, rows: number, cols: number,
  br: number, gridCols: number, colBlock: Int32Array, special: Uint8Array, invScale: Float64Array, sharedExp: Int32Array,
): void {
  const { signBit, maxMag, emax, pMin, qeTab, baseTab, floorQe } = R;
  const floorMul = pow2(-floorQe);
  for (let r = 0; r < rows; r++) {
    const g0 = Math.floor(r / br) * gridCols;
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const i = o + c;
      const b = bits[i];
      const mag = b & 0x7fffffff;
      const sign = b >>> 31 === 1 ? signBit : 0;
      const g = g0 + colBlock[c];
      if (special[g]) continue;
      if (mag === 0) {
        codes[i] = sign;
        continue;
      }
      const a = Math.abs(vals[i]) * invScale[g]; // q, exact
      const e = mag >>> 23;
      const p = (e !== 0 ? e - 127 : floorLog2Fp32Mag(mag)) - sharedExp[g]; // floor(log2 q), from the bits
      let mg: number;
      if (p > emax) mg = maxMag;
      else if (p >= pMin) {
        const y = a * pow2(-qeTab[p - pMin]); // exact; y < 2^(m+1)
        mg = baseTab[p - pMin] + ((y + TWO52 - TWO52) | 0);
        if (mg > maxMag) mg = maxMag;
      } else {
        const y = a * floorMul; // exact; below the floor's top
        mg = (y + TWO52 - TWO52) | 0;
      }
      codes[i] = sign | mg;
    }
  }
}

/** Bit-identical to golden `quantize` (contract sections 1.2, 2, 3). */
export function quantizeFast(m: Matrix, format: FormatName, block: BlockShape, scaleMode: ScaleMode = 'floor'): QuantizedMatrix {
  const f = FORMAT_TABLE[format];
  const R = elementRounder(f);
  const { rows, cols } = m;
  const br = block.rows;
  const bc = block.cols;
  const gridRows = Math.ceil(rows / br);
  const gridCols = Math.ceil(cols / bc);
  const nBlocks = gridRows * gridCols;
  const bits = m.bits;
  const vals = f32View(m);
  const colBlock = new Int32Array(cols);
  for (let c = 0; c < cols; c++) colBlock[c] = Math.floor(c / bc);
  // pass 1: amax (as magnitude bits) and specials per block
  const amax = new Uint32Array(nBlocks);
  const special = new Uint8Array(nBlocks);
  for (let r = 0; r < rows; r++) {
    const g0 = Math.floor(r / br) * gridCols;
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const mag = bits[o + c] & 0x7fffffff;
      const g = g0 + colBlock[c];
      if (mag > amax[g]) amax[g] = mag;
    }
  }
  for (let g = 0; g < nBlocks; g++) if (amax[g] >= 0x7f800000) special[g] = 1;
  const scales = new Uint8Array(nBlocks);
  const invScale = new Float64Array(nBlocks); // 2^-shared_exp
  const sharedExp = new Int32Array(nBlocks);
  for (let g = 0; g < nBlocks; g++) {
    if (special[g]) scales[g] = E8M0.nanCode;
    else if (amax[g] === 0) scales[g] = 0;
    else {
      const code = scaleCode(sharedExponent(f, amax[g], scaleMode));
      scales[g] = code;
      sharedExp[g] = code - E8M0.bias;
      invScale[g] = pow2(E8M0.bias - code);
    }
  }
  // pass 2: element codes (blocks with a NaN/Inf input keep all codes +0)
  const codes = new Uint8Array(rows * cols);
  if (R.isInt) encodeInt(R, bits, vals, codes, rows, cols, br, gridCols, colBlock, special, invScale);
  else encodeFloat(R, bits, vals, codes, rows, cols, br, gridCols, colBlock, special, invScale, sharedExp);
  return { format, block, scaleMode, rows, cols, gridRows, gridCols, scales, codes };
}

function checkShapes(a: { rows: number; cols: number }, b: { rows: number; cols: number }, c?: Matrix): void {
  if (a.cols !== b.rows) {
    throw new ShapeError(`A is ${a.rows}x${a.cols} and B is ${b.rows}x${b.cols}: A's columns must equal B's rows (K)`);
  }
  if (c && (c.rows !== a.rows || c.cols !== b.cols)) {
    throw new ShapeError(`C is ${c.rows}x${c.cols} but A*B is ${a.rows}x${b.cols}`);
  }
}

/** Bit-identical to golden `gemm`: quantize both operands, then multiply. */
export function gemmFast(a: Matrix, b: Matrix, opts: GemmOptions): Matrix {
  const blockA = opts.blockA ?? DEFAULT_BLOCK_A;
  const blockB = opts.blockB ?? DEFAULT_BLOCK_B;
  chunkLength(blockA, blockB);
  checkShapes(a, b, opts.c);
  const mode = opts.scaleMode ?? 'floor';
  const qa = quantizeFast(a, opts.formatA, blockA, mode);
  const qb = quantizeFast(b, opts.formatB ?? opts.formatA, blockB, mode);
  return gemmQuantizedFast(qa, qb, opts.c);
}

/** Operand laid out along K, padded to whole chunks and to a multiple of `lineAlign` lines. */
interface FastView {
  vals: Float32Array; // paddedLines x Kp exact element values (every element value fits FP32 exactly)
  scale: Uint8Array; // paddedLines x chunks
  bad: Uint8Array; // paddedLines x chunks: NaN scale or a NaN/Inf code in the chunk
  ratio: Float64Array | null; // paddedLines x chunks: maxAbs / 2^minLsb (only when exactness is not static)
}

const finiteCache = new Map<FormatSpec, Uint8Array>();
function finiteTable(f: FormatSpec): Uint8Array {
  let t = finiteCache.get(f);
  if (!t) {
    const n = decodeTable(f).length;
    t = new Uint8Array(n);
    for (let c = 0; c < n; c++) t[c] = classifyCode(f, c) === 'finite' ? 1 : 0;
    finiteCache.set(f, t);
  }
  return t;
}

function fastView(q: QuantizedMatrix, alongRows: boolean, k: number, K: number, lineAlign: number, wantRatio: boolean): FastView {
  const f = FORMAT_TABLE[q.format];
  const table = decodeTable(f);
  const fin = finiteTable(f);
  const lsbT = lsbExpTable(f);
  const lines = alongRows ? q.rows : q.cols;
  const padded = Math.ceil(lines / lineAlign) * lineAlign;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const vals = new Float32Array(padded * Kp);
  const scale = new Uint8Array(padded * chunks);
  const bad = new Uint8Array(padded * chunks);
  const codes = q.codes;
  if (alongRows) {
    for (let l = 0; l < lines; l++) {
      const src = l * K;
      const dst = l * Kp;
      for (let kk = 0; kk < K; kk++) {
        const code = codes[src + kk];
        vals[dst + kk] = table[code];
        if (!fin[code]) bad[l * chunks + Math.floor(kk / k)] = 1;
      }
    }
  } else {
    const N = q.cols;
    for (let kk = 0; kk < K; kk++) {
      const src = kk * N;
      const ch = Math.floor(kk / k);
      for (let l = 0; l < N; l++) {
        const code = codes[src + l];
        vals[l * Kp + kk] = table[code];
        if (!fin[code]) bad[l * chunks + ch] = 1;
      }
    }
  }
  const br = q.block.rows;
  const bc = q.block.cols;
  for (let l = 0; l < lines; l++) {
    for (let ch = 0; ch < chunks; ch++) {
      const kk = ch * k;
      const r = alongRows ? l : kk;
      const c = alongRows ? kk : l;
      const s = q.scales[Math.floor(r / br) * q.gridCols + Math.floor(c / bc)];
      scale[l * chunks + ch] = s;
      if (s === E8M0.nanCode) bad[l * chunks + ch] = 1;
    }
  }
  let ratio: Float64Array | null = null;
  if (wantRatio) {
    ratio = new Float64Array(padded * chunks);
    for (let l = 0; l < lines; l++) {
      for (let ch = 0; ch < chunks; ch++) {
        let maxAbs = 0;
        let minLsb = Infinity;
        const k1 = Math.min(K, ch * k + k);
        for (let kk = ch * k; kk < k1; kk++) {
          const code = alongRows ? codes[l * K + kk] : codes[kk * q.cols + l];
          const v = Math.abs(table[code]);
          if (v !== 0 && fin[code]) {
            if (v > maxAbs) maxAbs = v;
            if (lsbT[code] < minLsb) minLsb = lsbT[code];
          }
        }
        ratio[l * chunks + ch] = maxAbs === 0 ? 0 : maxAbs * pow2(-minLsb);
      }
    }
  }
  return { vals, scale, bad, ratio };
}

/** True when any chunk of k products of these formats is exact in a double (contract section 4, step 1). */
export function chunkAlwaysExact(fa: FormatSpec, fb: FormatSpec, k: number): boolean {
  const ra = maxNormal(fa) * pow2(-lsbExp(fa));
  const rb = maxNormal(fb) * pow2(-lsbExp(fb));
  return ra * rb * k < TWO52;
}

const FACTOR = (() => {
  const t = new Float64Array(2 * 255);
  for (let s = 0; s < t.length; s++) t[s] = pow2(s - 2 * E8M0.bias);
  return t;
})();

const ROWS = 2;
const COLS = 4;

/** Bit-identical to golden `gemmQuantized`. */
export function gemmQuantizedFast(qa: QuantizedMatrix, qb: QuantizedMatrix, c?: Matrix): Matrix {
  const k = chunkLength(qa.block, qb.block);
  checkShapes(qa, qb, c);
  const M = qa.rows;
  const K = qa.cols;
  const N = qb.cols;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const fa = FORMAT_TABLE[qa.format];
  const fb = FORMAT_TABLE[qb.format];
  const exact = chunkAlwaysExact(fa, fb, k);
  const A = fastView(qa, true, k, K, ROWS, !exact);
  const B = fastView(qb, false, k, K, COLS, !exact);
  // Sparse A: per (row pair, chunk), the offsets t where either row is non-zero. A chunk sum is exact, so
  // leaving out zero products changes no bit (a zero sum gives +0 either way). MNIST pixels and ReLU
  // activations are mostly zeros.
  const pairs = Math.ceil(M / ROWS);
  const nzCount = new Int32Array(pairs * chunks);
  const nzIdx = new Int32Array(pairs * Kp);
  for (let pr = 0; pr < pairs; pr++) {
    const a0 = ROWS * pr * Kp;
    const a1 = a0 + Kp;
    for (let ch = 0; ch < chunks; ch++) {
      let n = 0;
      const base = pr * Kp + ch * k;
      for (let t = 0; t < k; t++) {
        const o = ch * k + t;
        if (A.vals[a0 + o] !== 0 || A.vals[a1 + o] !== 0) nzIdx[base + n++] = t;
      }
      nzCount[pr * chunks + ch] = n;
    }
  }
  const Av = A.vals;
  const Bv = B.vals;
  const As = A.scale;
  const Bs = B.scale;
  const Ab = A.bad;
  const Bb = B.bad;
  const Ar = A.ratio;
  const Br = B.ratio;
  const out = new Uint32Array(M * N);
  const outF = new Float32Array(out.buffer);
  const cF = c ? f32View(c) : null;
  const aCodes = new Uint8Array(k);
  const bCodes = new Uint8Array(k);
  const limit = TWO52 / k;

  // one chunk the slow, golden way: specials, NaN scales, and chunk pairs not provably exact in a double
  const slow = (i: number, j: number, ch: number): number => {
    if (i >= M || j >= N) return 0;
    const k0 = ch * k;
    const k1 = Math.min(K, k0 + k);
    for (let t = k0; t < k1; t++) {
      aCodes[t - k0] = qa.codes[i * K + t];
      bCodes[t - k0] = qb.codes[t * N + j];
    }
    const bits = chunkDot(fa, aCodes.subarray(0, k1 - k0), As[i * chunks + ch], fb, bCodes.subarray(0, k1 - k0), Bs[j * chunks + ch]);
    return bitsToF(bits);
  };
  const fin = (s: number, i: number, j: number, ch: number, ia: number, ib: number): number => {
    if (Ab[ia] | Bb[ib]) return slow(i, j, ch);
    if (!exact && Ar![ia] * Br![ib] >= limit) return slow(i, j, ch);
    return s === 0 ? 0 : Math.fround(s * FACTOR[As[ia] + Bs[ib]]);
  };

  const Mp = Math.ceil(M / ROWS) * ROWS;
  const Np = Math.ceil(N / COLS) * COLS;
  const init = (i: number, j: number): number => (cF && i < M && j < N ? cF[i * N + j] : 0);
  // j outer: one 4-column strip of B stays in cache while every row pair of A passes over it
  for (let j = 0; j < Np; j += COLS) {
    for (let i = 0; i < Mp; i += ROWS) {
      let c00 = init(i, j), c01 = init(i, j + 1), c02 = init(i, j + 2), c03 = init(i, j + 3);
      let c10 = init(i + 1, j), c11 = init(i + 1, j + 1), c12 = init(i + 1, j + 2), c13 = init(i + 1, j + 3);
      for (let ch = 0; ch < chunks; ch++) {
        const a0 = i * Kp + ch * k;
        const a1 = a0 + Kp;
        const b0 = j * Kp + ch * k;
        const b1 = b0 + Kp;
        const b2 = b1 + Kp;
        const b3 = b2 + Kp;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        const pair = i / ROWS;
        const nz = nzCount[pair * chunks + ch];
        if (nz === k) {
          for (let t = 0; t < k; t++) {
            const x0 = Av[a0 + t];
            const x1 = Av[a1 + t];
            const y0 = Bv[b0 + t];
            const y1 = Bv[b1 + t];
            const y2 = Bv[b2 + t];
            const y3 = Bv[b3 + t];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          }
        } else {
          const base = pair * Kp + ch * k;
          for (let u = 0; u < nz; u++) {
            const t = nzIdx[base + u];
            const x0 = Av[a0 + t];
            const x1 = Av[a1 + t];
            const y0 = Bv[b0 + t];
            const y1 = Bv[b1 + t];
            const y2 = Bv[b2 + t];
            const y3 = Bv[b3 + t];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
          }
        }
        const ia0 = i * chunks + ch;
        const ia1 = ia0 + chunks;
        const ib0 = j * chunks + ch;
        const ib1 = ib0 + chunks;
        const ib2 = ib1 + chunks;
        const ib3 = ib2 + chunks;
        if ((Ab[ia0] | Ab[ia1] | Bb[ib0] | Bb[ib1] | Bb[ib2] | Bb[ib3]) === 0) {
          const xa0 = As[ia0];
          const xa1 = As[ia1];
          const xb0 = Bs[ib0];
          const xb1 = Bs[ib1];
          const xb2 = Bs[ib2];
          const xb3 = Bs[ib3];
          if (exact) {
            c00 = Math.fround(c00 + (s00 === 0 ? 0 : Math.fround(s00 * FACTOR[xa0 + xb0])));
            c01 = Math.fround(c01 + (s01 === 0 ? 0 : Math.fround(s01 * FACTOR[xa0 + xb1])));
            c02 = Math.fround(c02 + (s02 === 0 ? 0 : Math.fround(s02 * FACTOR[xa0 + xb2])));
            c03 = Math.fround(c03 + (s03 === 0 ? 0 : Math.fround(s03 * FACTOR[xa0 + xb3])));
            c10 = Math.fround(c10 + (s10 === 0 ? 0 : Math.fround(s10 * FACTOR[xa1 + xb0])));
            c11 = Math.fround(c11 + (s11 === 0 ? 0 : Math.fround(s11 * FACTOR[xa1 + xb1])));
            c12 = Math.fround(c12 + (s12 === 0 ? 0 : Math.fround(s12 * FACTOR[xa1 + xb2])));
            c13 = Math.fround(c13 + (s13 === 0 ? 0 : Math.fround(s13 * FACTOR[xa1 + xb3])));
          } else {
            // per chunk pair: exact in a double when maxAbs products * k < 2^(L + 52)
            const ra0 = Ar![ia0];
            const ra1 = Ar![ia1];
            const rb0 = Br![ib0];
            const rb1 = Br![ib1];
            const rb2 = Br![ib2];
            const rb3 = Br![ib3];
            c00 = Math.fround(c00 + (ra0 * rb0 < limit ? chunkValue(s00, FACTOR[xa0 + xb0]) : slow(i, j, ch)));
            c01 = Math.fround(c01 + (ra0 * rb1 < limit ? chunkValue(s01, FACTOR[xa0 + xb1]) : slow(i, j + 1, ch)));
            c02 = Math.fround(c02 + (ra0 * rb2 < limit ? chunkValue(s02, FACTOR[xa0 + xb2]) : slow(i, j + 2, ch)));
            c03 = Math.fround(c03 + (ra0 * rb3 < limit ? chunkValue(s03, FACTOR[xa0 + xb3]) : slow(i, j + 3, ch)));
            c10 = Math.fround(c10 + (ra1 * rb0 < limit ? chunkValue(s10, FACTOR[xa1 + xb0]) : slow(i + 1, j, ch)));
            c11 = Math.fround(c11 + (ra1 * rb1 < limit ? chunkValue(s11, FACTOR[xa1 + xb1]) : slow(i + 1, j + 1, ch)));
            c12 = Math.fround(c12 + (ra1 * rb2 < limit ? chunkValue(s12, FACTOR[xa1 + xb2]) : slow(i + 1, j + 2, ch)));
            c13 = Math.fround(c13 + (ra1 * rb3 < limit ? chunkValue(s13, FACTOR[xa1 + xb3]) : slow(i + 1, j + 3, ch)));
          }
        } else {
          c00 = Math.fround(c00 + fin(s00, i, j, ch, ia0, ib0));
          c01 = Math.fround(c01 + fin(s01, i, j + 1, ch, ia0, ib1));
          c02 = Math.fround(c02 + fin(s02, i, j + 2, ch, ia0, ib2));
          c03 = Math.fround(c03 + fin(s03, i, j + 3, ch, ia0, ib3));
          c10 = Math.fround(c10 + fin(s10, i + 1, j, ch, ia1, ib0));
          c11 = Math.fround(c11 + fin(s11, i + 1, j + 1, ch, ia1, ib1));
          c12 = Math.fround(c12 + fin(s12, i + 1, j + 2, ch, ia1, ib2));
          c13 = Math.fround(c13 + fin(s13, i + 1, j + 3, ch, ia1, ib3));
        }
      }
      store(outF, out, M, N, i, j, c00);
      store(outF, out, M, N, i, j + 1, c01);
      store(outF, out, M, N, i, j + 2, c02);
      store(outF, out, M, N, i, j + 3, c03);
      store(outF, out, M, N, i + 1, j, c10);
      store(outF, out, M, N, i + 1, j + 1, c11);
      store(outF, out, M, N, i + 1, j + 2, c12);
      store(outF, out, M, N, i + 1, j + 3, c13);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** fp32(S * 2^(Xa+Xb-254)) for an exact chunk sum S; an exact zero gives +0. */
function chunkValue(s: number, factor: number): number {
  return s === 0 ? 0 : Math.fround(s * factor);
}

const cvF = new Float32Array(1);
const cvU = new Uint32Array(cvF.buffer);
function bitsToF(bits: number): number {
  cvU[0] = bits;
  return cvF[0];
}

/** Writes an FP32-valued double; NaN becomes the canonical NaN, as golden floatToBits does. */
function store(outF: Float32Array, out: Uint32Array, M: number, N: number, i: number, j: number, v: number): void {
  if (i >= M || j >= N) return;
  if (v !== v) out[i * N + j] = 0x7fc00000;
  else outF[i * N + j] = v;
}

/** Bit-identical to golden `gemmBf16`. */
export function gemmBf16Fast(a: Matrix, b: Matrix, c?: Matrix, k = 32): Matrix {
  checkShapes(a, b, c);
  if (!Number.isInteger(k) || k < 1) throw new ShapeError(`bf16 chunk length ${k} must be a positive integer`);
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  const chunks = Math.ceil(K / k);
  const Kp = chunks * k;
  const av = new Float64Array(M * Kp);
  const bv = new Float64Array(N * Kp); // transposed
  for (let i = 0; i < M; i++) for (let t = 0; t < K; t++) av[i * Kp + t] = bitsToF(fp32BitsToBf16Bits(a.bits[i * K + t]));
  for (let t = 0; t < K; t++) for (let j = 0; j < N; j++) bv[j * Kp + t] = bitsToF(fp32BitsToBf16Bits(b.bits[t * N + j]));
  const cF = c ? f32View(c) : null;
  const p = new Float64Array(k);
  const out = new Uint32Array(M * N);
  const outF = new Float32Array(out.buffer);
  // A product of two BF16 values has at most 16 significant bits, so rounding it to FP32 is the identity
  // unless it leaves the FP32 normal range; when no product can, the tree skips those roundings.
  const exactProducts = productsStayNormal(av, bv);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = cF ? cF[i * N + j] : 0;
      const ao = i * Kp;
      const bo = j * Kp;
      for (let k0 = 0; k0 < Kp; k0 += k) {
        let r: number;
        if (k === 32) r = exactProducts ? tree32Exact(av, bv, ao + k0, bo + k0) : tree32(av, bv, ao + k0, bo + k0);
        else {
          for (let t = 0; t < k; t++) p[t] = Math.fround(av[ao + k0 + t] * bv[bo + k0 + t]);
          r = pairwiseTree(p, k);
        }
        acc = Math.fround(acc + r);
      }
      store(outF, out, M, N, i, j, acc);
    }
  }
  return { rows: M, cols: N, bits: out };
}

/** True when every non-zero product a*b of finite values lies in [2^-126, 2^127]: FP32-exact products. */
function productsStayNormal(av: Float64Array, bv: Float64Array): boolean {
  const range = (x: Float64Array): [number, number] => {
    let lo = Infinity;
    let hi = 0;
    for (let i = 0; i < x.length; i++) {
      const a = Math.abs(x[i]);
      if (a !== a || a === Infinity) return [0, Infinity]; // NaN / Inf: take the exact path
      if (a !== 0) {
        if (a < lo) lo = a;
        if (a > hi) hi = a;
      }
    }
    return [lo, hi];
  };
  const [aLo, aHi] = range(av);
  const [bLo, bHi] = range(bv);
  if (aHi === 0 || bHi === 0) return true; // all products are zeros
  return aLo * bLo >= 2 ** -126 && aHi * bHi <= 2 ** 127;
}

/**
 * The golden pairwise tree for k = 32, evaluated depth first in locals: the same additions on the same
 * operands as pairwiseTree (adjacent pairs first, ((p0+p1)+(p2+p3))+...), so the same bits.
 */
function tree32(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const q8a = tree8(av, bv, ao, bo);
  const q8b = tree8(av, bv, ao + 8, bo + 8);
  const q8c = tree8(av, bv, ao + 16, bo + 16);
  const q8d = tree8(av, bv, ao + 24, bo + 24);
  return Math.fround(Math.fround(q8a + q8b) + Math.fround(q8c + q8d));
}

/** tree32 when no product needs rounding (see productsStayNormal). */
function tree32Exact(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const q8a = tree8Exact(av, bv, ao, bo);
  const q8b = tree8Exact(av, bv, ao + 8, bo + 8);
  const q8c = tree8Exact(av, bv, ao + 16, bo + 16);
  const q8d = tree8Exact(av, bv, ao + 24, bo + 24);
  return Math.fround(Math.fround(q8a + q8b) + Math.fround(q8c + q8d));
}

function tree8Exact(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const p01 = Math.fround(av[ao] * bv[bo] + av[ao + 1] * bv[bo + 1]);
  const p23 = Math.fround(av[ao + 2] * bv[bo + 2] + av[ao + 3] * bv[bo + 3]);
  const p45 = Math.fround(av[ao + 4] * bv[bo + 4] + av[ao + 5] * bv[bo + 5]);
  const p67 = Math.fround(av[ao + 6] * bv[bo + 6] + av[ao + 7] * bv[bo + 7]);
  return Math.fround(Math.fround(p01 + p23) + Math.fround(p45 + p67));
}

function tree8(av: Float64Array, bv: Float64Array, ao: number, bo: number): number {
  const p01 = Math.fround(Math.fround(av[ao] * bv[bo]) + Math.fround(av[ao + 1] * bv[bo + 1]));
  const p23 = Math.fround(Math.fround(av[ao + 2] * bv[bo + 2]) + Math.fround(av[ao + 3] * bv[bo + 3]));
  const p45 = Math.fround(Math.fround(av[ao + 4] * bv[bo + 4]) + Math.fround(av[ao + 5] * bv[bo + 5]));
  const p67 = Math.fround(Math.fround(av[ao + 6] * bv[bo + 6]) + Math.fround(av[ao + 7] * bv[bo + 7]));
  return Math.fround(Math.fround(p01 + p23) + Math.fround(p45 + p67));
}

/**
 * Plain FP32 GEMM for the fp32 reference (not a golden-model routine): C[i][j] accumulates A[i][t] * B[t][j]
 * in increasing t, each step rounded to FP32 (the product is exact in a double, the double sum is rounded
 * to FP32). Products with a zero A element are skipped (MNIST pixels and ReLU outputs are mostly zeros);
 * that only differs from a dense loop in the sign of an all-zero result or with Inf/NaN in B.
 */
export function gemmFp32(a: Matrix, b: Matrix): Matrix {
  checkShapes(a, b);
  const M = a.rows;
  const K = a.cols;
  const N = b.cols;
  const A = f32View(a);
  const B = f32View(b);
  const Np = Math.ceil(N / COLS) * COLS;
  const bt = new Float64Array(Np * K); // B transposed, padded with zero columns
  for (let t = 0; t < K; t++) for (let j = 0; j < N; j++) bt[j * K + t] = B[t * N + j];
  const Mp = Math.ceil(M / ROWS) * ROWS;
  const at = new Float64Array(Mp * K);
  for (let i = 0; i < M * K; i++) at[i] = A[i];
  const idx = new Int32Array(K);
  const out = new Float32Array(M * N);
  for (let i = 0; i < Mp; i += ROWS) {
    const a0 = i * K;
    const a1 = a0 + K;
    let nz = 0;
    for (let t = 0; t < K; t++) if (at[a0 + t] !== 0 || at[a1 + t] !== 0) idx[nz++] = t;
    for (let j = 0; j < Np; j += COLS) {
      const b0 = j * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      for (let u = 0; u < nz; u++) {
        const t = idx[u];
        const x0 = at[a0 + t];
        const x1 = at[a1 + t];
        const y0 = bt[b0 + t];
        const y1 = bt[b1 + t];
        const y2 = bt[b2 + t];
        const y3 = bt[b3 + t];
        c00 = Math.fround(c00 + x0 * y0); c01 = Math.fround(c01 + x0 * y1); c02 = Math.fround(c02 + x0 * y2); c03 = Math.fround(c03 + x0 * y3);
        c10 = Math.fround(c10 + x1 * y0); c11 = Math.fround(c11 + x1 * y1); c12 = Math.fround(c12 + x1 * y2); c13 = Math.fround(c13 + x1 * y3);
      }
      put(out, M, N, i, j, c00); put(out, M, N, i, j + 1, c01); put(out, M, N, i, j + 2, c02); put(out, M, N, i, j + 3, c03);
      put(out, M, N, i + 1, j, c10); put(out, M, N, i + 1, j + 1, c11); put(out, M, N, i + 1, j + 2, c12); put(out, M, N, i + 1, j + 3, c13);
    }
  }
  return { rows: M, cols: N, bits: new Uint32Array(out.buffer) };
}

function put(out: Float32Array, M: number, N: number, r: number, c: number, v: number): void {
  if (r < M && c < N) out[r * N + c] = v;
}
