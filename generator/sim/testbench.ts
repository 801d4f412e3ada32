// Renders the Verilog testbenches from tb/*.v.hbs. Every width, slice and name is computed here so the
// templates contain no arithmetic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ModuleInterface } from '../hdl/ports.js';
import { HarnessError } from './errors.js';
import { dataPorts, packedWidth, type PlacedPort } from './pack.js';
import { TB_DIR } from './paths.js';

export type TbKind = 'stream' | 'comb';

export interface RenderedTb {
  readonly kind: TbKind;
  /** Top-level testbench module name. */
  readonly top: string;
  readonly text: string;
  readonly inWidth: number;
  readonly outWidth: number;
}

const compiled = new Map<TbKind, Handlebars.TemplateDelegate>();

function template(kind: TbKind): Handlebars.TemplateDelegate {
  let t = compiled.get(kind);
  if (!t) {
    const src = readFileSync(join(TB_DIR, `${kind}_tb.v.hbs`), 'utf8');
    // Verilog is not HTML: no escaping; strict so a missing field is an error, not an empty string.
    t = Handlebars.compile(src, { noEscape: true, strict: true });
    compiled.set(kind, t);
  }
  return t;
}

function slices(ports: readonly PlacedPort[], word: string) {
  return ports.map((p) => ({ port: p.name, expr: `${word}[${p.lsb + p.width - 1}:${p.lsb}]` }));
}

/** Renders the streaming testbench when the module has a handshake, the combinational one otherwise. */
export function renderTestbench(iface: ModuleInterface): RenderedTb {
  const ins = dataPorts(iface, 'input');
  const outs = dataPorts(iface, 'output');
  if (ins.length === 0) throw new HarnessError(`module ${iface.name} has no data input ports to drive`);
  if (outs.length === 0) throw new HarnessError(`module ${iface.name} has no data output ports to capture`);
  const kind: TbKind = iface.handshake ? 'stream' : 'comb';
  const inWidth = packedWidth(ins);
  const outWidth = packedWidth(outs);
  const conns = [...slices(ins, 'in_word'), ...slices(outs, 'out_word')];
  const connections = conns.map((c, i) => ({ ...c, sep: i === conns.length - 1 ? '' : ',' }));
  const top = `tb_${iface.name}`;
  const text = template(kind)({
    tb: top,
    dut: iface.name,
    hs: iface.handshake ?? {},
    connections,
    inWidth,
    outWidth,
    inMsb: inWidth - 1,
    outMsb: outWidth - 1,
  });
  return { kind, top, text, inWidth, outWidth };
}
