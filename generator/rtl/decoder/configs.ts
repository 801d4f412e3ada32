// Reference configurations of the element decoder: one per format of the table.
import { FORMAT_NAMES } from '../../formats/table';
import type { RtlConfig } from '../config';
import { decoderModule } from './decoder';

export function decoderConfigs(): RtlConfig[] {
  return FORMAT_NAMES.map((format) => ({ unit: 'decoder', format, params: { format }, build: () => decoderModule(format) }));
}
