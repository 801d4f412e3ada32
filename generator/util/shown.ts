// Input echoed in a one-line error message: short, on one line, and safe for any value a reader can meet (a string
// of a megabyte, an array nested 200000 deep that JSON.stringify cannot walk, control characters that would break
// the line or drive the terminal).

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with control characters written as JSON escapes (\n, \u001b, ...), so it stays on one line. */
export function escapeControl(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A long text cut to `max` characters with `...`, and how long it was. */
function cut(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, Math.max(1, max - 3))}... (${s.length} characters)` : s;
}

/** A user's word (a name, a key) escaped and cut to `max` characters. */
export function shortText(s: string, max = 60): string {
  return cut(escapeControl(s), max);
}

/** A user's word (a name, a key) in single quotes, escaped and cut to `max` characters. */
export function quoteText(s: string, max = 60): string {
  return `'${shortText(s, max)}'`;
}

/**
 * A JSON value the way it was written, as compact JSON cut to `max` characters (`...` when longer). The walk stops
 * once `max` characters are out, so a huge or deeply nested value costs no more than a small one.
 */
export function preview(v: unknown, max = 40): string {
  let out = '';
  const full = (): boolean => out.length > max;
  const walk = (x: unknown): void => {
    if (full()) return;
    if (Array.isArray(x)) {
      out += '[';
      for (let i = 0; i < x.length && !full(); i++) {
        if (i) out += ',';
        walk(x[i]);
      }
      if (!full()) out += ']';
      return;
    }
    if (x !== null && typeof x === 'object') {
      out += '{';
      let first = true;
      for (const k of Object.keys(x)) {
        if (full()) break;
        const val = (x as Record<string, unknown>)[k];
        if (val === undefined) continue;
        out += `${first ? '' : ','}${escapeControl(JSON.stringify(k.length > max ? k.slice(0, max) : k))}:`;
        first = false;
        walk(val);
      }
      if (!full()) out += '}';
      return;
    }
    if (typeof x === 'string') {
      out += escapeControl(JSON.stringify(x.length > max ? x.slice(0, max + 1) : x));
      return;
    }
    const s = JSON.stringify(x);
    out += s === undefined ? String(x) : s;
  };
  walk(v);
  return out.length > max ? `${out.slice(0, max - 3)}...` : out;
}

/**
 * Why JSON.parse rejected `text`, in one short line: "Unexpected end of JSON input" for an error at the end, a
 * position as line and column, the parser's quote of the text escaped and cut.
 */
export function jsonSyntaxReason(e: unknown, text: string): string {
  let why = e instanceof Error ? e.message : String(e);
  const at = /\s*(?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(why);
  if (at && Number(at[1]) >= text.trimEnd().length) why = 'Unexpected end of JSON input';
  else if (at) {
    const before = text.slice(0, Number(at[1])).split('\n');
    why = `${why.slice(0, at.index)} at line ${before.length} column ${before[before.length - 1]!.length + 1}`;
  }
  why = escapeControl(why.replace(/[ \n\r\t]+/g, ' ').trim());
  return why.length > 100 ? `${why.slice(0, 97)}...` : why;
}
