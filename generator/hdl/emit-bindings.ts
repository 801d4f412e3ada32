// Typed TypeScript bindings for a generated module, written with ts-morph's code-generation API.
// For module `foo_bar` the file `foo_bar.bindings.ts` exports:
//   fooBar                      the ModuleInterface (name, params, ports, handshake), `as const`
//   FooBarInputs / FooBarOutputs  one bigint per data port (not clock, reset or handshake)
//   packFooBarInputs(v)         all data inputs in one word, FIRST PORT IN THE LSBs
//   unpackFooBarOutputs(word)   the inverse layout for the data outputs
// Renaming or removing a port changes these types, so code using the old field stops compiling.
import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  VariableDeclarationKind,
  type CodeBlockWriter,
} from 'ts-morph';
import type { Module } from './dsl';
import { GENERATED_BANNER, type Provenance } from './emit-verilog';

export interface BindingsFile {
  readonly fileName: string;
  readonly text: string;
}

export const camelName = (name: string): string => name.replace(/_+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
export const pascalName = (name: string): string => {
  const c = camelName(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
};

/**
 * The port-contract types, written into every bindings file so that it imports nothing: a generated folder
 * copied anywhere still type-checks. The same shapes as generator/hdl/ports.ts (checked by a test).
 */
const CONTRACT_TYPES = [
  "export type PortDir = 'input' | 'output';",
  '',
  'export interface PortSpec {',
  '  readonly name: string;',
  '  readonly dir: PortDir;',
  '  readonly width: number;',
  '  readonly doc?: string;',
  '}',
  '',
  '/** Clock, asynchronous active-low reset and the valid/ready port names of a streaming module. */',
  'export interface HandshakeSpec {',
  '  readonly clock: string;',
  '  readonly reset: string;',
  '  readonly inValid: string;',
  '  readonly inReady: string;',
  '  readonly outValid: string;',
  '  readonly outReady: string;',
  '}',
  '',
  'export interface ModuleInterface {',
  '  readonly name: string;',
  '  readonly params: Readonly<Record<string, string | number | boolean>>;',
  '  readonly ports: readonly PortSpec[];',
  '  readonly handshake?: HandshakeSpec;',
  '}',
  '',
].join('\n');

export interface BindingsOptions {
  /** the module-name prefix the Verilog was emitted with */
  readonly prefix?: string;
  readonly provenance?: Provenance;
}

interface Field {
  readonly name: string;
  readonly width: number;
  readonly lsb: number;
  readonly doc?: string;
}

function layout(m: Module, dir: 'input' | 'output'): Field[] {
  let lsb = 0;
  return m.ir.ports
    .filter((p) => p.dir === dir && p.role === 'data')
    .map((p) => {
      const f = { name: p.name, width: p.w, lsb, ...(p.doc ? { doc: p.doc } : {}) };
      lsb += p.w;
      return f;
    });
}

export function emitBindings(m: Module, options: BindingsOptions = {}): BindingsFile {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      quoteKind: QuoteKind.Single,
      newLineKind: NewLineKind.LineFeed,
      useTrailingCommas: true,
    },
  });
  const name = (options.prefix ?? '') + m.name;
  const fileName = `${name}.bindings.ts`;
  const prov = options.provenance;
  const lead = [
    ...(prov ? [`// SPDX-License-Identifier: ${prov.license}`] : []),
    `// ${GENERATED_BANNER}`,
    ...(prov ? [`// Generator: ${prov.generator}`, ...(prov.command ? [`// Command:   ${prov.command}`] : [])] : []),
    `// Bindings of module '${name}'. Packing order: the first data port occupies the least significant bits.`,
    '// Self-contained: imports nothing.',
    '',
    CONTRACT_TYPES,
  ].join('\n');
  const sf = project.createSourceFile(fileName, lead);
  const camel = camelName(name);
  const pascal = pascalName(name);
  const iface = { ...m.interface(), name };
  const inputs = layout(m, 'input');
  const outputs = layout(m, 'output');

  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Port contract of '${name}'.`],
    declarations: [{ name: camel, initializer: (w) => writeInterface(w, iface) }],
  });

  for (const [dir, fields] of [['Inputs', inputs], ['Outputs', outputs]] as const) {
    sf.addInterface({
      isExported: true,
      name: `${pascal}${dir}`,
      docs: [`Data ${dir.toLowerCase()} of '${name}', one unsigned bit vector per port.`],
      properties: fields.map((f) => ({
        name: f.name,
        type: 'bigint',
        isReadonly: dir === 'Outputs',
        docs: [`${f.width} bits at [${f.lsb + f.width - 1}:${f.lsb}] of the packed word${f.doc ? ` — ${f.doc}` : ''}`],
      })),
    });
    sf.addVariableStatement({
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: [`Total width of the packed ${dir.toLowerCase()} word.`],
      declarations: [{ name: `${camel}${dir}Width`, initializer: String(fields.reduce((s, f) => s + f.width, 0)) }],
    });
  }

  sf.addFunction({
    name: 'field',
    docs: ['Range-checks one port value before packing.'],
    parameters: [
      { name: 'value', type: 'bigint' },
      { name: 'width', type: 'number' },
      { name: 'name', type: 'string' },
    ],
    returnType: 'bigint',
    statements: [
      'if (value < 0n || value >> BigInt(width) !== 0n) throw new RangeError(`${name} = ${value} does not fit ${width} bits`);',
      'return value;',
    ],
  });

  sf.addFunction({
    isExported: true,
    name: `pack${pascal}Inputs`,
    docs: ['All data inputs in one word, the first port in the least significant bits.'],
    parameters: [{ name: inputs.length ? 'v' : '_v', type: `${pascal}Inputs` }],
    returnType: 'bigint',
    statements: (w) => {
      if (!inputs.length) return void w.writeLine('return 0n;');
      const terms = inputs.map((f) => {
        const t = `field(v.${f.name}, ${f.width}, '${f.name}')`;
        return f.lsb === 0 ? t : `(${t} << ${f.lsb}n)`;
      });
      w.writeLine(`return ${terms.join(' | ')};`);
    },
  });

  sf.addFunction({
    isExported: true,
    name: `unpack${pascal}Outputs`,
    docs: ['Splits the packed data-output word, the first port in the least significant bits.'],
    parameters: [{ name: outputs.length ? 'word' : '_word', type: 'bigint' }],
    returnType: `${pascal}Outputs`,
    statements: (w) => {
      w.write('return ').inlineBlock(() => {
        for (const f of outputs) {
          const shifted = f.lsb === 0 ? 'word' : `(word >> ${f.lsb}n)`;
          w.writeLine(`${f.name}: ${shifted} & 0x${((1n << BigInt(f.width)) - 1n).toString(16)}n,`);
        }
      });
      w.write(';');
    },
  });

  sf.formatText({ indentSize: 2, convertTabsToSpaces: true });
  return { fileName, text: sf.getFullText() };
}

function writeInterface(w: CodeBlockWriter, iface: ReturnType<Module['interface']>): void {
  w.inlineBlock(() => {
    w.writeLine(`name: ${q(iface.name)},`);
    const params = Object.keys(iface.params).sort();
    w.write('params: ').inlineBlock(() => {
      for (const k of params) w.writeLine(`${/^[A-Za-z_$][\w$]*$/.test(k) ? k : q(k)}: ${JSON.stringify(iface.params[k])},`);
    });
    w.write(',').newLine();
    w.write('ports: [').indent(() => {
      for (const p of iface.ports)
        w.writeLine(`{ name: ${q(p.name)}, dir: ${q(p.dir)}, width: ${p.width}${p.doc ? `, doc: ${q(p.doc)}` : ''} },`);
    });
    w.writeLine('],');
    if (iface.handshake) {
      w.write('handshake: ').inlineBlock(() => {
        for (const [k, v] of Object.entries(iface.handshake!)) w.writeLine(`${k}: ${q(v)},`);
      });
      w.write(',').newLine();
    }
  });
  w.write(' as const satisfies ModuleInterface');
}

/** Single-quoted string literal. */
const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
