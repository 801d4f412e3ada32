// `mxgen decode --format F CODE`: what one element code means (formats.md 1): its exact value, its class
// (NaN, Inf, zero, subnormal, normal; integer for mxint8) and, for MXSF, the mode its exponent field selects.

import type { Command } from '../command';
import { FORMAT_NAMES } from '../../formats/table';
import { classText, codeText, fieldLines, parseCodeArgument, valueJson, valueText } from '../element-text';
import { formatJson } from '../json';
import { mxFormatValue, valuesForm, VALUES_OPTION } from '../options';
import { codeJson } from '../values';

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'what an element code means: exact value, class (NaN/Inf/zero/subnormal/normal) and MXSF mode',
  usage: '--format F [--values FORM] [--json] CODE',
  positionals: { min: 1, max: 1, name: 'CODE' },
  options: [
    { name: 'format', value: 'F', required: true, help: `element format: ${FORMAT_NAMES.join(', ')}` },
    { ...VALUES_OPTION, help: 'print the code and the value as decimal, hex or bits only (default: every form)' },
    { name: 'json', help: 'print JSON: {"format","code","value","class","mode"?,"formula","note"?}' },
  ],
  help: [
    'CODE: hex (0x7e), binary (0b01111110, or with the fields separated: 0b0_1111_110) or decimal (126).',
    '',
    'Text output: format, code (hex = decimal = bits, fields separated by _), value (exact decimal = its FP32 bit',
    'pattern), class with the value spelt out from the fields. --values decimal|hex|bits prints only that form:',
    'decimal = the code as an unsigned integer and the value exactly; hex / bits = the code in hex / as bits and the',
    "value's FP32 bit pattern in hex / as bits (sign_exponent_mantissa). NaN's FP32 pattern is 0x7fc00000.",
    'JSON: code and value as integers (the value as its FP32 bit pattern) unless --values gives a form; with',
    '--values decimal the value is its exact decimal, "nan", "inf" or "-inf".',
    'Classes: nan, inf, zero, subnormal, normal (mxint8: zero, integer). MXSF mode: wide-mantissa (E2M5, exponent',
    'field != 00) or subnormal-FP (FP5 E3M2, exponent field 00).',
    '',
    'Examples: mxgen decode --format mxsf 0x21',
    '          mxgen decode --format mxfp8-e4m3 --values bits --json 0x7f',
  ].join('\n'),
  async run(args, io) {
    const format = mxFormatValue('format', args.require('format'));
    const form = valuesForm(args);
    const code = parseCodeArgument(args.positionals[0]!, format);
    const { decodeElement, modeText } = await import('../../drivers/element');
    const e = decodeElement(format, code);
    const mode = e.mode ? modeText(format, e.mode) : undefined;
    if (args.flag('json')) {
      await io.out(
        formatJson({
          format,
          code: codeJson(code, format, form),
          value: valueJson(e.value, form),
          class: e.class,
          mode: e.mode,
          formula: e.formula,
          note: e.note,
        }),
      );
      return;
    }
    await io.out(
      fieldLines([
        ['format', format],
        ['code', codeText(code, format, form)],
        ['value', valueText(e.value, form)],
        ['class', classText(e, mode)],
      ]),
    );
  },
};
