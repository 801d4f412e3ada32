// Generated MX processing element (issue: PE for every format and mixed pairs): one chunk of k element
// pairs with their two E8M0 scales, accumulated into an FP32 accumulator, exactly as formats.md section 4.
//
//   a_i [k*bitsA-1:0], b_i [k*bitsB-1:0]  element codes, element i in bits [i*w+w-1 : i*w]
//   xa_i, xb_i [7:0]                     E8M0 scales (0xFF = NaN)
//   acc_i [31:0]                         FP32 accumulator in
//   acc_o [31:0]                         fp32(acc_i + r), r = fp32(sum_i P_a,i P_b,i * 2^(xa+xb-254))
// with the stream handshake of generator/hdl/ports.ts and `depth` register stages (stages.ts).

import { type Module, ModuleBuilder } from '../../hdl/index';
import { FORMAT_TABLE, codeBits, type FormatName } from '../../golden/index';
import { fp32AddModule } from '../fp32/index';
import { DEFAULT_ARCH, archSuffix, reduceChunk, roundChunk, type PeArch } from './mx-chunk';
import { mxChunkName, mxPeName, pairLabel } from './names';
import { StageChain, stagePlan } from './stages';
import { peWidths, type PeWidths } from './widths';

export interface MxPeConfig {
  readonly formatA: FormatName;
  readonly formatB: FormatName;
  /** chunk length: element pairs per transaction */
  readonly k: number;
  /** register stages (0 = combinational) */
  readonly depth: number;
  /** micro-architecture of the reduction (default DEFAULT_ARCH); other choices add a suffix to the name */
  readonly arch?: PeArch;
}

const archText = (a: PeArch): string => `${a.sign === 'ones' ? 'one\'s-complement lanes' : 'negating lanes'}, ${a.tree === 'csa' ? 'Dadda compression' : 'adder tree'}`;

function headerDoc(cfg: MxPeConfig, w: PeWidths, what: string): string {
  return [
    what,
    '',
    'Datapath: k lanes: inline decode (unpacked sig * 2^(sh + lsbExp); for mxsf the ee != 00 / ee == 00 mode',
    'select) -> exact product sigA*sigB -> alignment by shA+shB into the fixed-point word below',
    ...((cfg.arch ?? DEFAULT_ARCH).sign === 'ones'
      ? ['(one\'s complement of negative products, made before the shift; +1 per negative lane in the reduction)']
      : ['(negative products negated in two\'s complement)']),
    `-> exact reduction (${(cfg.arch ?? DEFAULT_ARCH).tree === 'csa' ? 'Dadda column compression with the sign extensions folded into one constant, one adder' : 'balanced adder tree'})`,
    '-> |S| -> leading-zero count, normalise, one FP32 rounding (half to even, gradual underflow, overflow',
    '-> Inf) with the scale exponents -> NaN scale / NaN element / Inf*0 / Inf override -> FP32 add to acc_i.',
    '',
    'Fixed-point width (derived from the format table):',
    ...w.derivation.map((l) => `  ${l}`),
  ].join('\n');
}

function pePorts(m: ModuleBuilder, cfg: MxPeConfig) {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  return {
    a: m.input('a_i', cfg.k * codeBits(fa), `${cfg.k} ${cfg.formatA} codes, element i in bits [i*${codeBits(fa)}+${codeBits(fa) - 1}:i*${codeBits(fa)}]`),
    b: m.input('b_i', cfg.k * codeBits(fb), `${cfg.k} ${cfg.formatB} codes, element i in bits [i*${codeBits(fb)}+${codeBits(fb) - 1}:i*${codeBits(fb)}]`),
    xa: m.input('xa_i', 8, 'E8M0 scale of A (0xFF = NaN)'),
    xb: m.input('xb_i', 8, 'E8M0 scale of B (0xFF = NaN)'),
  };
}

/** The PE: chunk dot product plus FP32 accumulation. */
export function mxPeModule(cfg: MxPeConfig): Module {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  const w = peWidths(fa, fb, cfg.k);
  const plan = stagePlan(cfg.depth);
  const m = new ModuleBuilder(mxPeName(cfg.formatA, cfg.formatB, cfg.k, cfg.depth) + archSuffix(cfg.arch ?? DEFAULT_ARCH), {
    doc: headerDoc(
      cfg,
      w,
      `MX processing element, ${pairLabel(cfg.formatA, cfg.formatB)}, k = ${cfg.k}, ${cfg.depth} register stage(s):\n` +
        `acc_o = fp32(acc_i + fp32(X_a * X_b * sum_i P_a,i * P_b,i)), formats.md section 4. Valid/ready stream.\n` +
        `Stages: ${plan.reduce} after the reduction, ${plan.round} after the rounding, ${plan.out} at the output.`,
    ),
    config: { formatA: cfg.formatA, formatB: cfg.formatB, k: cfg.k, depth: cfg.depth, sumWidth: w.sumWidth, magWidth: w.magWidth, reduction: archText(cfg.arch ?? DEFAULT_ARCH) },
  });
  const hs = m.stream();
  const inp = pePorts(m, cfg);
  const acc = m.input('acc_i', 32, 'FP32 accumulator in');
  const accO = m.output('acc_o', 32, 'FP32 accumulator out: fp32(acc_i + r)');
  const chain = new StageChain(m, hs);
  const red = reduceChunk(m, fa, fb, w, inp, cfg.arch ?? DEFAULT_ARCH);
  const { inf, infNeg, ...always } = red;
  const s1 = chain.cut<string>('red', plan.reduce, { ...always, ...(inf && infNeg ? { inf, infNeg } : {}), acc });
  const r = roundChunk(m, w, { neg: s1['neg']!, mag: s1['mag']!, exp: s1['exp']!, nan: s1['nan']!, inf: s1['inf'], infNeg: s1['infNeg'] });
  const s2 = chain.cut('rnd', plan.round, { r, acc: s1['acc']! });
  const add = m.instance(fp32AddModule(), 'u_acc', { a_i: s2.acc, b_i: s2.r });
  const s3 = chain.cut('out', plan.out, { acc: add.out('sum_o') });
  m.assign(accO, s3.acc);
  chain.finish();
  return m.build();
}

/** The chunk result alone (combinational, no accumulator): `r_o` = r. Used to test the front of the PE. */
export function mxChunkModule(cfg: Omit<MxPeConfig, 'depth'>): Module {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  const w = peWidths(fa, fb, cfg.k);
  const m = new ModuleBuilder(mxChunkName(cfg.formatA, cfg.formatB, cfg.k) + archSuffix(cfg.arch ?? DEFAULT_ARCH), {
    doc: headerDoc(
      { ...cfg, depth: 0 },
      w,
      `MX chunk dot product, ${pairLabel(cfg.formatA, cfg.formatB)}, k = ${cfg.k}: r_o = fp32(X_a * X_b * sum_i P_a,i * P_b,i),\n` +
        'formats.md section 4 steps 1-3. Combinational.',
    ),
    config: { formatA: cfg.formatA, formatB: cfg.formatB, k: cfg.k, sumWidth: w.sumWidth, magWidth: w.magWidth, reduction: archText(cfg.arch ?? DEFAULT_ARCH) },
  });
  const inp = pePorts(m, { ...cfg, depth: 0 });
  const rO = m.output('r_o', 32, 'FP32 chunk result r');
  m.assign(rO, roundChunk(m, w, reduceChunk(m, fa, fb, w, inp, cfg.arch ?? DEFAULT_ARCH)));
  return m.build();
}
