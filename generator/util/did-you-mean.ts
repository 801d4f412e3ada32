// "Did you mean" suggestions for a misspelt name (command, option, format, unit): the candidates closest to
// the word by edit distance (Damerau-Levenshtein: a swapped pair of letters counts as one edit), compared
// without case and without '-' / '_' (so `mxfp8e4m3` finds `mxfp8-e4m3`), plus candidates that contain the
// word (so `e4m3` finds `mxfp8-e4m3`).

/** Damerau-Levenshtein distance (optimal string alignment) between two strings. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

const normal = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

/**
 * The candidates closest to `word` (all at the best score, in the candidates' order, at most `max`); empty when
 * none is close: an edit distance of at most a third of the word's length (at least 1; 0 for words of one or two
 * letters), or the word (3 letters or more) inside the candidate.
 */
export function closestMatches(word: string, candidates: readonly string[], max = 3): string[] {
  const w = normal(word);
  if (w.length === 0) return [];
  // one- and two-letter words only match up to case and dashes: any other letter is one edit away
  const limit = w.length <= 2 ? 0 : Math.max(1, Math.floor(w.length / 3));
  const scored: { c: string; score: number; i: number }[] = [];
  candidates.forEach((c, i) => {
    if (c === word) return;
    const n = normal(c);
    // the distance is at least the difference in length: a word far longer or shorter is not computed (a megabyte
    // of input against a short name would be a table of millions of cells)
    if (Math.abs(w.length - n.length) > limit) {
      if (w.length >= 3 && n.includes(w)) scored.push({ c, score: limit + 1, i });
      return;
    }
    const dist = editDistance(w, n);
    if (dist <= limit) scored.push({ c, score: dist, i });
    else if (w.length >= 3 && n.includes(w)) scored.push({ c, score: limit + 1, i });
  });
  scored.sort((x, y) => x.score - y.score || x.i - y.i);
  const best = scored.length ? scored[0]!.score : 0;
  return scored.filter((s) => s.score === best).map((s) => s.c).slice(0, max);
}

/**
 * `did you mean 'quantizer'?` (or `did you mean 'a' or 'b'?`) for the closest candidates, or '' when none is
 * close. `show` writes a candidate as the user would type it (default: in single quotes; options: `--${c}`).
 * Append it to a message: `unknown unit 'quantiser'; did you mean 'quantizer'?`.
 */
export function didYouMean(word: string, candidates: readonly string[], show: (c: string) => string = (c) => `'${c}'`): string {
  const m = closestMatches(word, candidates);
  if (m.length === 0) return '';
  const shown = m.map(show);
  const list = shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
  return `did you mean ${list}?`;
}

/** `message; did you mean X?` when a candidate is close, else `message` (or `message; fallback` if given). */
export function withSuggestion(message: string, word: string, candidates: readonly string[], opts: { show?: (c: string) => string; fallback?: string } = {}): string {
  const s = didYouMean(word, candidates, opts.show);
  if (s) return `${message}; ${s}`;
  return opts.fallback ? `${message}; ${opts.fallback}` : message;
}
