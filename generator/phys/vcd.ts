// Minimal VCD reader for cross-checks: transitions per signal bit between the settled values of consecutive
// time steps (several changes of one signal within a time step count once, as the final value). X/Z values
// and changes from or to them are not transitions.

import { readFileSync } from 'node:fs';
import { HarnessError } from '../sim/errors';

export interface VcdToggles {
  /** full hierarchical name ("tb.dut.n12", bits as "name[3]") -> [rises, falls] counted at times >= from */
  readonly toggles: ReadonlyMap<string, readonly [number, number]>;
  readonly endTime: number;
}

export function vcdToggles(file: string, o: { from?: number; scope?: string } = {}): VcdToggles {
  const text = readFileSync(file, 'utf8');
  const from = o.from ?? 0;
  const ids = new Map<string, { names: string[]; width: number }>();
  const scope: string[] = [];
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l.startsWith('$scope')) scope.push(l.split(/\s+/)[2]!);
    else if (l.startsWith('$upscope')) scope.pop();
    else if (l.startsWith('$var')) {
      const p = l.split(/\s+/); // $var wire 8 ! name [7:0] $end
      const width = Number(p[2]);
      const full = [...scope, p[4]!].join('.');
      if (o.scope && !full.startsWith(o.scope)) continue;
      const e = ids.get(p[3]!) ?? { names: [], width };
      e.names.push(full);
      ids.set(p[3]!, e);
    } else if (l.startsWith('$enddefinitions')) break;
  }
  const cur = new Map<string, string>();
  const settled = new Map<string, string>();
  const counts = new Map<string, [number, number]>();
  let time = 0;
  const flush = (): void => {
    for (const [id, v] of cur) {
      const e = ids.get(id)!;
      const old = settled.get(id);
      if (old !== undefined && time >= from) {
        for (let b = 0; b < e.width; b++) {
          const ob = old[old.length - 1 - b] ?? '0';
          const nb = v[v.length - 1 - b] ?? (v[0] === 'x' || v[0] === 'z' ? v[0] : '0');
          if ((ob === '0' && nb === '1') || (ob === '1' && nb === '0')) {
            for (const n of e.names) {
              const key = e.width > 1 ? `${n}[${b}]` : n;
              const c = counts.get(key) ?? [0, 0];
              c[nb === '1' ? 0 : 1]++;
              counts.set(key, c);
            }
          }
        }
      }
      settled.set(id, v);
    }
    cur.clear();
  };
  for (i++; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('$')) continue;
    if (l[0] === '#') {
      flush();
      time = Number(l.slice(1));
      continue;
    }
    let id: string;
    let v: string;
    if (l[0] === 'b' || l[0] === 'B') {
      const sp = l.indexOf(' ');
      v = l.slice(1, sp).toLowerCase();
      id = l.slice(sp + 1).trim();
    } else {
      v = l[0]!.toLowerCase();
      id = l.slice(1).trim();
    }
    if (!ids.has(id)) continue;
    cur.set(id, v);
  }
  flush();
  if (ids.size === 0) throw new HarnessError(`${file}: no VCD variables${o.scope ? ` under ${o.scope}` : ''}`);
  return { toggles: counts, endTime: time };
}
