#!/usr/bin/env bash
# Measures microxcaling's fake-quantize (quantize + dequantize in FP32) and fake-quantize + FP32 matmul on one
# core, with the sizes `npm run bench` uses, and prints one JSON line. microxcaling (github.com/microsoft/
# microxcaling, the `mx` Python package) needs Python 3 and PyTorch; it is not on PyPI, so point
# MICROXCALING_DIR at a checkout (the directory that holds mx/). Where anything is missing the script prints
#   {"available": false, "reason": "..."}
# and exits 0, so the bench can say so and print the cited figure instead.
#   usage: scripts/microxcaling-bench.sh [QROWS QCOLS M K N RUNS]
set -u
QR=${1:-1024}; QC=${2:-1024}; M=${3:-256}; K=${4:-512}; N=${5:-256}; RUNS=${6:-7}
PY=${PYTHON:-python3}
say_no() { printf '{"available": false, "reason": "%s"}\n' "$1"; exit 0; }
command -v "$PY" >/dev/null 2>&1 || say_no "no $PY on PATH"
"$PY" -c 'import torch' >/dev/null 2>&1 || say_no "PyTorch is not installed for $PY (Debian: apt-get install python3-torch; PyPI is not reachable here)"
[ -n "${MICROXCALING_DIR:-}" ] && export PYTHONPATH="${MICROXCALING_DIR}${PYTHONPATH:+:$PYTHONPATH}"
if ! err=$("$PY" -c 'import mx' 2>&1); then
  why=$(printf '%s' "$err" | tail -n 1 | tr -d '"\\')
  say_no "the microxcaling package (mx) is not importable ($why); set MICROXCALING_DIR to a checkout of github.com/microsoft/microxcaling (needs python3-packaging too)"
fi
exec "$PY" - "$QR" "$QC" "$M" "$K" "$N" "$RUNS" <<'PYEOF'
import json, sys, time
import torch
qr, qc, m, k, n, runs = (int(v) for v in sys.argv[1:7])
torch.set_num_threads(1)
torch.manual_seed(1)
from mx import mx_ops
from mx.specs import MxSpecs
specs = MxSpecs()  # every option at its default, then the CPU emulation path with 8-bit scales and 32-blocks
specs["scale_bits"] = 8
specs["block_size"] = 32
specs["custom_cuda"] = False
specs["shared_exp_method"] = "max"
specs["mx_flush_fp32_subnorms"] = False
def fq(x, fmt, axis):
    return mx_ops.quantize_mx_op(x, specs, elem_format=fmt, block_size=32, axes=[axis])
def best_median(fn):
    fn(); fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[0], ts[len(ts) // 2]
out = {"available": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "quantize": {}, "matmul": {}}
x = torch.randn(qr, qc)
for fmt in ("fp8_e4m3", "fp8_e5m2"):
    b, md = best_median(lambda: fq(x, fmt, -1))
    out["quantize"][fmt] = {"best_melem_s": qr * qc / b / 1e6, "median_melem_s": qr * qc / md / 1e6}
a = torch.randn(m, k); w = torch.randn(k, n)
for fmt in ("fp8_e4m3",):
    b, md = best_median(lambda: torch.matmul(fq(a, fmt, -1), fq(w, fmt, 0)))
    out["matmul"][fmt] = {"best_mmac_s": m * k * n / b / 1e6, "median_mmac_s": m * k * n / md / 1e6}
print(json.dumps(out))
PYEOF
