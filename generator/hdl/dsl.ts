// ModuleBuilder: the user-facing way to describe one hardware module. Loops and parameters are plain
// TypeScript; `build()` elaborates (checks drivers, loops, unused bits), lowers to the IR and freezes.
import { HdlError, atLoc } from './errors';
import { isIdentifier } from './names';
import { Const, Expr, type ExprLike, Signal, type SignalKind, children, coerce } from './expr';
import type { IrModule, PortRole } from './ir';
import { elaborate } from './elaborate';
import { type ModuleInterface, type PortSpec, STREAM_HANDSHAKE, type HandshakeSpec } from './ports';
import { type Shape, clog2, showShape, unsigned } from './shape';
import { type SrcLoc, here } from './srcloc';

export type ConfigRecord = Readonly<Record<string, string | number | boolean>>;

export interface ModuleOptions {
  /** What the module does; multi-line text is kept as is in the header comment. */
  readonly doc?: string;
  /** The generator parameters that produced the module (printed in the header, exported as `params`). */
  readonly config?: ConfigRecord;
}

export interface RegOptions {
  /** Reset value (asynchronous, active-low `rst_ni`); 'none' for a datapath register. Default 0. */
  readonly reset?: ExprLike | 'none';
  readonly doc?: string;
}

export interface NextOptions {
  /** Load enable: the register keeps its value while `en` is 0. */
  readonly en?: Expr;
}

/** A synchronous RAM: see ModuleBuilder.memory(). */
export interface MemoryOptions {
  /** bits per word */
  readonly width: number;
  /** words; the address ports have max(1, clog2(depth)) bits */
  readonly depth: number;
  /**
   * Bits per write-mask bit (must divide width): the write port then takes a mask of width / maskGranule
   * bits, bit i enabling word bits [i*G+G-1 : i*G]. Absent: whole-word writes, no mask.
   */
  readonly maskGranule?: number;
  readonly doc?: string;
}

export interface MemoryWritePort {
  readonly addr: Expr;
  readonly data: ExprLike;
  /** write enable (1 bit) */
  readonly en: Expr;
  /** required iff the memory has a maskGranule */
  readonly mask?: Expr;
}

export interface MemoryReadPort {
  readonly addr: Expr;
  /** read enable (1 bit): the read data register keeps its word while 0; default: read every cycle */
  readonly en?: Expr;
}

/** What the lowering reads of a memory (filled in by Memory.write/read). */
export interface MemoryDecl {
  readonly name: string;
  readonly width: number;
  readonly depth: number;
  readonly granule: number | null;
  readonly doc: string;
  readonly loc: SrcLoc;
  write?: { readonly addr: Expr; readonly data: Expr; readonly en: Expr; readonly mask: Expr | null; readonly loc: SrcLoc };
  read?: { readonly addr: Expr; readonly en: Expr | null; readonly data: Signal; readonly loc: SrcLoc };
}

export interface StreamPorts {
  readonly inValid: Signal;
  readonly inReady: Signal;
  readonly outValid: Signal;
  readonly outReady: Signal;
}

/** What the elaborator and the lowering read from a builder. */
export type Item =
  | { readonly k: 'assign'; readonly target: Signal; readonly expr: Expr; readonly loc: SrcLoc }
  | { readonly k: 'next'; readonly target: Signal; readonly d: Expr; readonly en: Expr | null; readonly loc: SrcLoc }
  | { readonly k: 'instance'; readonly inst: Instance; readonly loc: SrcLoc }
  | { readonly k: 'memory'; readonly mem: MemoryDecl; readonly loc: SrcLoc }
  | { readonly k: 'unused'; readonly expr: Expr; readonly why: string; readonly loc: SrcLoc };

export interface ModuleRecord {
  readonly name: string;
  readonly doc: string;
  readonly config: ConfigRecord;
  readonly ports: readonly Signal[];
  readonly roles: ReadonlyMap<Signal, PortRole>;
  readonly wires: readonly Signal[];
  /** wires that carry instance outputs */
  readonly instanceWires: ReadonlySet<Signal>;
  readonly regs: ReadonlyMap<Signal, Const | null>;
  readonly params: ReadonlyMap<Signal, Const>;
  readonly items: readonly Item[];
  readonly stream: boolean;
  /** read-data registers of memories (driven by their memory, declared `reg`) */
  readonly memData: ReadonlySet<Signal>;
}

export const toShape = (s: number | Shape): Shape => (typeof s === 'number' ? unsigned(s) : s);

export class ModuleBuilder {
  private readonly signals = new Map<string, Signal>();
  private readonly portList: Signal[] = [];
  private readonly roles = new Map<Signal, PortRole>();
  private readonly wireList: Signal[] = [];
  private readonly instanceWires = new Set<Signal>();
  private readonly regs = new Map<Signal, Const | null>();
  private readonly params = new Map<Signal, Const>();
  private readonly items: Item[] = [];
  private readonly drivers = new Map<Signal, SrcLoc>();
  private readonly instNames = new Set<string>();
  /** what drives each wire/output: its expression, or the instance whose output it carries */
  private readonly sources = new Map<Signal, Expr | Instance>();
  private readonly memories: MemoryDecl[] = [];
  private readonly memData = new Set<Signal>();
  private clk?: Signal;
  private rst?: Signal;
  private streamPorts?: StreamPorts;
  private built?: Module;
  readonly doc: string;
  readonly config: ConfigRecord;

  constructor(
    readonly name: string,
    options: ModuleOptions = {},
  ) {
    if (!isIdentifier(name)) throw new HdlError(`invalid module name '${name}'`, here());
    this.doc = options.doc ?? '';
    this.config = { ...(options.config ?? {}) };
  }

  // ---- declarations ----

  input(name: string, shape: number | Shape, doc?: string): Signal {
    return this.port(name, 'input', shape, doc, 'data');
  }

  output(name: string, shape: number | Shape, doc?: string): Signal {
    return this.port(name, 'output', shape, doc, 'data');
  }

  wire(name: string, shape: number | Shape, doc?: string): Signal {
    const s = this.declare(name, 'wire', shape, here(), doc);
    this.wireList.push(s);
    return s;
  }

  /** Declare a wire shaped like `expr` and drive it: the usual way to name an intermediate value. */
  let(name: string, expr: Expr, doc?: string): Signal {
    const s = this.declare(name, 'wire', expr.shape, here(), doc);
    this.wireList.push(s);
    this.drive(s, expr, here());
    return s;
  }

  /** A register clocked by `clk_i`; drive it with `next()`. */
  reg(name: string, shape: number | Shape, options: RegOptions = {}): Signal {
    const loc = here();
    const s = this.declare(name, 'reg', shape, loc, options.doc);
    const reset = options.reset ?? 0;
    if (reset === 'none') {
      this.regs.set(s, null);
    } else {
      const c = coerce(reset, s.shape, loc, `reset of '${name}'`);
      if (!(c instanceof Const)) throw new HdlError(`reset value of register '${name}' must be a constant`, loc);
      this.regs.set(s, c);
      this.ensureReset();
    }
    this.ensureClock();
    return s;
  }

  /** Shorthand for reg() + next(): a register shaped like `d`. */
  register(name: string, d: Expr, options: RegOptions & NextOptions = {}): Signal {
    const r = this.reg(name, d.shape, options);
    this.next(r, d, options);
    return r;
  }

  /** A documented constant; using it prints its name in the Verilog. Must be used. */
  localparam(name: string, value: number | bigint, shape: number | Shape, doc?: string): Signal {
    const loc = here();
    const s = this.declare(name, 'param', shape, loc, doc);
    this.params.set(s, new Const(BigInt(value), s.shape, loc));
    return s;
  }

  /**
   * A synchronous RAM of `depth` words of `width` bits with one write port and one read port, both on the
   * rising edge of `clk_i`; no reset, contents undefined until written. Give the ports with `write()` and
   * `read()` (once each). The read is registered: the word at the address of cycle t is on the read data
   * from cycle t+1 (held while the read enable is 0). A read of the address being written in the same cycle
   * returns the old word (read-first). Emitted as an inferable Verilog-2005 array that Yosys maps as a memory.
   */
  memory(name: string, options: MemoryOptions): Memory {
    const loc = here();
    this.assertOpen(loc);
    if (!isIdentifier(name) || this.signals.has(name) || this.instNames.has(name))
      throw new HdlError(`memory name '${name}' is invalid or already used in '${this.name}'`, loc);
    const { width, depth } = options;
    if (!Number.isInteger(width) || width < 1) throw new HdlError(`memory '${name}': width must be a positive integer, got ${width}`, loc);
    if (!Number.isInteger(depth) || depth < 2) throw new HdlError(`memory '${name}': depth must be an integer >= 2, got ${depth}`, loc);
    const g = options.maskGranule;
    if (g !== undefined && (!Number.isInteger(g) || g < 1 || width % g !== 0))
      throw new HdlError(`memory '${name}': maskGranule ${g} must be a positive integer dividing the width ${width}`, loc);
    this.instNames.add(name);
    this.ensureClock();
    const decl: MemoryDecl = { name, width, depth, granule: g ?? null, doc: options.doc ?? '', loc };
    this.memories.push(decl);
    this.items.push({ k: 'memory', mem: decl, loc });
    return new Memory(decl, this);
  }

  /** @internal Memory.write */
  memoryWrite(decl: MemoryDecl, p: MemoryWritePort, loc: SrcLoc): void {
    this.assertOpen(loc);
    if (decl.write) throw new HdlError(`memory '${decl.name}' already has its write port (one write port per memory)`, loc);
    const aw = memoryAddrWidth(decl.depth);
    const data = coerce(p.data, unsigned(decl.width), loc, `write data of '${decl.name}'`);
    const check = (what: string, e: Expr, w: number) => {
      if (e.width !== w) throw new HdlError(`memory '${decl.name}': ${what} must be ${w} bits, got ${e.width}`, loc);
      this.checkOwnExpr(e, loc);
    };
    check('write address', p.addr, aw);
    check('write data', data, decl.width);
    check('write enable', p.en, 1);
    if (decl.granule === null && p.mask) throw new HdlError(`memory '${decl.name}' has no maskGranule, so its write port takes no mask`, loc);
    if (decl.granule !== null && !p.mask) throw new HdlError(`memory '${decl.name}' has maskGranule ${decl.granule}: give the write port a mask of ${decl.width / decl.granule} bits`, loc);
    if (p.mask) check('write mask', p.mask, decl.width / decl.granule!);
    decl.write = { addr: p.addr, data, en: p.en, mask: p.mask ?? null, loc };
  }

  /** @internal Memory.read */
  memoryRead(decl: MemoryDecl, p: MemoryReadPort, loc: SrcLoc): Signal {
    this.assertOpen(loc);
    if (decl.read) throw new HdlError(`memory '${decl.name}' already has its read port (one read port per memory)`, loc);
    if (p.addr.width !== memoryAddrWidth(decl.depth))
      throw new HdlError(`memory '${decl.name}': read address must be ${memoryAddrWidth(decl.depth)} bits, got ${p.addr.width}`, loc);
    if (p.en && p.en.width !== 1) throw new HdlError(`memory '${decl.name}': read enable must be 1 bit, got ${p.en.width}`, loc);
    this.checkOwnExpr(p.addr, loc);
    if (p.en) this.checkOwnExpr(p.en, loc);
    const data = this.declare(`${decl.name}_rdata`, 'reg', unsigned(decl.width), loc, `${decl.name}: word read in the previous cycle`);
    this.memData.add(data);
    this.drivers.set(data, loc);
    decl.read = { addr: p.addr, en: p.en ?? null, data, loc };
    return data;
  }

  /** Declare the standard valid/ready handshake ports (and clock/reset) of ports.ts. */
  stream(): StreamPorts {
    if (this.streamPorts) return this.streamPorts;
    this.ensureClock();
    this.ensureReset();
    const h = STREAM_HANDSHAKE;
    this.streamPorts = {
      inValid: this.port(h.inValid, 'input', unsigned(1), 'input beat is valid', 'handshake'),
      inReady: this.port(h.inReady, 'output', unsigned(1), 'module accepts the input beat', 'handshake'),
      outValid: this.port(h.outValid, 'output', unsigned(1), 'output beat is valid', 'handshake'),
      outReady: this.port(h.outReady, 'input', unsigned(1), 'downstream accepts the output beat', 'handshake'),
    };
    return this.streamPorts;
  }

  // ---- logic ----

  /** Continuous assignment; widths and signedness-insensitive: only the width must match exactly. */
  assign(target: Signal, value: ExprLike): void {
    const loc = here();
    this.checkOwn(target, loc);
    if (target.sigKind !== 'wire' && target.sigKind !== 'output')
      throw new HdlError(`cannot assign ${target.sigKind} '${target.name}' — registers use next(), inputs are driven outside`, loc);
    if (this.instanceWires.has(target)) throw new HdlError(`'${target.name}' is driven by an instance`, loc);
    this.drive(target, coerce(value, target.shape, loc, `assign to '${target.name}'`), loc);
  }

  /** The value register `target` takes at the next rising clock edge (when `en` is 1, if given). */
  next(target: Signal, d: ExprLike, options: NextOptions = {}): void {
    const loc = here();
    this.checkOwn(target, loc);
    if (target.sigKind !== 'reg') throw new HdlError(`next() needs a register, '${target.name}' is a ${target.sigKind}`, loc);
    const value = coerce(d, target.shape, loc, `next of '${target.name}'`);
    this.checkWidth(target, value, loc);
    if (options.en && options.en.width !== 1)
      throw new HdlError(`enable of '${target.name}' must be 1 bit, got ${showShape(options.en.shape)}`, loc);
    this.claimDriver(target, loc);
    this.items.push({ k: 'next', target, d: value, en: options.en ?? null, loc });
  }

  /** Instantiate a built module. All inputs except clock/reset must be connected, with exact widths. */
  instance(module: Module, instName: string, inputs: Readonly<Record<string, ExprLike>>): Instance {
    const loc = here();
    this.assertOpen(loc);
    if (!isIdentifier(instName) || this.instNames.has(instName) || this.signals.has(instName))
      throw new HdlError(`instance name '${instName}' is invalid or already used in '${this.name}'`, loc);
    this.instNames.add(instName);
    const conns = new Map<string, Expr>();
    for (const key of Object.keys(inputs))
      if (!module.inputShapes.has(key))
        throw new HdlError(`module '${module.name}' has no input '${key}' (inputs: ${[...module.inputShapes.keys()].join(', ')})`, loc);
    for (const [port, shape] of module.inputShapes) {
      const role = module.roleOf(port);
      if (role === 'clock' || role === 'reset') continue;
      const given = inputs[port];
      if (given === undefined) throw new HdlError(`instance '${instName}' of '${module.name}': input '${port}' is not connected`, loc);
      const e = coerce(given, shape, loc, `${instName}.${port}`);
      if (e.width !== shape.width)
        throw new HdlError(
          `width mismatch connecting ${e.width}-bit expression to ${shape.width}-bit port '${port}' of '${instName}' — use .trunc(${shape.width}) or .zext(${shape.width})`,
          loc,
        );
      this.checkOwnExpr(e, loc);
      conns.set(port, e);
    }
    if (module.hasClock) this.ensureClock();
    if (module.hasReset) this.ensureReset();
    const outputs: Record<string, Signal> = {};
    for (const [port, shape] of module.outputShapes) {
      const w = this.declare(`${instName}_${port}`, 'wire', shape, loc, `${instName}.${port}`);
      this.wireList.push(w);
      this.instanceWires.add(w);
      this.drivers.set(w, loc);
      outputs[port] = w;
    }
    const inst = new Instance(instName, module, conns, outputs);
    for (const w of Object.values(outputs)) this.sources.set(w, inst);
    this.items.push({ k: 'instance', inst, loc });
    return inst;
  }

  /**
   * Mark bits as intentionally unread (a signal, or a slice/bit of one): they are fed to an `unused_*`
   * sink wire, the lowRISC idiom Verilator's UNUSED check accepts without a waiver.
   */
  unused(expr: Expr, why: string): void {
    const loc = here();
    this.assertOpen(loc);
    this.checkOwnExpr(expr, loc);
    this.items.push({ k: 'unused', expr, why, loc });
  }

  /**
   * What drives a wire or output so far: its expression (assign/let), or the instance whose output it is;
   * undefined for ports, registers and undriven wires. For analyses that walk the design while it is
   * being built (lib/stager.ts tracks pipeline stages through it).
   */
  sourceOf(s: Signal): Expr | Instance | undefined {
    return this.sources.get(s);
  }

  // ---- elaboration ----

  build(): Module {
    if (this.built) return this.built;
    const open = this.memories.flatMap((d) => [...(d.write ? [] : [`memory '${d.name}' has no write port (declared at ${d.loc.toString()}) — call write()`]), ...(d.read ? [] : [`memory '${d.name}' has no read port (declared at ${d.loc.toString()}) — call read()`])]);
    if (open.length) throw new HdlError(`module '${this.name}':\n  - ${open.join('\n  - ')}`);
    const rec: ModuleRecord = {
      name: this.name,
      doc: this.doc,
      config: this.config,
      ports: [...(this.clk ? [this.clk] : []), ...(this.rst ? [this.rst] : []), ...this.portList],
      roles: this.roles,
      wires: this.wireList,
      instanceWires: this.instanceWires,
      regs: this.regs,
      params: this.params,
      items: this.items,
      stream: this.streamPorts !== undefined,
      memData: this.memData,
    };
    const { ir, combPaths } = elaborate(rec, this.drivers);
    this.built = new Module(ir, rec, combPaths, this.items.flatMap((i) => (i.k === 'instance' ? [i.inst.module] : [])));
    return this.built;
  }

  // ---- internals ----

  private port(name: string, dir: 'input' | 'output', shape: number | Shape, doc: string | undefined, role: PortRole): Signal {
    const s = this.declare(name, dir, shape, here(), doc);
    this.roles.set(s, role);
    if (role !== 'clock' && role !== 'reset') this.portList.push(s);
    return s;
  }

  private ensureClock(): void {
    this.clk ??= this.port(STREAM_HANDSHAKE.clock, 'input', unsigned(1), 'clock, rising edge', 'clock');
  }

  private ensureReset(): void {
    this.rst ??= this.port(STREAM_HANDSHAKE.reset, 'input', unsigned(1), 'asynchronous reset, active low', 'reset');
  }

  private declare(name: string, kind: SignalKind, shapeOrWidth: number | Shape, loc: SrcLoc, doc?: string): Signal {
    this.assertOpen(loc);
    const shape = atLoc(loc, `'${name}'`, () => toShape(shapeOrWidth));
    if (!isIdentifier(name)) throw new HdlError(`invalid name '${name}'`, loc);
    if (this.signals.has(name) || this.instNames.has(name))
      throw new HdlError(`'${name}' is already declared in module '${this.name}' (at ${this.signals.get(name)?.loc.toString() ?? 'an instance'})`, loc);
    const s = new Signal(name, kind, shape, loc, this, doc);
    this.signals.set(name, s);
    return s;
  }

  private drive(target: Signal, expr: Expr, loc: SrcLoc): void {
    this.checkOwnExpr(expr, loc);
    this.checkWidth(target, expr, loc);
    this.claimDriver(target, loc);
    this.sources.set(target, expr);
    this.items.push({ k: 'assign', target, expr, loc });
  }

  private claimDriver(target: Signal, loc: SrcLoc): void {
    const prev = this.drivers.get(target);
    if (prev) throw new HdlError(`'${target.name}' has multiple drivers: first at ${prev.toString()}, again`, loc);
    this.drivers.set(target, loc);
  }

  private checkWidth(target: Signal, expr: Expr, loc: SrcLoc): void {
    if (expr.width === target.width) return;
    const fix = expr.width > target.width ? `.trunc(${target.width})` : `.zext(${target.width}) or .sext(${target.width})`;
    throw new HdlError(
      `width mismatch assigning ${expr.width}-bit expression to ${target.width}-bit ${target.sigKind} '${target.name}' — use ${fix}`,
      loc,
    );
  }

  private checkOwn(s: Signal, loc: SrcLoc): void {
    this.assertOpen(loc);
    if (s.owner !== this) throw new HdlError(`'${s.name}' belongs to another module, not '${this.name}'`, loc);
  }

  /** Expressions may only read this module's signals (instances connect modules). */
  private checkOwnExpr(e: Expr, loc: SrcLoc): void {
    const seen = new Set<Expr>();
    const walk = (x: Expr): void => {
      if (seen.has(x)) return;
      seen.add(x);
      if (x instanceof Signal) {
        if (x.owner !== this) throw new HdlError(`expression reads '${x.name}' of another module, not '${this.name}'`, loc);
        return;
      }
      for (const c of children(x)) walk(c);
    };
    walk(e);
  }

  private assertOpen(loc: SrcLoc): void {
    if (this.built) throw new HdlError(`module '${this.name}' is already built`, loc);
  }
}

/** Address width of a memory of `depth` words. */
export const memoryAddrWidth = (depth: number): number => Math.max(1, clog2(depth));

/** A memory of a module under construction (ModuleBuilder.memory). */
export class Memory {
  constructor(
    private readonly decl: MemoryDecl,
    private readonly owner: ModuleBuilder,
  ) {}

  get name(): string {
    return this.decl.name;
  }
  get width(): number {
    return this.decl.width;
  }
  get depth(): number {
    return this.decl.depth;
  }
  get addrWidth(): number {
    return memoryAddrWidth(this.decl.depth);
  }
  /** Bits per mask bit, or null for a memory without a write mask. */
  get maskGranule(): number | null {
    return this.decl.granule;
  }

  /** The write port (call once): at a rising edge with en = 1, word addr takes data (the bits mask enables). */
  write(p: MemoryWritePort): void {
    this.owner.memoryWrite(this.decl, p, here());
  }

  /** The read port (call once); returns the read data register `<name>_rdata`. */
  read(p: MemoryReadPort): Signal {
    return this.owner.memoryRead(this.decl, p, here());
  }
}

export class Instance {
  constructor(
    readonly name: string,
    readonly module: Module,
    readonly inputs: ReadonlyMap<string, Expr>,
    /** One wire per output port, named `<instance>_<port>`. */
    readonly outputs: Readonly<Record<string, Signal>>,
  ) {}

  out(port: string): Signal {
    const s = this.outputs[port];
    if (!s) throw new HdlError(`module '${this.module.name}' has no output '${port}'`, here());
    return s;
  }
}

/** An elaborated, immutable module. */
export class Module {
  readonly name: string;
  readonly inputShapes = new Map<string, Shape>();
  readonly outputShapes = new Map<string, Shape>();
  readonly hasClock: boolean;
  readonly hasReset: boolean;
  readonly isStream: boolean;
  /** The builder's items (assigns, register next()s, instances), for analyses such as lib/delay.ts. */
  readonly items: readonly Item[];
  private readonly roles = new Map<string, PortRole>();
  private readonly assigned = new Map<string, Expr>();

  constructor(
    readonly ir: IrModule,
    rec: ModuleRecord,
    /** output port -> input ports it depends on combinationally */
    readonly combPaths: ReadonlyMap<string, ReadonlySet<string>>,
    readonly submodules: readonly Module[],
  ) {
    this.name = ir.name;
    this.items = rec.items;
    for (const p of rec.ports) {
      (p.sigKind === 'input' ? this.inputShapes : this.outputShapes).set(p.name, p.shape);
      this.roles.set(p.name, rec.roles.get(p)!);
    }
    for (const it of rec.items) if (it.k === 'assign') this.assigned.set(it.target.name, it.expr);
    for (const [p, value] of rec.params) this.assigned.set(p.name, value);
    this.hasClock = [...this.roles.values()].includes('clock');
    this.hasReset = [...this.roles.values()].includes('reset');
    this.isStream = rec.stream;
  }

  /** The DSL expression assigned to a wire or output, or a localparam's value (for evalExpr and debugging). */
  driverOf(name: string): Expr | undefined {
    return this.assigned.get(name);
  }

  roleOf(port: string): PortRole | undefined {
    return this.roles.get(port);
  }

  /** The port contract of ports.ts. */
  interface(): ModuleInterface {
    const ports: PortSpec[] = this.ir.ports.map((p) => ({
      name: p.name,
      dir: p.dir,
      width: p.w,
      ...(p.doc ? { doc: p.doc } : {}),
    }));
    const handshake: HandshakeSpec | undefined = this.isStream ? { ...STREAM_HANDSHAKE } : undefined;
    return { name: this.name, params: { ...this.ir.config }, ports, ...(handshake ? { handshake } : {}) };
  }

  /** Data ports: everything but clock, reset and handshake (the harness packs these). */
  dataPorts(dir: 'input' | 'output'): readonly { name: string; width: number }[] {
    return this.ir.ports.filter((p) => p.dir === dir && p.role === 'data').map((p) => ({ name: p.name, width: p.w }));
  }
}
