// A small layout tree for emitted text (Wadler's "prettier printer", greedy): a group prints on one line
// when it fits in the remaining width, else each of its line breaks becomes a newline at the current
// nesting. The Verilog emitter uses it so that no line of generated RTL runs past the line width.

export type Doc = string | readonly Doc[] | LineDoc | NestDoc | GroupDoc;

interface LineDoc {
  readonly k: 'line';
  /** what the break prints when its group stays on one line */
  readonly flat: string;
}
interface NestDoc {
  readonly k: 'nest';
  readonly n: number;
  readonly doc: Doc;
}
interface GroupDoc {
  readonly k: 'group';
  readonly doc: Doc;
}

/** A possible line break: `flat` (default one space) when its group fits on the line. */
export const line = (flat = ' '): Doc => ({ k: 'line', flat });
/** Breaks inside `doc` indent `n` more columns. */
export const nest = (n: number, doc: Doc): Doc => ({ k: 'nest', n, doc });
export const group = (doc: Doc): Doc => ({ k: 'group', doc });
export const join = (items: readonly Doc[], sep: Doc): Doc => items.flatMap((d, i) => (i === 0 ? [d] : [sep, d]));

type Mode = 'flat' | 'break';
type Item = readonly [indent: number, mode: Mode, doc: Doc];

/** Whether the items print within `room` columns up to their first line break in break mode. */
function fits(room: number, items: Item[]): boolean {
  const todo = [...items];
  while (room >= 0) {
    const it = todo.pop();
    if (!it) return true;
    const [ind, mode, d] = it;
    if (typeof d === 'string') room -= d.length;
    else if (Array.isArray(d)) for (let i = d.length - 1; i >= 0; i--) todo.push([ind, mode, d[i]!]);
    else {
      const x = d as LineDoc | NestDoc | GroupDoc;
      if (x.k === 'line') {
        if (mode === 'break') return true;
        room -= x.flat.length;
      } else if (x.k === 'nest') todo.push([ind + x.n, mode, x.doc]);
      else todo.push([ind, mode, x.doc]);
    }
  }
  return false;
}

/** The text of `doc` within `width` columns (a single token wider than the line is printed as is). */
export function render(doc: Doc, width: number): string {
  const out: string[] = [];
  let col = 0;
  const stack: Item[] = [[0, 'break', doc]];
  while (stack.length) {
    const [ind, mode, d] = stack.pop()!;
    if (typeof d === 'string') {
      out.push(d);
      col += d.length;
    } else if (Array.isArray(d)) {
      for (let i = d.length - 1; i >= 0; i--) stack.push([ind, mode, d[i]!]);
    } else {
      const x = d as LineDoc | NestDoc | GroupDoc;
      if (x.k === 'line') {
        if (mode === 'flat') {
          out.push(x.flat);
          col += x.flat.length;
        } else {
          // no trailing blanks before the break
          while (out.length && out[out.length - 1]!.endsWith(' ')) {
            const last = out.pop()!.trimEnd();
            if (last) {
              out.push(last);
              break;
            }
          }
          out.push('\n' + ' '.repeat(ind));
          col = ind;
        }
      } else if (x.k === 'nest') stack.push([ind + x.n, mode, x.doc]);
      else if (mode === 'flat' || fits(width - col, [...stack, [ind, 'flat', x.doc]])) stack.push([ind, 'flat', x.doc]);
      else stack.push([ind, 'break', x.doc]);
    }
  }
  return out.join('');
}
