// `mxgen formats`: the format table with the facts derived from it (nothing restated here).

import type { Command } from '../command';
import { BASELINE_BF16, E8M0, allFormats, codeBits, emaxElem, finiteCounts, maxNormal, minSubnormal, type FormatSpec } from '../../golden/index';
import { exactDecimal, powerOfTwoText } from '../../formats/text';

/** The bit layout, e.g. `s eeee mmm`; MXSF also shows its subnormal-FP mode. */
function layout(f: FormatSpec): string {
  if (f.kind === 'int') return `int${f.bits}, n/2^${f.fracBits}`;
  const main = `s ${'e'.repeat(f.expBits)} ${'m'.repeat(f.manBits)}`;
  const sub = f.subnormal;
  if (sub.kind === 'linear') return main;
  return `${main} | s ${'0'.repeat(f.expBits)} ${'x'.repeat(sub.expBits)} ${'f'.repeat(sub.manBits)}`;
}

function bias(f: FormatSpec): string {
  if (f.kind === 'int') return '-';
  return f.subnormal.kind === 'fp' ? `${f.bias} (${f.subnormal.bias})` : `${f.bias}`;
}

function specials(f: FormatSpec): string {
  if (f.kind === 'int') return 'none';
  return { ieee: 'Inf, NaN', 'nan-at-max': 'NaN', none: 'none' }[f.specials];
}

function withPower(x: number): string {
  const p = powerOfTwoText(x);
  return p ? `${p} = ${exactDecimal(x)}` : exactDecimal(x);
}

/** One machine-readable record per format. */
export function formatFacts(f: FormatSpec) {
  const counts = finiteCounts(f);
  return {
    name: f.name,
    bits: codeBits(f),
    layout: layout(f),
    bias: f.kind === 'int' ? null : f.bias,
    emax: emaxElem(f),
    maxNormal: maxNormal(f),
    minSubnormal: minSubnormal(f),
    finiteCodes: counts.codes,
    finiteValues: counts.values,
    specials: specials(f),
    summary: f.summary,
  };
}

export const formatsCommand: Command = {
  name: 'formats',
  summary: 'list the element formats (bits, bias, emax, max normal, min subnormal, finite values)',
  usage: '[--json]',
  options: [{ name: 'json', help: 'print the table as JSON (exact numbers as JSON numbers)' }],
  help: [
    'Columns: emax is the exponent of the largest power of two an element holds (OCP emax_elem);',
    'finite = number of finite codes / number of distinct finite values (+0 and -0 count once).',
    'MXSF codes with exponent field 00 are an FP5 E3M2 number xxx ff with its own bias (in parentheses).',
  ].join('\n'),
  async run(args, io) {
    const facts = allFormats().map(formatFacts);
    if (args.flag('json')) {
      await io.out(JSON.stringify(facts, null, 2) + '\n');
      return;
    }
    const header = ['format', 'bits', 'layout', 'bias', 'emax', 'max normal', 'min subnormal', 'finite', 'Inf/NaN'];
    const rows = allFormats().map((f, i) => {
      const x = facts[i];
      return [x.name, `${x.bits}`, x.layout, bias(f), `${x.emax}`, exactDecimal(x.maxNormal), withPower(x.minSubnormal), `${x.finiteCodes}/${x.finiteValues}`, x.specials];
    });
    const numeric = new Set([1, 3, 4]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: readonly string[]) => r.map((s, c) => (numeric.has(c) ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('  ').trimEnd();
    const text = [
      line(header),
      ...rows.map(line),
      '',
      `scale: E8M0, code c in 0..${E8M0.nanCode - 1} means 2^(c-${E8M0.bias}), 0x${E8M0.nanCode.toString(16).toUpperCase()} is NaN`,
      `${BASELINE_BF16}: the unscaled baseline, accepted by 'mxgen gemm' only`,
    ];
    await io.out(text.join('\n') + '\n');
  },
};
