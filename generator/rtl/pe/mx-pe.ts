// Generated MX processing element (issue: PE for every format and mixed pairs): one chunk of k element
// pairs with their two E8M0 scales, accumulated into an FP32 accumulator, exactly as formats.md section 4.
//
//   a_i [k*bitsA-1:0], b_i [k*bitsB-1:0]  element codes, element i in bits [i*w+w-1 : i*w]
//   xa_i, xb_i [7:0]                     E8M0 scales (0xFF = NaN)
//   acc_i [31:0]                         FP32 accumulator in
//   acc_o [31:0]                         fp32(acc_i + r), r = fp32(sum_i P_a,i P_b,i * 2^(xa+xb-254))
// with the stream handshake of generator/hdl/ports.ts and `depth` register stages (stages.ts).

import { type Expr, type Module, ModuleBuilder, type Signal, lit, mux, stageControl } from '../../hdl/index';
import { type PipelinePlan, type StageSpec, Stager, planDoc, unstagedStager, plannedPipeline } from '../../hdl/lib/stager';
import { FORMAT_TABLE, codeBits, type FormatName } from '../../golden/index';
import { fp32AddModule } from '../fp32/index';
import { DEFAULT_ARCH, archSuffix, reduceChunk, roundChunk, type PeArch } from './mx-chunk';
import { mxChunkName, mxPeName, peOptionSuffix, pairLabel } from './names';
import { peWidths, type PeWidths } from './widths';

export interface MxPeConfig {
  readonly formatA: FormatName;
  readonly formatB: FormatName;
  /** chunk length: element pairs per transaction */
  readonly k: number;
  /** register stages (0 = combinational), placed by the pipeline planner */
  readonly depth: number;
  /** micro-architecture of the reduction (default DEFAULT_ARCH); other choices add a suffix to the name */
  readonly arch?: PeArch;
  /** the output register is a skid buffer: in_ready_o does not depend combinationally on out_ready_i (name suffix _skid) */
  readonly skid?: boolean;
  /** accumulate in place: the FP32 accumulator is held inside, first_i/last_i delimit a run of chunks (suffix _acc; README.md) */
  readonly acc?: boolean;
}

const archText = (a: PeArch): string =>
  `${{ ones: 'one\'s-complement lanes', 'ones-late': 'one\'s-complement lanes (XOR after the shift)', negate: 'negating lanes', magnitude: 'sign-magnitude lanes' }[a.sign]}, ${{ csa: 'word-level compressor tree', adders: 'adder tree', dadda: 'bit-level Dadda compression' }[a.tree]}`;

function headerDoc(cfg: Omit<MxPeConfig, 'depth'>, w: PeWidths, what: string): string {
  const arch = cfg.arch ?? DEFAULT_ARCH;
  return [
    what,
    '',
    'Datapath: k lanes: inline decode (unpacked sig * 2^(sh + lsbExp); for mxsf the ee != 00 / ee == 00 mode',
    'select) -> exact product sigA*sigB -> alignment by shA+shB into the fixed-point word below',
    ...{
      ones: ['(one\'s complement of negative products, made before the shift; +1 per negative lane in the reduction)'],
      'ones-late': ['(one\'s complement of negative products, made after the shift; +1 per negative lane in the reduction)'],
      negate: ['(negative products negated in two\'s complement)'],
      magnitude: ['(magnitude and sign; the positive and the negative products summed in two unsigned trees, one subtraction)'],
    }[arch.sign],
    `-> exact reduction (${{ csa: 'a word-level Dadda tree of csa_w* compressor cells, the sign extensions folded into one constant row, one adder', adders: 'balanced adder tree', dadda: 'bit-level Dadda column compression with the sign extensions folded into one constant, one adder' }[arch.tree]})`,
    '-> |S| -> leading-zero count, normalise, one FP32 rounding (half to even, gradual underflow, overflow',
    '-> Inf) with the scale exponents -> NaN scale / NaN element / Inf*0 / Inf override -> FP32 add to the accumulator.',
    '',
    'Fixed-point width (derived from the format table):',
    ...w.derivation.map((l) => `  ${l}`),
  ].join('\n');
}

function pePorts(m: ModuleBuilder, cfg: Omit<MxPeConfig, 'depth'>) {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  return {
    a: m.input('a_i', cfg.k * codeBits(fa), `${cfg.k} ${cfg.formatA} codes, element i in bits [i*${codeBits(fa)}+${codeBits(fa) - 1}:i*${codeBits(fa)}]`),
    b: m.input('b_i', cfg.k * codeBits(fb), `${cfg.k} ${cfg.formatB} codes, element i in bits [i*${codeBits(fb)}+${codeBits(fb) - 1}:i*${codeBits(fb)}]`),
    xa: m.input('xa_i', 8, 'E8M0 scale of A (0xFF = NaN)'),
    xb: m.input('xb_i', 8, 'E8M0 scale of B (0xFF = NaN)'),
  };
}

/** The accumulator ports, the FP32 addition and the output stage of a PE (MX or BF16): plain or accumulate-in-place. */
export interface AccPorts {
  readonly acc: Expr;
  readonly first?: Expr;
  readonly last?: Expr;
}

/** acc_i (and first_i/last_i for accumulate-in-place). */
export function accPorts(m: ModuleBuilder, accMode: boolean): AccPorts {
  if (!accMode) return { acc: m.input('acc_i', 32, 'FP32 accumulator in') };
  return {
    acc: m.input('acc_i', 32, 'FP32 start value of the accumulator, read with first_i (C, or +0)'),
    first: m.input('first_i', 1, 'this chunk starts a new output: its accumulator starts from acc_i'),
    last: m.input('last_i', 1, 'this chunk ends its output: acc_o is emitted after it'),
  };
}

/**
 * The PE's back end: acc_o = fp32(acc + r) and the output register. Plain: acc = acc_i of the beat.
 * Accumulate-in-place: acc = acc_i on a first chunk, else the running sum, the feedback from the output
 * register (and its skid slot); the adder is atomic (one stage: the loop closes in one cycle).
 */
export function accumulate(m: ModuleBuilder, st: Stager, depth: number, ctl: ReturnType<typeof stageControl>, keep: Expr | undefined, r: Expr, carry: Readonly<Record<string, Expr>>, accO: Signal): void {
  const addFactory = (spec: StageSpec): Module => fp32AddModule(spec);
  if (carry['first'] === undefined) {
    const add = st.instance(addFactory, 'u_acc', { a_i: carry['acc']!, b_i: r });
    m.assign(accO, st.finish({ acc: add.out('sum_o') }).acc);
    return;
  }
  const fb = m.wire('acc_fb', 32, 'the running sum: the latest accumulator value (output register, or its skid slot)');
  st.free(fb);
  const src = m.let('acc_src', mux(carry['first']!, carry['acc']!, fb), 'first chunk: acc_i, else the running sum');
  const add = st.instance(addFactory, 'u_acc', { a_i: src, b_i: r }, { atomic: true });
  const out = st.finish({ acc: add.out('sum_o'), last: carry['last']! });
  m.assign(accO, out.acc);
  if (depth === 0) {
    // the probe (unpipelined) build only times the datapath
    m.assign(fb, lit(0, 32));
    m.unused(out.last, 'the probe build has no output stage');
    return;
  }
  m.assign(fb, ctl.skid ? mux(ctl.skid.sel, st.slotOf(out.acc), out.acc) : out.acc);
  m.assign(keep as never, out.last);
}

/** The PE (chunk dot product plus FP32 accumulation) and its pipeline plan. */
export function mxPePlanned(cfg: MxPeConfig): { module: Module; plan: PipelinePlan } {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  const w = peWidths(fa, fb, cfg.k);
  const arch = cfg.arch ?? DEFAULT_ARCH;
  const skid = cfg.skid ?? false;
  const accMode = cfg.acc ?? false;
  if (!Number.isInteger(cfg.depth) || cfg.depth < 0) throw new Error(`PE pipeline depth must be an integer >= 0, got ${cfg.depth}`);
  if ((skid || accMode) && cfg.depth < 1) throw new Error(`the ${skid ? 'skid' : 'accumulate-in-place'} option needs pipeline depth >= 1 (it lives in the output register)`);
  return plannedPipeline(cfg.depth, (spec, depth, plan) => {
    const m = new ModuleBuilder(mxPeName(cfg.formatA, cfg.formatB, cfg.k, cfg.depth) + archSuffix(arch) + peOptionSuffix({ acc: accMode, skid }), {
      doc: headerDoc(
        cfg,
        w,
        `MX processing element, ${pairLabel(cfg.formatA, cfg.formatB)}, k = ${cfg.k}, ${cfg.depth} register stage(s)${skid ? ', skid output buffer' : ''}:\n` +
          (accMode
            ? 'accumulate in place: per chunk beat acc = fp32((first_i ? acc_i : acc) + r); acc_o = acc after a last_i chunk (one out beat per run)\n'
            : 'acc_o = fp32(acc_i + r), ') +
          `r = fp32(X_a * X_b * sum_i P_a,i * P_b,i), formats.md section 4. Valid/ready stream.\n${planDoc(plan)}`,
      ),
      config: {
        formatA: cfg.formatA, formatB: cfg.formatB, k: cfg.k, depth: cfg.depth, skid, acc: accMode, sumWidth: w.sumWidth, magWidth: w.magWidth, reduction: archText(arch),
      },
    });
    const hs = m.stream();
    const inp = pePorts(m, cfg);
    const ap = accPorts(m, accMode);
    const accO = m.output('acc_o', 32, accMode ? 'FP32 accumulator after the last chunk of a run' : 'FP32 accumulator out: fp32(acc_i + r)');
    const keep = accMode && depth > 0 ? m.wire('out_keep', 1, 'the beat in the output register ends a run (only those are offered)') : undefined;
    const ctl = stageControl(m, { name: 'st', depth, inValid: hs.inValid, outReady: hs.outReady, skid: skid && depth > 0, ...(keep ? { keep } : {}) });
    const st = new Stager(m, spec, { load: ctl.load, ...(ctl.skid ? { skid: { stage: depth, ...ctl.skid } } : {}) });
    const carry: Record<string, Expr> = { acc: ap.acc, ...(ap.first && ap.last ? { first: ap.first, last: ap.last } : {}) };
    const red = reduceChunk(st, fa, fb, w, inp, arch, carry);
    const rr = roundChunk(st, w, red.red, red.carry);
    accumulate(m, st, depth, ctl, keep, rr.r, rr.carry, accO);
    m.assign(hs.inReady, ctl.inReady);
    m.assign(hs.outValid, ctl.outValid);
    return st.attach(m.build());
  });
}

export function mxPeModule(cfg: MxPeConfig): Module {
  return mxPePlanned(cfg).module;
}

/** The chunk result alone (combinational, no accumulator): `r_o` = r. Used to test the front of the PE. */
export function mxChunkModule(cfg: Omit<MxPeConfig, 'depth' | 'skid' | 'acc'>): Module {
  const fa = FORMAT_TABLE[cfg.formatA];
  const fb = FORMAT_TABLE[cfg.formatB];
  const w = peWidths(fa, fb, cfg.k);
  const arch = cfg.arch ?? DEFAULT_ARCH;
  const m = new ModuleBuilder(mxChunkName(cfg.formatA, cfg.formatB, cfg.k) + archSuffix(arch), {
    doc: headerDoc(
      cfg,
      w,
      `MX chunk dot product, ${pairLabel(cfg.formatA, cfg.formatB)}, k = ${cfg.k}: r_o = fp32(X_a * X_b * sum_i P_a,i * P_b,i),\n` +
        'formats.md section 4 steps 1-3. Combinational.',
    ),
    config: { formatA: cfg.formatA, formatB: cfg.formatB, k: cfg.k, sumWidth: w.sumWidth, magWidth: w.magWidth, reduction: archText(arch) },
  });
  const inp = pePorts(m, cfg);
  const rO = m.output('r_o', 32, 'FP32 chunk result r');
  const st = unstagedStager(m, 'a combinational module has no register stages');
  const red = reduceChunk(st, fa, fb, w, inp, arch, {});
  m.assign(rO, roundChunk(st, w, red.red, {}).r);
  return m.build();
}
