// Liberty `function` strings ("(!((A B)+C))", "A^B", "S A + !S B", "A'"): parsed to a tree that evaluates
// and prints as a Verilog expression. Precedence (Liberty reference): inversion (! prefix, ' postfix), then
// XOR (^), then AND (&, *, or juxtaposition), then OR (|, +); left to right within a level.

import { LibertyError } from './liberty';

export type BoolExpr =
  | { readonly op: 'var'; readonly name: string }
  | { readonly op: 'const'; readonly value: 0 | 1 }
  | { readonly op: 'not'; readonly a: BoolExpr }
  | { readonly op: 'and' | 'or' | 'xor'; readonly a: BoolExpr; readonly b: BoolExpr };

export function parseBoolExpr(text: string): BoolExpr {
  const toks = text.match(/[A-Za-z_][A-Za-z0-9_\[\]\.]*|[01]|[!'^&*|+()]/g) ?? [];
  const stray = text.replace(/[A-Za-z_][A-Za-z0-9_\[\]\.]*|[01]|[!'^&*|+()\s]/g, '');
  if (stray !== '') throw new LibertyError(`function "${text}": unexpected '${stray}'`);
  let p = 0;
  const fail = (msg: string): never => {
    throw new LibertyError(`function "${text}": ${msg}`);
  };
  const startsPrimary = (t: string | undefined): boolean => t !== undefined && (t === '(' || t === '!' || /^[A-Za-z_01]/.test(t));
  const primary = (): BoolExpr => {
    const t = toks[p++];
    let e: BoolExpr;
    if (t === '!') e = { op: 'not', a: primary() };
    else if (t === '(') {
      e = or();
      if (toks[p++] !== ')') fail('missing )');
    } else if (t === '0' || t === '1') e = { op: 'const', value: t === '1' ? 1 : 0 };
    else if (t !== undefined && /^[A-Za-z_]/.test(t)) e = { op: 'var', name: t };
    else return fail(`unexpected '${t ?? 'end'}'`);
    while (toks[p] === "'") {
      p++;
      e = { op: 'not', a: e };
    }
    return e;
  };
  const xor = (): BoolExpr => {
    let e = primary();
    while (toks[p] === '^') {
      p++;
      e = { op: 'xor', a: e, b: primary() };
    }
    return e;
  };
  const and = (): BoolExpr => {
    let e = xor();
    for (;;) {
      if (toks[p] === '&' || toks[p] === '*') p++;
      else if (!startsPrimary(toks[p])) break; // juxtaposition is AND
      e = { op: 'and', a: e, b: xor() };
    }
    return e;
  };
  function or(): BoolExpr {
    let e = and();
    while (toks[p] === '+' || toks[p] === '|') {
      p++;
      e = { op: 'or', a: e, b: and() };
    }
    return e;
  }
  if (toks.length === 0) fail('empty');
  const e = or();
  if (p !== toks.length) fail(`unexpected '${toks[p]}'`);
  return e;
}

export function evalBool(e: BoolExpr, env: Readonly<Record<string, number>>): number {
  switch (e.op) {
    case 'var': {
      const v = env[e.name];
      if (v === undefined) throw new LibertyError(`function variable '${e.name}' has no value`);
      return v & 1;
    }
    case 'const':
      return e.value;
    case 'not':
      return evalBool(e.a, env) ^ 1;
    case 'and':
      return evalBool(e.a, env) & evalBool(e.b, env);
    case 'or':
      return evalBool(e.a, env) | evalBool(e.b, env);
    case 'xor':
      return evalBool(e.a, env) ^ evalBool(e.b, env);
  }
}

/** Variables of an expression, in first-use order. */
export function boolVars(e: BoolExpr, out: string[] = []): string[] {
  if (e.op === 'var') {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.op === 'not') boolVars(e.a, out);
  else if (e.op !== 'const') {
    boolVars(e.a, out);
    boolVars(e.b, out);
  }
  return out;
}

/** Verilog expression (fully parenthesised); `rename` maps liberty variables to Verilog names. */
export function boolToVerilog(e: BoolExpr, rename: (v: string) => string = (v) => v): string {
  switch (e.op) {
    case 'var':
      return rename(e.name);
    case 'const':
      return `1'b${e.value}`;
    case 'not':
      return `~${boolToVerilog(e.a, rename)}`;
    case 'and':
      return `(${boolToVerilog(e.a, rename)} & ${boolToVerilog(e.b, rename)})`;
    case 'or':
      return `(${boolToVerilog(e.a, rename)} | ${boolToVerilog(e.b, rename)})`;
    case 'xor':
      return `(${boolToVerilog(e.a, rename)} ^ ${boolToVerilog(e.b, rename)})`;
  }
}
