// Transposes of FP32 matrices and of quantized matrices. Transposing a quantized matrix moves the stored
// codes and the scale grid and swaps the block shape; nothing is re-quantized. For square tiles the result
// is a valid MX operand along the other axis (contract section 3); for 1x32 blocks it is a 32x1 operand,
// i.e. its blocks still run along the old reduction axis.

import type { Matrix, QuantizedMatrix } from '../golden/index';

export function transposeMatrix(m: Matrix): Matrix {
  const bits = new Uint32Array(m.rows * m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) bits[c * m.rows + r] = m.bits[r * m.cols + c];
  return { rows: m.cols, cols: m.rows, bits };
}

export function transposeQuantized(q: QuantizedMatrix): QuantizedMatrix {
  const codes = new Uint8Array(q.rows * q.cols);
  for (let r = 0; r < q.rows; r++) for (let c = 0; c < q.cols; c++) codes[c * q.rows + r] = q.codes[r * q.cols + c];
  const scales = new Uint8Array(q.gridRows * q.gridCols);
  for (let r = 0; r < q.gridRows; r++) {
    for (let c = 0; c < q.gridCols; c++) scales[c * q.gridRows + r] = q.scales[r * q.gridCols + c];
  }
  return {
    format: q.format,
    block: { rows: q.block.cols, cols: q.block.rows },
    scaleMode: q.scaleMode,
    rows: q.cols,
    cols: q.rows,
    gridRows: q.gridCols,
    gridCols: q.gridRows,
    scales,
    codes,
  };
}
