// Generation: validated designs -> packaged tops -> an output folder (generator/ip/write.ts rules).
import type { Design } from './designs';
import { ParamError, prefixSchema } from './params';
import { type PackagedTop, packageDesign } from './package';
import { writeTops, type WriteResult } from './write';
import { quoteText } from '../util/shown';

export interface GenerateOptions {
  readonly prefix: string;
  readonly outDir: string;
  /** the output folder as the user wrote it, for messages */
  readonly outLabel?: string;
  readonly force?: boolean;
  readonly prune?: boolean;
  /** the producing command of design i, as its file headers state it */
  readonly command: (i: number) => string;
}

/** Packages every design (no file written), refusing two designs that would make the same top. */
export function packageAll(designs: readonly Design[], prefix: string, command: (i: number) => string): PackagedTop[] {
  const tops: PackagedTop[] = [];
  designs.forEach((d, i) => {
    const t = packageDesign(d, prefix, command(i));
    const j = tops.findIndex((x) => x.top === t.top);
    if (j >= 0) throw new ParamError(`designs[${i}] makes the same top '${t.top}' as designs[${j}]: give them different parameters or drop one`);
    tops.push(t);
  });
  return tops;
}

export function generate(designs: readonly Design[], o: GenerateOptions): WriteResult & { tops: PackagedTop[] } {
  const p = prefixSchema.safeParse(o.prefix);
  if (!p.success) throw new ParamError(`--prefix: ${p.error.issues[0]!.message} (got ${quoteText(o.prefix)})`);
  const tops = packageAll(designs, o.prefix, o.command);
  return { ...writeTops(o.outDir, tops, { force: o.force ?? false, prune: o.prune ?? false, ...(o.outLabel ? { label: o.outLabel } : {}) }), tops };
}
