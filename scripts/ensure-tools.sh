#!/usr/bin/env bash
# Installs the HDL tools from Debian when one is missing: Icarus Verilog, Verilator, Yosys, OpenSTA (`sta`, package
# opensta) and the OSU 0.18 um standard-cell library (package qflow-tech-osu018: osu018_stdcells.lib / .v); also
# ccache, which halves Verilator build times (optional: skipped with a note when it cannot be installed).
# opensta and qflow-tech-osu018 are installed with --no-install-recommends: the library's Recommends are the other
# two OSU libraries and python3-tk, which the flow does not use.
# z3 is the solver of the formal checks (yosys-smtbmc), GNU parallel runs the sharded-regression test.
# Usage: scripts/ensure-tools.sh [iverilog] [verilator] [yosys] [sta] [osu018] [z3] [parallel]   (default: all, plus ccache)
set -euo pipefail
OSU018_LIB=/usr/share/qflow/tech/osu018/osu018_stdcells.lib
tools=("$@")
optional=()
if [ ${#tools[@]} -eq 0 ]; then tools=(iverilog verilator yosys sta osu018 z3 parallel); optional=(ccache); fi
package() { case "$1" in sta) echo opensta ;; osu018) echo qflow-tech-osu018 ;; *) echo "$1" ;; esac; }
present() { if [ "$1" = osu018 ]; then [ -r "$OSU018_LIB" ]; else command -v "$1" >/dev/null 2>&1; fi; }
missing=()
for t in "${tools[@]}"; do
  present "$t" || missing+=("$(package "$t")")
done
missing_optional=()
for t in "${optional[@]}"; do
  present "$t" || missing_optional+=("$(package "$t")")
done
[ $((${#missing[@]} + ${#missing_optional[@]})) -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: ${missing[*]} missing and not root; run: apt-get update && apt-get install -y ${missing[*]} (opensta and qflow-tech-osu018 with --no-install-recommends)" >&2
    exit 1
  fi
  echo "setup: ${missing_optional[*]} not installed (optional; Verilator builds are slower without it)" >&2
  exit 0
fi
apt_install() { DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null; }
# the physical-flow packages without their Recommends (see above), the simulators and Yosys as before
lean=(); plain=()
for p in "${missing[@]}"; do case "$p" in opensta | qflow-tech-osu018) lean+=("$p") ;; *) plain+=("$p") ;; esac; done
install_missing() {
  { [ ${#plain[@]} -eq 0 ] || apt_install "${plain[@]}"; } && { [ ${#lean[@]} -eq 0 ] || apt_install --no-install-recommends "${lean[@]}"; }
}
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian" >&2
  { $SUDO apt-get update -qq && install_missing; } || {
    echo "setup: could not install ${missing[*]}; run: apt-get update && apt-get install -y ${missing[*]} (opensta and qflow-tech-osu018 with --no-install-recommends)" >&2
    exit 1
  }
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  # optional: no failure (offline, no package) may stop the build
  echo "setup: installing ${missing_optional[*]} from Debian (optional)" >&2
  { [ ${#missing[@]} -gt 0 ] || $SUDO apt-get update -qq; } && apt_install "${missing_optional[@]}" ||
    echo "setup: could not install ${missing_optional[*]} (optional; Verilator builds are slower without it)" >&2
fi
