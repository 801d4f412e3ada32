#!/usr/bin/env bash
# Installs the HDL tools from Debian when one is missing: Icarus Verilog, Verilator and Yosys.
# Usage: scripts/ensure-tools.sh [iverilog] [verilator] [yosys]   (default: all three)
set -euo pipefail
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(iverilog verilator yosys)
missing=()
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing ${missing[*]} from Debian" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
  echo "setup: ${missing[*]} missing and not root; run: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
