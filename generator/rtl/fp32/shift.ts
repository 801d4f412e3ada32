// Shared datapath helpers of the FP32 units: a left shifter that only builds the output bits the caller
// keeps, and a thermometer decoder for sticky masks.
import { type Expr, concat, lit, mux } from '../../hdl/index';

/**
 * The top `keep` bits of (x << amount), truncated to x.width (bits shifted past the MSB are lost).
 * A barrel shifter with the largest stage first: after the stage of bit j at most 2^j - 1 more shift
 * can follow, so each stage only carries the top keep + 2^j - 1 bits (the rest can never reach the
 * kept window). Stages are named `<name>_s<j>`.
 */
export function shiftLeftTop(x: Expr, amount: Expr, keep: number, name: string): Expr {
  const w = x.width;
  if (keep > w) throw new Error(`shiftLeftTop: keep ${keep} > width ${w}`);
  // cur holds bits [w-1 : w-curWidth] of the partially shifted value; everything below is known to be
  // zero only while curWidth === w (then the padding is exact).
  let cur = x;
  for (let j = amount.width - 1; j >= 0; j--) {
    const step = 2 ** j;
    const outWidth = Math.min(w, keep + step - 1);
    const curWidth = cur.width;
    // bits [curWidth-1 : curWidth-outWidth] of cur << step: pad zeros below cur when needed
    const need = step + outWidth; // cur bits needed, counted from the top
    const padded = need > curWidth ? concat(cur, lit(0, need - curWidth)) : cur;
    const pw = padded.width;
    const shifted = padded.slice(pw - 1 - step, pw - step - outWidth);
    const kept = cur.slice(curWidth - 1, curWidth - outWidth);
    cur = mux(amount.bit(j), shifted, kept).named(`${name}_s${j}`);
  }
  return cur.width === keep ? cur : cur.slice(cur.width - 1, cur.width - keep);
}

/**
 * Thermometer code of an unsigned x: element j (0 <= j < n) is the 1-bit expression (x > j), or null
 * where it is constant 0. Built recursively on x's MSB, about 2n gates; the node for (x[b-1:0] > j) is
 * named `<name>_gt<j>_w<b>`.
 */
export function thermometer(x: Expr, n: number, name: string): (Expr | null)[] {
  return thermoBits(x, x.width, n, name);
}

/** (x[b-1:0] > j) for j < n. */
function thermoBits(x: Expr, b: number, n: number, name: string): (Expr | null)[] {
  const out: (Expr | null)[] = new Array<Expr | null>(Math.max(n, 0)).fill(null);
  if (n <= 0) return out;
  const msb = x.bit(b - 1);
  if (b === 1) {
    out[0] = msb;
    return out;
  }
  const half = 2 ** (b - 1);
  const low = thermoBits(x, b - 1, Math.min(n, half - 1), name); // x[b-2:0] <= half - 1
  for (let j = 0; j < n; j++) {
    if (j < half) {
      const l = j < low.length ? low[j]! : null;
      out[j] = l === null ? msb : msb.or(l).named(`${name}_gt${j}_w${b}`);
    } else if (j - half < low.length) {
      const l = low[j - half]!;
      out[j] = l === null ? null : msb.and(l).named(`${name}_gt${j}_w${b}`);
    }
  }
  return out;
}
