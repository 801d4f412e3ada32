// Elaboration errors: each names the DSL call site (this file) and what is wrong.
import { describe, expect, test } from 'vitest';
import { HdlError, ModuleBuilder, caseOf, lit, printModule } from '../../generator/hdl/index';

const HERE = /test\/hdl\/errors\.test\.ts:\d+/;

function thrown(f: () => unknown): HdlError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HdlError);
    return e as HdlError;
  }
  throw new Error('expected an HdlError');
}

describe('assignment width', () => {
  test('mismatch names widths, the target, the call site and a fix', () => {
    const m = new ModuleBuilder('w');
    const a = m.input('a_i', 8);
    const sum = m.wire('sum', 8);
    const e = thrown(() => m.assign(sum, a.add(a)));
    expect(e.message).toMatch(/^width mismatch assigning 9-bit expression to 8-bit wire 'sum' at test\/hdl\/errors\.test\.ts:\d+ — use \.trunc\(8\)$/);
  });

  test('narrow expression suggests extension', () => {
    const m = new ModuleBuilder('w');
    const a = m.input('a_i', 4);
    const y = m.output('y_o', 8);
    expect(thrown(() => m.assign(y, a)).message).toMatch(/4-bit expression to 8-bit output 'y_o' .* use \.zext\(8\) or \.sext\(8\)/);
  });

  test('register next and instance ports are checked too', () => {
    const sub = new ModuleBuilder('sub');
    sub.assign(sub.output('y_o', 4), sub.input('x_i', 4));
    const subM = sub.build();
    const m = new ModuleBuilder('top');
    const a = m.input('a_i', 8);
    const r = m.reg('r_q', 4);
    expect(thrown(() => m.next(r, a)).message).toMatch(/8-bit expression to 4-bit reg 'r_q'/);
    const e = thrown(() => m.instance(subM, 'u_sub', { x_i: a }));
    expect(e.message).toMatch(/connecting 8-bit expression to 4-bit port 'x_i' of 'u_sub'/);
    expect(e.message).toMatch(HERE);
    expect(thrown(() => m.instance(subM, 'u_sub2', {})).message).toMatch(/input 'x_i' is not connected/);
    expect(thrown(() => m.instance(subM, 'u_sub3', { x_i: a.trunc(4), z_i: a })).message).toMatch(/has no input 'z_i'/);
  });
});

describe('drivers', () => {
  test('multiply-driven signal names both sites', () => {
    const m = new ModuleBuilder('md');
    const a = m.input('a_i', 1);
    const y = m.output('y_o', 1);
    m.assign(y, a);
    const e = thrown(() => m.assign(y, a.not()));
    expect(e.message).toMatch(/'y_o' has multiple drivers: first at test\/hdl\/errors\.test\.ts:\d+, again at test\/hdl\/errors\.test\.ts:\d+/);
  });

  test('undriven output, wire and register', () => {
    const m = new ModuleBuilder('ud');
    m.output('y_o', 1);
    m.wire('w', 2);
    m.reg('r_q', 3);
    const e = thrown(() => m.build());
    expect(e.message).toMatch(/output 'y_o' is never driven \(declared at test\/hdl\/errors\.test\.ts:\d+\)/);
    expect(e.message).toMatch(/wire 'w' is never driven/);
    expect(e.message).toMatch(/register 'r_q' has no next\(\)/);
  });

  test('inputs and registers cannot be assigned', () => {
    const m = new ModuleBuilder('ia');
    const a = m.input('a_i', 1);
    const r = m.reg('r_q', 1);
    expect(thrown(() => m.assign(a, lit(0, 1))).message).toMatch(/cannot assign input 'a_i'/);
    expect(thrown(() => m.assign(r, a)).message).toMatch(/cannot assign reg 'r_q'/);
  });

  test("another module's signal", () => {
    const other = new ModuleBuilder('other');
    const x = other.input('x_i', 1);
    const m = new ModuleBuilder('mine');
    const y = m.output('y_o', 1);
    expect(thrown(() => m.assign(y, x)).message).toMatch(/reads 'x_i' of another module/);
  });

  test('duplicate names', () => {
    const m = new ModuleBuilder('dup');
    m.input('a_i', 1);
    expect(thrown(() => m.wire('a_i', 1)).message).toMatch(/'a_i' is already declared in module 'dup'/);
    expect(thrown(() => m.wire('module', 1)).message).toMatch(/invalid name 'module'/);
  });
});

describe('expression construction', () => {
  test('case tables need distinct constant matches', () => {
    const m = new ModuleBuilder('ct');
    const sel = m.input('sel_i', 2);
    expect(thrown(() => caseOf(sel, [[1, lit(0, 1)], [[2, 1], lit(1, 1)]], lit(0, 1))).message).toMatch(/duplicate match value 1 at test\/hdl\/errors\.test\.ts:\d+/);
    expect(thrown(() => caseOf(sel, [[4, lit(0, 1)]], lit(0, 1))).message).toMatch(/constant 4 does not fit/);
  });

  test('named() needs a legal Verilog identifier', () => {
    const m = new ModuleBuilder('nm');
    const a = m.input('a_i', 2);
    expect(thrown(() => a.not().named('logic')).message).toMatch(/invalid name 'logic'/);
  });
});

describe('combinational loops', () => {
  test('a loop through wires is reported with its path', () => {
    const m = new ModuleBuilder('loop');
    const a = m.input('a_i', 1);
    const x = m.wire('x', 1);
    const y = m.wire('y', 1);
    m.assign(x, y.and(a));
    m.assign(y, x.not());
    m.assign(m.output('o_o', 1), y);
    const e = thrown(() => m.build());
    expect(e.message).toMatch(/combinational loop in 'loop': x -> y -> x/);
    expect(e.message).toMatch(HERE);
  });

  test('a register breaks the loop', () => {
    const m = new ModuleBuilder('counter');
    const q = m.reg('cnt_q', 4);
    m.next(q, q.add(1).trunc(4));
    m.assign(m.output('cnt_o', 4), q);
    expect(() => m.build()).not.toThrow();
  });

  test('a loop through an instance with a combinational path', () => {
    const sub = new ModuleBuilder('inv');
    sub.assign(sub.output('y_o', 1), sub.input('x_i', 1).not());
    const inv = sub.build();
    const m = new ModuleBuilder('ring');
    const w = m.wire('w', 1);
    const u = m.instance(inv, 'u_inv', { x_i: w });
    m.assign(w, u.out('y_o'));
    m.assign(m.output('o_o', 1), w);
    expect(thrown(() => m.build()).message).toMatch(/combinational loop in 'ring': (w -> u_inv_y_o -> w|u_inv_y_o -> w -> u_inv_y_o)/);
  });
});

describe('unread bits', () => {
  test('unread input bits are an error with a suggested fix', () => {
    const m = new ModuleBuilder('ur');
    const a = m.input('a_i', 8);
    m.assign(m.output('y_o', 4), a.slice(5, 2));
    const e = thrown(() => m.build());
    expect(e.message).toMatch(/bits \[7:6\], \[1:0\] of input 'a_i' are never read \(declared at test\/hdl\/errors\.test\.ts:\d+\) — use m\.unused\(a_i\.slice\(7, 6\) \/ a_i\.slice\(1, 0\), 'why'\)/);
  });

  test('a wholly unused wire', () => {
    const m = new ModuleBuilder('uw');
    const a = m.input('a_i', 1);
    m.let('dead', a.not());
    m.assign(m.output('y_o', 1), a);
    expect(thrown(() => m.build()).message).toMatch(/signal 'dead' is never read/);
  });

  test('marking bits unused fixes it', () => {
    const m = new ModuleBuilder('mu');
    const a = m.input('a_i', 8);
    m.assign(m.output('y_o', 4), a.slice(5, 2));
    m.unused(a.slice(7, 6), 'sign and overflow are handled upstream');
    m.unused(a.slice(1, 0), 'guard bits');
    expect(() => m.build()).not.toThrow();
  });

  test('bits selected, then dropped by an explicit trunc, are sunk rather than reported', () => {
    const m = new ModuleBuilder('tr');
    const a = m.input('a_i', 8);
    const b = m.input('b_i', 8);
    m.assign(m.output('d_o', 5), a.sub(b).trunc(5).asUnsigned()); // only a[4:0], b[4:0] reach the Verilog
    const text = printModule(m.build().ir);
    expect(text).toContain('(assign d_o (sub s5 (trunc u5 a_i:u8) (trunc u5 b_i:u8)))');
    expect(text).toContain('(assign unused_dropped (reduce-xor u1 (concat u6 (slice u3 a_i:u8 7 5) (slice u3 b_i:u8 7 5))))');
  });

  test('unused localparam', () => {
    const m = new ModuleBuilder('up');
    m.localparam('BIAS', 127, 8);
    expect(thrown(() => m.build()).message).toMatch(/localparam 'BIAS' is never used/);
  });

  test('builder is frozen after build', () => {
    const m = new ModuleBuilder('fz');
    m.assign(m.output('y_o', 1), lit(1, 1));
    m.build();
    expect(thrown(() => m.wire('late', 1)).message).toMatch(/already built/);
  });
});
