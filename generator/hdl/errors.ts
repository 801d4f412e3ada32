// Errors raised while describing or elaborating hardware. The message always names the DSL call site.
import type { SrcLoc } from './srcloc';

export class HdlError extends Error {
  override readonly name = 'HdlError';
  constructor(message: string, readonly loc?: SrcLoc) {
    super(loc ? withLoc(message, loc) : message);
  }
}

/** Run a shape rule and turn its plain Error into an HdlError at `loc`. */
export function atLoc<T>(loc: SrcLoc, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof HdlError) throw e;
    throw new HdlError(`${what}: ${(e as Error).message}`, loc);
  }
}

/** `what went wrong at file:line — how to fix it`: the location goes before the hint. */
function withLoc(message: string, loc: SrcLoc): string {
  const cut = message.indexOf(' — ');
  return cut < 0 ? `${message} at ${loc.toString()}` : `${message.slice(0, cut)} at ${loc.toString()}${message.slice(cut)}`;
}
