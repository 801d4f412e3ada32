#!/usr/bin/env bash
# Installs the HDL tools from Debian when one is missing: Icarus Verilog, Verilator and Yosys; also ccache,
# which halves Verilator build times (optional: skipped with a note when it cannot be installed).
# Usage: scripts/ensure-tools.sh [iverilog] [verilator] [yosys]   (default: all three, plus ccache)
set -euo pipefail
tools=("$@")
optional=()
if [ ${#tools[@]} -eq 0 ]; then tools=(iverilog verilator yosys); optional=(ccache); fi
missing=()
for t in "${tools[@]}"; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
missing_optional=()
for t in "${optional[@]}"; do
  command -v "$t" >/dev/null 2>&1 || missing_optional+=("$t")
done
[ $((${#missing[@]} + ${#missing_optional[@]})) -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: ${missing[*]} missing and not root; run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: ${missing_optional[*]} not installed (optional; Verilator builds are slower without it)" >&2
  exit 0
fi
apt_install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; }
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian" >&2
  { $SUDO apt-get update -qq && apt_install "${missing[@]}"; } || {
    echo "setup: could not install ${missing[*]}; run: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  }
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  # optional: no failure (offline, no package) may stop the build
  echo "setup: installing ${missing_optional[*]} from Debian (optional)" >&2
  { [ ${#missing[@]} -gt 0 ] || $SUDO apt-get update -qq; } && apt_install "${missing_optional[@]}" ||
    echo "setup: could not install ${missing_optional[*]} (optional; Verilator builds are slower without it)" >&2
fi
