// The generated section of docs/formats.md: the element-format table, computed from the one format table
// (generator/formats/table.ts) with the derived facts, so the document cannot drift from the code.
// `make generate` rewrites the section between the markers; CI (check-generated) fails on any difference.

import { E8M0, allFormats, emaxElem, maxNormal, minNormal, minSubnormal, type FormatSpec } from '../golden/index';
import { exactDecimal, powerOfTwoText } from '../formats/text';

export const BEGIN = '<!-- BEGIN GENERATED: format table (make generate) -->';
export const END = '<!-- END GENERATED: format table -->';

const num = (x: number): string => powerOfTwoText(x) ?? exactDecimal(x);

function layout(f: FormatSpec): string {
  if (f.kind === 'int') return `two's complement n, value n/${2 ** f.fracBits}`;
  const main = `s ${'e'.repeat(f.expBits)} ${'m'.repeat(f.manBits)}`;
  return f.subnormal.kind === 'fp' ? `${main}; ${'e'.repeat(f.expBits).replace(/e/g, '0')} selects FP${f.subnormal.expBits + f.subnormal.manBits} E${f.subnormal.expBits}M${f.subnormal.manBits}` : main;
}

function specials(f: FormatSpec): string {
  if (f.kind === 'int') return 'none; 0x80 (-2.0) decodes but is never produced';
  const e = '1'.repeat(f.expBits);
  switch (f.specials) {
    case 'ieee':
      return `S.${e}.${'0'.repeat(f.manBits)} Inf, other S.${e}.x NaN`;
    case 'nan-at-max':
      return `no Inf; S.${e}.${'1'.repeat(f.manBits)} NaN`;
    case 'none':
      return 'none';
  }
}

function bias(f: FormatSpec): string {
  if (f.kind === 'int') return '-';
  return f.subnormal.kind === 'fp' ? `${f.bias} (FP5: ${f.subnormal.bias})` : String(f.bias);
}

export function formatTableMarkdown(): string {
  const rows = allFormats().map((f) => [
    `\`${f.name}\``,
    String(f.kind === 'int' ? f.bits : 1 + f.expBits + f.manBits),
    layout(f),
    bias(f),
    String(emaxElem(f)),
    exactDecimal(maxNormal(f)),
    f.kind === 'int' ? '-' : num(minNormal(f)),
    num(minSubnormal(f)),
    specials(f),
  ]);
  const head = ['name (CLI)', 'bits', 'layout', 'bias', 'emax_elem', 'max normal', 'min normal', 'min subnormal / LSB', 'Inf/NaN codes'];
  return [
    BEGIN,
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Scale: E8M0, code c in 0..${E8M0.nanCode - 1} means 2^(c-${E8M0.bias}); 0x${E8M0.nanCode.toString(16).toUpperCase()} is NaN; no zero, no Inf.`,
    END,
  ].join('\n');
}

/** `text` with its generated section replaced by the current table; throws if the markers are missing. */
export function withFormatTable(text: string): string {
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/formats.md lacks the markers '${BEGIN}' ... '${END}'`);
  return text.slice(0, a) + formatTableMarkdown() + text.slice(b + END.length);
}
