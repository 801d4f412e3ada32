// Element encoder (contract 1.2) as a combinational module: one FP32/BF16 value x_i and the block's clamped
// shared exponent se_i -> the element code of round(x * 2^-se), round half to even, saturating.
//
// The input is exactly sig * 2^exp2 (sig = {e != 0, fraction}; FP32/BF16 subnormals are exact inputs).
// p = floor(log2 |x|) - se picks the region of the element format (regionLayout(): for MXSF the E2M5 region,
// the FP5 E3M2 region and the linear floor; for the OCP floats one region and the floor; MXINT8 is a floor
// only). The region fixes the quantum exponent qe (p - manBits of the region, or the floor quantum), and
//   n = RNE(sig * 2^(exp2 - qe))
// is one variable right shift of the significand with a round bit and a sticky bit. The shift amount is
//   sh = msb(sig) - (p - qe)
// which is the constant manBits(input) - manBits(region) for normal inputs in a normal region; only the
// floor and subnormal inputs make it vary. Where a subnormal input can need a left shift (BF16 inputs with a
// tiny shared exponent), the significand is pre-shifted by L bits (derived below from the reachable ranges).
// The magnitude code is then ((p - emin) << manBits) + n in a region (a round-up carries into the next
// binade, which is exact), n in the floor; above max normal it saturates. Zeros keep their sign; MXINT8
// converts the magnitude to two's complement (a negative value rounding to zero gives 0).

import { bitsFor, concat, leadingZeros, lit, mux, priority, type Expr, type Module } from '../../hdl';
import { type StageSpec, UNSTAGED, stagedModule } from '../../hdl/lib/stager';
import { codeBits, emaxElem, maxMagCode, regionLayout, type FormatName, type FormatSpec, FORMAT_TABLE, E8M0 } from '../../golden';
import { signedWidth } from '../common/unpacked';
import { formatId } from '../../formats/table';
import { inputFloat, SE_SHAPE, type InputFloat, type QuantInput } from './common';

export interface EncoderRegion {
  readonly emin: number;
  /** highest binade that can be encoded here (the format's emax_elem for the top region) */
  readonly emax: number;
  readonly manBits: number;
}

/** Everything the encoder hardware is built from, derived from the format table and the input layout. */
export interface EncoderPlan {
  readonly kind: 'float' | 'int';
  /** normal regions, top down (empty for integer formats) */
  readonly regions: readonly EncoderRegion[];
  /** quantum exponent of the floor (linear subnormals, or the integer LSB) */
  readonly fq: number;
  /** highest binade handled by the floor */
  readonly floorTop: number;
  /** emax_elem: binades above it saturate */
  readonly emax: number;
  /** largest finite magnitude code */
  readonly maxMag: number;
  /** bits of the magnitude field of the code (codeBits - 1) */
  readonly magBits: number;
  /** range of p = floor(log2|x|) - se over all inputs and shared exponents */
  readonly pMin: number;
  readonly pMax: number;
  /** pre-shift of the significand so that every reachable shift is a right shift */
  readonly L: number;
  /** width of the pre-shifted significand: input manBits + 1 + L */
  readonly sigWidth: number;
  /** shift amounts are clamped to this (everything is then below the round bit) */
  readonly shMax: number;
  /** bits of the rounded n (largest reachable n) */
  readonly nBits: number;
  /** bits of the unsaturated magnitude ((p - emin) << manBits) + n */
  readonly magPreBits: number;
}

export function encoderPlan(f: FormatSpec, inp: InputFloat): EncoderPlan {
  const manW = inp.manBits;
  const seMin = E8M0.minExp;
  const seMax = E8M0.maxExp;
  const emax = emaxElem(f);
  const magBits = codeBits(f) - 1;
  const maxMag = maxMagCode(f);
  let regions: EncoderRegion[] = [];
  let fq: number;
  let floorTop: number;
  if (f.kind === 'int') {
    fq = -f.fracBits;
    floorTop = emax;
  } else {
    const lay = regionLayout(f);
    regions = lay.regions.map((r, i) => ({ emin: r.emin, emax: i === 0 ? emax : r.emax, manBits: r.manBits }));
    fq = lay.floorQuantumExp;
    floorTop = regions[regions.length - 1]!.emin - 1;
  }
  // p of a subnormal input: msb(frac) - (bias + manW - 1) - se; of a normal one: e - bias - se
  const subOff = inp.bias + manW - 1;
  const pMin = -subOff - seMax;
  const pMax = 2 ** inp.expBits - 1 - inp.bias - seMin;

  // The smallest shift amount over every reachable (input kind, region) pair.
  const shifts: number[] = [];
  for (const r of regions) {
    if (manW < r.manBits) throw new Error(`${f.name}: ${inp.name} has fewer fraction bits than the ${r.manBits}-bit region`);
    shifts.push(manW - r.manBits); // normal input: constant
    // subnormal input in region r needs msb >= emin + subOff + se >= emin + subOff + seMin
    const msbMin = Math.max(0, r.emin + subOff + seMin);
    if (msbMin <= manW - 1) shifts.push(msbMin - r.manBits);
  }
  // floor, normal input: sh = fq - p + manW with p <= floorTop
  shifts.push(fq - floorTop + manW);
  // floor, subnormal input: sh = fq - exp2 = fq + subOff + se, with se large enough that p <= floorTop
  const seLo = Math.max(seMin, -subOff - floorTop);
  if (seLo <= seMax) shifts.push(fq + subOff + seLo);
  const L = Math.max(0, -Math.min(...shifts));
  const sigWidth = manW + 1 + L;
  const shMax = sigWidth + 1;

  const nMax = f.kind === 'int' ? 2 ** (emax + 1 - fq) : Math.max(2 ** f.manBits, ...regions.map((r) => 2 ** (r.manBits + 1)));
  const magPreMax = Math.max(nMax, ...regions.map((r) => (r.emax - r.emin) * 2 ** r.manBits + 2 ** (r.manBits + 1)));
  return {
    kind: f.kind,
    regions,
    fq,
    floorTop,
    emax,
    maxMag,
    magBits,
    pMin,
    pMax,
    L,
    sigWidth,
    shMax,
    nBits: bitsFor(nMax),
    magPreBits: bitsFor(magPreMax),
  };
}

export function elementEncoderName(format: FormatName, input: QuantInput): string {
  return `${formatId(format)}_enc_${input}`;
}

export function elementEncoderModule(format: FormatName, input: QuantInput, spec: StageSpec = UNSTAGED): Module {
  const f = FORMAT_TABLE[format];
  const inp = inputFloat(input);
  const plan = encoderPlan(f, inp);
  const W = inp.width;
  const manW = inp.manBits;
  const B = codeBits(f);
  const regionText = plan.regions.map((r) => `[2^${r.emin}, 2^${r.emax}] ${r.manBits} mantissa bits`).join('; ');
  return stagedModule(elementEncoderName(format, input), {
    doc: [
      `Encodes one ${inp.name.toUpperCase()} value x_i scaled by 2^-se_i into a ${format} element code (contract 1.2):`,
      'round half to even, saturation to max normal, signed zero kept, subnormal inputs exact.',
      plan.kind === 'int'
        ? `Integer format: n = RNE(|x| * 2^(${-plan.fq} - se)), clamped to ${plan.maxMag}, two's complement.`
        : `Regions (top down): ${regionText}; floor quantum 2^${plan.fq}.`,
      `One variable right shift with round and sticky bits (significand pre-shift L = ${plan.L}).`,
      'Special inputs (NaN/Inf) give an unspecified code: the block quantizer forces +0 for special blocks.',
      'Stage points: p, sh, n, out.',
    ].join('\n'),
    config: { format, input },
  }, spec, (m, st) => {
    const x = m.input('x_i', W, `one ${inp.name} value`);
    const se = m.input('se_i', SE_SHAPE, 'clamped shared exponent of the block (signed)');
    const codeO = m.output('code_o', B, `${format} element code`);

    const e = x.slice(W - 2, manW);
    const frac0 = x.slice(manW - 1, 0);
    const eNZ0 = m.let('e_nz', e.any(), 'x is a normal number (or special)');
    const lz = m.let('frac_lz', leadingZeros(frac0, 'lzc'), 'leading zeros of the fraction (subnormal x)');

    // msb position of sig = {e != 0, frac}: manW for normals, manW - 1 - lz for subnormals
    const MW = bitsFor(manW);
    const msb0 = m.let('sig_msb', mux(eNZ0, lit(manW, MW), lit(manW - 1, MW).sub(lz).trunc(MW).asUnsigned()), 'position of the leading one of the significand');

    // p = floor(log2 |x|) - se
    const P = signedWidth(plan.pMin, plan.pMax);
    const sP = { width: P, signed: true } as const;
    const pX = mux(eNZ0, e.sub(inp.bias).resize(P), lit(-inp.bias, sP).sub(lz).resize(P));
    const a = st.point('p', {
      sign: x.msb(),
      frac: frac0,
      eNZ: eNZ0,
      isZero: m.let('is_zero', eNZ0.or(frac0.any()).not(), 'x is +0 or -0'),
      msb: msb0,
      p: m.let('p', pX.sub(se).resize(P), 'floor(log2 |x * 2^-se|)'),
    });
    const { p, msb } = a;

    // region selection, top down (priority: the first region whose emin p reaches); the floor below
    const ge = plan.regions.map((r, i) => m.let(`p_ge_r${i}`, p.ge(r.emin), `p >= ${r.emin}: region ${i} or above`));
    const inRegion = <T extends Expr>(values: readonly T[], floor: Expr): Expr =>
      priority(plan.regions.map((_, i) => [ge[i]!, values[i]!] as const), floor);

    // p - qe: the region's mantissa width, or p - fq in the floor (truncated garbage elsewhere, never selected)
    const maxM = Math.max(0, ...plan.regions.map((r) => r.manBits));
    const T = signedWidth(Math.min(0, plan.pMin - plan.fq), Math.max(maxM, plan.floorTop - plan.fq));
    const sT = { width: T, signed: true } as const;
    const pq = m.let('p_minus_qe', inRegion(plan.regions.map((r) => lit(r.manBits, sT)), p.sub(plan.fq).resize(T)), 'p minus the quantum exponent');

    // right-shift amount of the (pre-shifted) significand, clamped to [0, shMax]
    const shLo = plan.L - Math.max(maxM, plan.floorTop - plan.fq);
    const shHi = plan.L + manW - Math.min(0, plan.pMin - plan.fq);
    const SH = signedWidth(shLo, shHi);
    const shRaw = m.let('sh_raw', (plan.L > 0 ? msb.zext(bitsFor(manW + plan.L)).add(plan.L) : msb).sub(pq).resize(SH), 'L + msb(sig) - (p - qe)');
    const SHW = bitsFor(plan.shMax);
    const sh0 = m.let(
      'sh',
      priority(
        [
          [shRaw.lt(0), lit(0, SHW)],
          [shRaw.gt(plan.shMax), lit(plan.shMax, SHW)],
        ],
        shRaw.resize(SHW).asUnsigned(),
      ),
      'clamped shift amount',
    );

    // magnitude code: ((p - emin) << manBits) + n in a region, n in the floor
    const MPB = plan.magPreBits;
    const bases = plan.regions.map((r) => {
      const D = bitsFor(r.emax - r.emin);
      return p.sub(r.emin).resize(D).asUnsigned().shl(r.manBits).resize(MPB);
    });
    const b = st.point('sh', {
      sign: a.sign,
      isZero: a.isZero,
      sig: concat(a.eNZ, a.frac),
      sh: sh0,
      base: m.let('mag_base', inRegion(bases, lit(0, MPB)), 'code of the binade start (0 in the floor)'),
      pSat: m.let('p_sat', p.gt(plan.emax), 'above the top binade: saturate'),
    });
    const sh = b.sh;

    // n = RNE(sig * 2^L >> sh): one shifter, the round bit below the kept bits, sticky from a mask
    const sig = b.sig;
    const sigX = plan.L > 0 ? sig.shl(plan.L) : sig;
    const SW = plan.sigWidth;
    const t = concat(sigX, lit(0, 1));
    const shifted = m.let('shifted', t.shrBy(sh), 'significand shifted right, round bit at [0]');
    const q = shifted.slice(SW, 1);
    const round = shifted.bit(0);
    const ones = lit((1n << BigInt(SW + 1)) - 1n, SW + 1);
    const sticky = m.let('sticky', t.and(ones.shlBy(sh).not()).any(), 'a bit below the round bit is set');
    const inc = round.and(sticky.or(q.bit(0)));
    const c = st.point('n', { sign: b.sign, isZero: b.isZero, base: b.base, pSat: b.pSat, n: m.let('n', q.add(inc).resize(plan.nBits), 'round half to even') });
    const { sign, isZero, n } = c;
    const magPre = m.let('mag_pre', c.base.add(n.resize(MPB)).resize(MPB), 'magnitude code before saturation');
    const sat = m.let('sat', c.pSat.or(magPre.gt(plan.maxMag)), 'above max normal: saturate');
    const mag = m.let(
      'mag',
      priority(
        [
          [isZero, lit(0, plan.magBits)],
          [sat, lit(plan.maxMag, plan.magBits)],
        ],
        magPre.resize(plan.magBits),
      ),
      'magnitude code',
    );
    let code: Expr;
    if (plan.kind === 'float') {
      code = concat(sign, mag);
    } else {
      const magB = mag.zext(B);
      code = mux(sign, lit(0, B).sub(magB).trunc(B).asUnsigned(), magB);
    }
    m.assign(codeO, st.finish({ code }).code);
  });
}
