// Liberty (.lib) reader: a generic parser of the group / attribute syntax, then a typed view of what the
// physical flow uses: units, nominal voltage, per cell the area, leakage, pins (direction, capacitance,
// function), flip-flop groups, timing tables (for the I/O constraints) and internal_power tables (for energy).
// Written for the OSU 0.18 um library Debian ships (qflow-tech-osu018); any NLDM liberty with the same
// constructs parses. Unknown groups and attributes are kept in the generic tree and ignored by the typed view.

import { readFileSync } from 'node:fs';
import { HarnessError } from '../sim/errors';

/** Debian's qflow-tech-osu018 install location. */
export const OSU018_DIR = '/usr/share/qflow/tech/osu018';
export const OSU018_LIBERTY = `${OSU018_DIR}/osu018_stdcells.lib`;
export const OSU018_VERILOG = `${OSU018_DIR}/osu018_stdcells.v`;

export class LibertyError extends HarnessError {}

// ---- generic syntax tree ----

export type LibValue = string | number;

export interface LibGroup {
  readonly type: string;
  readonly args: readonly string[];
  /** simple attributes `name : value ;` (last one wins) */
  readonly attrs: ReadonlyMap<string, LibValue>;
  /** complex attributes `name (a, b, ...) ;`, all occurrences */
  readonly complex: ReadonlyMap<string, readonly (readonly LibValue[])[]>;
  readonly groups: readonly LibGroup[];
  readonly line: number;
}

interface Token {
  readonly t: 'word' | 'string' | 'punct';
  readonly v: string;
  readonly line: number;
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) i++; // line continuation
    else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new LibertyError(`${file}:${line}: unterminated comment`);
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && (text[j + 1] === '\n' || text[j + 1] === '\r')) {
          j++;
          continue;
        }
        if (text[j] === '\n') line++;
        s += text[j];
        j++;
      }
      if (j >= n) throw new LibertyError(`${file}:${line}: unterminated string`);
      out.push({ t: 'string', v: s, line });
      i = j + 1;
    } else if ('(){},;:'.includes(c)) {
      out.push({ t: 'punct', v: c, line });
      i++;
    } else {
      let j = i;
      while (j < n && !' \t\r\n(){},;:"'.includes(text[j]!)) j++;
      out.push({ t: 'word', v: text.slice(i, j), line });
      i = j;
    }
  }
  return out;
}

const numeric = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const value = (tok: Token): LibValue => (tok.t === 'word' && numeric.test(tok.v) ? Number(tok.v) : tok.v);

/** Parses liberty text into its group tree (the top group is `library (name)`). */
export function parseLibertyText(text: string, file = 'liberty'): LibGroup {
  const toks = tokenize(text, file);
  let p = 0;
  const peek = (): Token | undefined => toks[p];
  const fail = (msg: string): never => {
    const tok = toks[Math.min(p, toks.length - 1)];
    throw new LibertyError(`${file}:${tok?.line ?? 0}: ${msg}`);
  };
  const expect = (v: string): void => {
    const tok = toks[p];
    if (!tok || tok.t !== 'punct' || tok.v !== v) fail(`expected '${v}', found '${tok?.v ?? 'end of file'}'`);
    p++;
  };
  const argList = (): LibValue[] => {
    expect('(');
    const args: LibValue[] = [];
    while (peek() && !(peek()!.t === 'punct' && peek()!.v === ')')) {
      const tok = toks[p++]!;
      if (tok.t === 'punct' && tok.v === ',') continue;
      if (tok.t === 'punct') fail(`unexpected '${tok.v}' in an argument list`);
      args.push(value(tok));
    }
    expect(')');
    return args;
  };
  const body = (type: string, args: readonly string[], line: number): LibGroup => {
    const attrs = new Map<string, LibValue>();
    const complex = new Map<string, LibValue[][]>();
    const groups: LibGroup[] = [];
    expect('{');
    for (;;) {
      const tok = peek();
      if (!tok) fail(`group '${type}' (line ${line}) is not closed`);
      if (tok!.t === 'punct' && tok!.v === '}') {
        p++;
        break;
      }
      if (tok!.t === 'punct' && tok!.v === ';') {
        p++;
        continue;
      }
      if (tok!.t !== 'word') fail(`expected an attribute or group name, found '${tok!.v}'`);
      const name = tok!.v;
      p++;
      const next = peek();
      if (next?.t === 'punct' && next.v === ':') {
        p++;
        const parts: Token[] = [];
        while (peek() && !(peek()!.t === 'punct' && (peek()!.v === ';' || peek()!.v === '}'))) parts.push(toks[p++]!);
        if (peek()?.v === ';') p++;
        if (parts.length === 0) fail(`attribute '${name}' has no value`);
        attrs.set(name, parts.length === 1 ? value(parts[0]!) : parts.map((x) => x.v).join(' '));
      } else if (next?.t === 'punct' && next.v === '(') {
        const a = argList();
        const after = peek();
        if (after?.t === 'punct' && after.v === '{') groups.push(body(name, a.map(String), tok!.line));
        else {
          if (after?.t === 'punct' && after.v === ';') p++;
          complex.set(name, [...(complex.get(name) ?? []), a]);
        }
      } else fail(`expected ':' or '(' after '${name}'`);
    }
    return { type, args, attrs, complex, groups, line };
  };
  const head = toks[p];
  if (!head || head.t !== 'word') fail('empty liberty file');
  p++;
  const a = argList();
  const lib = body(head!.v, a.map(String), head!.line);
  if (lib.type !== 'library') throw new LibertyError(`${file}: top group is '${lib.type}', expected 'library'`);
  return lib;
}

// ---- typed view ----

/** A 1-D or 2-D lookup table; index1 is the first variable (rows), index2 the second (columns). */
export interface LibTable {
  readonly variable1: string;
  readonly variable2?: string;
  readonly index1: readonly number[];
  readonly index2?: readonly number[];
  /** values[i1][i2] (one column for 1-D tables) */
  readonly values: readonly (readonly number[])[];
}

export interface LibPowerArc {
  /** related input pin, or undefined for a pin's own (passive) power, e.g. a flop's CLK and D */
  readonly relatedPin?: string;
  readonly rise?: LibTable;
  readonly fall?: LibTable;
}

export interface LibTimingArc {
  readonly relatedPin: string;
  readonly timingType: string;
  readonly cellRise?: LibTable;
  readonly cellFall?: LibTable;
  readonly riseTransition?: LibTable;
  readonly fallTransition?: LibTable;
  readonly riseConstraint?: LibTable;
  readonly fallConstraint?: LibTable;
}

export interface LibPin {
  readonly name: string;
  readonly direction: 'input' | 'output' | 'inout';
  /** pF */
  readonly capacitance: number;
  readonly riseCapacitance: number;
  readonly fallCapacitance: number;
  readonly function?: string;
  readonly threeState?: string;
  readonly clock: boolean;
  readonly power: readonly LibPowerArc[];
  readonly timing: readonly LibTimingArc[];
}

export interface LibFlop {
  /** internal state variables: ff (IQ, IQN) */
  readonly iq: string;
  readonly iqn: string;
  readonly nextState: string;
  readonly clockedOn: string;
  readonly clear?: string;
  readonly preset?: string;
  /** IQ when clear and preset are both active ('L', 'H', 'N', 'T', 'X') */
  readonly clearPresetVar1?: string;
}

export interface LibCell {
  readonly name: string;
  /** um^2 */
  readonly area: number;
  /** in the library's leakage_power_unit (converted to nW in `leakageNw`) */
  readonly leakage: number;
  readonly leakageNw: number;
  readonly pins: ReadonlyMap<string, LibPin>;
  readonly ff?: LibFlop;
  /** true for latch groups (the project's designs must have none) */
  readonly latch: boolean;
  readonly dontUse: boolean;
}

export interface Library {
  readonly name: string;
  readonly file: string;
  readonly timeUnitNs: number;
  /** capacitive_load_unit in pF */
  readonly capUnitPf: number;
  readonly voltageUnitV: number;
  readonly leakageUnitNw: number;
  /** nominal supply (operating conditions), V */
  readonly nomVoltage: number;
  readonly nomTemperature?: number;
  readonly cells: ReadonlyMap<string, LibCell>;
  /** names of the wire_load groups (OSU018 has none) */
  readonly wireLoads: readonly string[];
  readonly tree: LibGroup;
}

function unitScale(text: string, units: Record<string, number>, what: string): number {
  const m = /^\s*([\d.]+)\s*([a-zA-Z]+)\s*$/.exec(text);
  if (!m || units[m[2]!] === undefined) throw new LibertyError(`cannot read ${what} '${text}'`);
  return Number(m[1]) * units[m[2]!]!;
}

const numList = (v: LibValue): number[] =>
  String(v)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const x = Number(s);
      if (!Number.isFinite(x)) throw new LibertyError(`'${s}' is not a number in a table`);
      return x;
    });

function tableOf(g: LibGroup, templates: ReadonlyMap<string, LibGroup>): LibTable {
  const tpl = templates.get(g.args[0] ?? '');
  const cx = (name: string, from: LibGroup | undefined): number[] | undefined => {
    const v = from?.complex.get(name)?.[0];
    return v ? v.flatMap(numList) : undefined;
  };
  const index1 = cx('index_1', g) ?? cx('index_1', tpl);
  const index2 = cx('index_2', g) ?? cx('index_2', tpl);
  const rows = (g.complex.get('values')?.[0] ?? []).map(numList);
  if (!index1 || rows.length === 0) throw new LibertyError(`table '${g.type}' (line ${g.line}) has no index_1 or values`);
  const variable1 = String(tpl?.attrs.get('variable_1') ?? (g.args[0] === 'scalar' ? 'scalar' : 'unknown'));
  const variable2 = tpl?.attrs.get('variable_2') as string | undefined;
  // a 1-D table is one row of values; store it as one column per index_1 entry
  const values = index2 ? rows : rows.length === 1 && rows[0]!.length === index1.length ? rows[0]!.map((v) => [v]) : rows;
  if (values.length !== index1.length || values.some((r) => r.length !== (index2?.length ?? 1))) {
    throw new LibertyError(`table '${g.type}' (line ${g.line}): values do not match its ${index1.length} x ${index2?.length ?? 1} index`);
  }
  return { variable1, ...(variable2 ? { variable2 } : {}), index1, ...(index2 ? { index2 } : {}), values };
}

const child = (g: LibGroup, type: string): LibGroup | undefined => g.groups.find((x) => x.type === type);

/** Reads a liberty file (cached per path). */
const cache = new Map<string, Library>();
export function readLiberty(file: string = OSU018_LIBERTY): Library {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new LibertyError(
      file === OSU018_LIBERTY
        ? `cannot read ${file}; install the OSU 0.18 um library with: apt-get install -y --no-install-recommends qflow-tech-osu018`
        : `cannot read liberty file ${file}`,
    );
  }
  const lib = libraryFromText(text, file);
  cache.set(file, lib);
  return lib;
}

export function libraryFromText(text: string, file = 'liberty'): Library {
  const tree = parseLibertyText(text, file);
  const a = tree.attrs;
  const timeUnitNs = unitScale(String(a.get('time_unit') ?? '1ns'), { ns: 1, ps: 1e-3, us: 1e3 }, 'time_unit');
  const voltageUnitV = unitScale(String(a.get('voltage_unit') ?? '1V'), { V: 1, mV: 1e-3 }, 'voltage_unit');
  const leakageUnitNw = unitScale(String(a.get('leakage_power_unit') ?? '1nW'), { nW: 1, pW: 1e-3, uW: 1e3, mW: 1e6, W: 1e9 }, 'leakage_power_unit');
  const capArgs = tree.complex.get('capacitive_load_unit')?.[0];
  const capUnitPf = capArgs ? Number(capArgs[0]) * ({ pf: 1, ff: 1e-3, nf: 1e3 } as Record<string, number>)[String(capArgs[1]).toLowerCase()]! : 1;
  if (!Number.isFinite(capUnitPf)) throw new LibertyError(`${file}: cannot read capacitive_load_unit`);
  const templates = new Map<string, LibGroup>();
  for (const g of tree.groups) if (g.type === 'lu_table_template' || g.type === 'power_lut_template') templates.set(g.args[0] ?? '', g);
  const opc = tree.groups.find((g) => g.type === 'operating_conditions' && g.args[0] === a.get('default_operating_conditions'));
  const nomVoltage = Number(opc?.attrs.get('voltage') ?? a.get('nom_voltage'));
  if (!Number.isFinite(nomVoltage) || nomVoltage <= 0) throw new LibertyError(`${file}: no nominal voltage (nom_voltage or operating_conditions)`);
  const cells = new Map<string, LibCell>();
  for (const cg of tree.groups.filter((g) => g.type === 'cell')) {
    const pins = new Map<string, LibPin>();
    for (const pg of cg.groups.filter((g) => g.type === 'pin')) {
      const dir = String(pg.attrs.get('direction') ?? '');
      if (dir !== 'input' && dir !== 'output' && dir !== 'inout') throw new LibertyError(`${file}:${pg.line}: pin ${pg.args[0]} of ${cg.args[0]} has no direction`);
      const cap = Number(pg.attrs.get('capacitance') ?? 0);
      const power = pg.groups
        .filter((g) => g.type === 'internal_power')
        .map((g): LibPowerArc => {
          const rp = g.attrs.get('related_pin');
          const rise = child(g, 'rise_power');
          const fall = child(g, 'fall_power');
          return { ...(rp !== undefined ? { relatedPin: String(rp) } : {}), ...(rise ? { rise: tableOf(rise, templates) } : {}), ...(fall ? { fall: tableOf(fall, templates) } : {}) };
        });
      const timing = pg.groups
        .filter((g) => g.type === 'timing')
        .map((g): LibTimingArc => {
          const t = (name: string): LibTable | undefined => {
            const x = child(g, name);
            return x ? tableOf(x, templates) : undefined;
          };
          const arc: Record<string, unknown> = { relatedPin: String(g.attrs.get('related_pin') ?? ''), timingType: String(g.attrs.get('timing_type') ?? 'combinational') };
          for (const [k, name] of [['cellRise', 'cell_rise'], ['cellFall', 'cell_fall'], ['riseTransition', 'rise_transition'], ['fallTransition', 'fall_transition'], ['riseConstraint', 'rise_constraint'], ['fallConstraint', 'fall_constraint']] as const) {
            const tab = t(name);
            if (tab) arc[k] = tab;
          }
          return arc as unknown as LibTimingArc;
        });
      const fn = pg.attrs.get('function');
      const ts = pg.attrs.get('three_state');
      pins.set(String(pg.args[0]), {
        name: String(pg.args[0]),
        direction: dir,
        capacitance: cap * capUnitPf,
        riseCapacitance: Number(pg.attrs.get('rise_capacitance') ?? cap) * capUnitPf,
        fallCapacitance: Number(pg.attrs.get('fall_capacitance') ?? cap) * capUnitPf,
        ...(fn !== undefined ? { function: String(fn) } : {}),
        ...(ts !== undefined ? { threeState: String(ts) } : {}),
        clock: pg.attrs.get('clock') === 'true',
        power,
        timing,
      });
    }
    const ffg = child(cg, 'ff');
    const ff: LibFlop | undefined = ffg
      ? {
          iq: ffg.args[0] ?? 'IQ',
          iqn: ffg.args[1] ?? 'IQN',
          nextState: String(ffg.attrs.get('next_state') ?? ''),
          clockedOn: String(ffg.attrs.get('clocked_on') ?? ''),
          ...(ffg.attrs.has('clear') ? { clear: String(ffg.attrs.get('clear')) } : {}),
          ...(ffg.attrs.has('preset') ? { preset: String(ffg.attrs.get('preset')) } : {}),
          ...(ffg.attrs.has('clear_preset_var1') ? { clearPresetVar1: String(ffg.attrs.get('clear_preset_var1')) } : {}),
        }
      : undefined;
    if (ff && (!ff.nextState || !ff.clockedOn)) throw new LibertyError(`${file}:${ffg!.line}: ff group of ${cg.args[0]} lacks next_state or clocked_on`);
    const leakage = Number(cg.attrs.get('cell_leakage_power') ?? 0);
    cells.set(String(cg.args[0]), {
      name: String(cg.args[0]),
      area: Number(cg.attrs.get('area') ?? 0),
      leakage,
      leakageNw: leakage * leakageUnitNw,
      pins,
      ...(ff ? { ff } : {}),
      latch: cg.groups.some((g) => g.type === 'latch'),
      dontUse: cg.attrs.get('dont_use') === 'true',
    });
  }
  if (cells.size === 0) throw new LibertyError(`${file}: no cells`);
  return {
    name: String(tree.args[0] ?? ''),
    file,
    timeUnitNs,
    capUnitPf,
    voltageUnitV,
    leakageUnitNw,
    nomVoltage: nomVoltage * voltageUnitV,
    ...(a.has('nom_temperature') ? { nomTemperature: Number(a.get('nom_temperature')) } : {}),
    cells,
    wireLoads: tree.groups.filter((g) => g.type === 'wire_load').map((g) => g.args[0] ?? ''),
    tree,
  };
}

// ---- table lookup ----

/** Index of the segment [i, i+1] used to interpolate x (clamped to the first / last segment: extrapolation). */
function segment(index: readonly number[], x: number): number {
  if (index.length < 2) return 0;
  let i = 0;
  while (i < index.length - 2 && x > index[i + 1]!) i++;
  return i;
}

function lerp(x0: number, x1: number, y0: number, y1: number, x: number): number {
  return x1 === x0 ? y0 : y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

/**
 * Value of a table at (variable1, variable2) = (x1, x2): bilinear interpolation inside the grid, linear
 * extrapolation from the edge segment outside it (what STA tools do for NLDM tables).
 */
export function lookup(t: LibTable, x1: number, x2 = 0): number {
  const i = segment(t.index1, x1);
  if (!t.index2) {
    if (t.index1.length === 1) return t.values[0]![0]!;
    return lerp(t.index1[i]!, t.index1[i + 1]!, t.values[i]![0]!, t.values[i + 1]![0]!, x1);
  }
  const j = segment(t.index2, x2);
  const row = (r: number): number =>
    t.index2!.length === 1 ? t.values[r]![0]! : lerp(t.index2![j]!, t.index2![j + 1]!, t.values[r]![j]!, t.values[r]![j + 1]!, x2);
  if (t.index1.length === 1) return row(0);
  return lerp(t.index1[i]!, t.index1[i + 1]!, row(i), row(i + 1), x1);
}

/** Looks a table up by variable name, whichever order the template declares them in. */
export function lookupBy(t: LibTable, vars: Readonly<Record<string, number>>): number {
  const v1 = vars[t.variable1];
  if (v1 === undefined) throw new LibertyError(`table variable '${t.variable1}' not given (have ${Object.keys(vars).join(', ')})`);
  if (!t.variable2) return lookup(t, v1);
  const v2 = vars[t.variable2];
  if (v2 === undefined) throw new LibertyError(`table variable '${t.variable2}' not given (have ${Object.keys(vars).join(', ')})`);
  return lookup(t, v1, v2);
}
