// `mxgen encode --format F VALUE`: an already-scaled value (the element before the shared scale: V * 2^-e) rounded
// to an element code by formats.md 1.2: the code, the value it means, and whether the value was exact, rounded
// (to nearest, ties to even), saturated to the largest magnitude, or rounded to zero.

import type { Command } from '../command';
import { FORMAT_NAMES } from '../../formats/table';
import { classText, codeText, fieldLines, parseValueArgument, valueJson, valueText } from '../element-text';
import { formatJson } from '../json';
import { mxFormatValue, valuesForm, VALUES_OPTION } from '../options';
import { exactDecimal } from '../../formats/text';
import { codeJson, fp32Json, fp32Text } from '../values';
import { bitsToFloat } from '../../formats/fp32';

const RESULT_TEXT = {
  exact: 'exact: the code holds the input',
  rounded: 'rounded to the nearest value, ties to even (formats.md 1.2)',
  saturated: 'saturated: the input is beyond the largest magnitude, which is taken with its sign (formats.md 1.2)',
  underflow: 'rounded to zero: the input is below half the smallest magnitude (the sign of zero is kept where the format has one)',
} as const;

export const encodeCommand: Command = {
  name: 'encode',
  summary: 'round one already-scaled value to an element code (formats.md 1.2): code, value, exact/rounded/saturated',
  usage: '--format F [--values FORM] [--json] VALUE',
  positionals: { min: 1, max: 1, name: 'VALUE' },
  options: [
    { name: 'format', value: 'F', required: true, help: `element format: ${FORMAT_NAMES.join(', ')}` },
    { ...VALUES_OPTION, help: 'print the input, code and value as decimal, hex or bits only (default: every form)' },
    { name: 'json', help: 'print JSON: {"format","input","code","value","result","class","mode"?,"formula"}' },
  ],
  help: [
    'VALUE: a decimal number, rounded once to FP32 (half to even) like matrix input, or an FP32 bit pattern 0x........;',
    "it is the element's value after the shared scale is divided out. A value beyond FP32 (1e39) is an error, and so",
    'are NaN and Inf (they make the whole block NaN, see formats.md 2). A negative VALUE is read as an argument',
    "(mxgen encode --format mxsf -1.5); anything else that starts with '-' goes after '--'.",
    '',
    'Text output: format, input (exact decimal = FP32 pattern), code (hex = decimal = bits), value (exact decimal =',
    'FP32 pattern), result (exact, rounded, saturated, or rounded to zero), class as in mxgen decode. --values',
    'decimal|hex|bits prints only that form (decimal: exact values, the code as an unsigned integer).',
    'JSON: input and value as FP32 bit patterns and the code as an integer unless --values gives a form; result is',
    '"exact", "rounded", "saturated" or "underflow".',
    '',
    'Examples: mxgen encode --format mxfp8-e4m3 500',
    '          mxgen encode --format mxsf --values hex 0.0123',
  ].join('\n'),
  async run(args, io) {
    const format = mxFormatValue('format', args.require('format'));
    const form = valuesForm(args);
    const input = parseValueArgument(args.positionals[0]!);
    const { encodeElement, modeText } = await import('../../drivers/element');
    const r = encodeElement(format, input);
    const e = r.element;
    const mode = e.mode ? modeText(format, e.mode) : undefined;
    if (args.flag('json')) {
      await io.out(
        formatJson({
          format,
          input: form === 'decimal' ? valueJson(bitsToFloat(input), form) : fp32Json(input, form),
          code: codeJson(e.code, format, form),
          value: valueJson(e.value, form),
          result: r.result,
          class: e.class,
          mode: e.mode,
          formula: e.formula,
        }),
      );
      return;
    }
    const inputText = form === undefined ? `${exactDecimal(bitsToFloat(input))} = ${fp32Text(input, 'hex')} (FP32)` : form === 'decimal' ? exactDecimal(bitsToFloat(input)) : fp32Text(input, form);
    await io.out(
      fieldLines([
        ['format', format],
        ['input', inputText],
        ['code', codeText(e.code, format, form)],
        ['value', valueText(e.value, form)],
        ['result', RESULT_TEXT[r.result]],
        ['class', classText(e, mode)],
      ]),
    );
  },
};
