# mxgen: make targets. Every target installs what it needs (npm packages; Icarus, Verilator and Yosys from
# Debian) before it runs, so each works on a fresh machine.
#   make generate     write the reference RTL into rtl-out/ (the main job), refresh docs/formats.md's table and the config schema
#   make test         all tests: regenerate-and-diff, unit + golden + CLI (npm test), lint, Yosys latch check, simulation
#   make check        the inner loop (< 2 min): type-check, the fast unit tests, regenerate-and-diff
#   make sim          bit-exact regression of every generated unit (SIM=icarus|verilator for one simulator)
#   make sim-long     the long regression (10 M vectors per unit; hours)
#   make lint         verilator --lint-only -Wall on every generated module
#   make synth        full Yosys synthesis (fails on latches), writes reports/synth.json and reports/synth.md
#                     (slow: the k = 32 PEs take minutes each); make synth-check is the fast latch check
#   make array-long   the accelerator tests under Verilator left out of npm test (MXGEN_ARRAY_LONG=1; minutes)
#   make bench        golden-model throughput;  make bench-sim: simulator throughput
#   make study        the format accuracy study (reports/study.*); make study-quick is the CI version
# Options: SIM=icarus|verilator  WAVES=1 (dump VCDs into sim/work/)  SEED=N

SIM ?= all
SEED ?= 1
WAVES ?= 0
MXGEN := node bin/mxgen.mjs
TSX := npx --no-install tsx
export WAVES SEED

.PHONY: all setup setup-node setup-tools generate check-generated check test unit array-long sim sim-long lint synth synth-check bench bench-sim study study-quick clean

all: generate

setup: setup-node setup-tools

setup-node:
	@scripts/ensure-node-deps.sh

setup-tools:
	@scripts/ensure-tools.sh

GENERATED := rtl-out docs/formats.md configs/mxgen-config.schema.json

generate: setup-node
	$(MXGEN) generate
	$(TSX) generator/docs/refresh.ts

# CI: regenerate and fail on any difference with the checked-in RTL, docs table and schema, printing the diff.
check-generated: setup-node
	@$(MXGEN) generate >/dev/null || { echo "check-generated: the generator crashed (see above)"; exit 1; }
	@$(TSX) generator/docs/refresh.ts >/dev/null || { echo "check-generated: the docs/schema refresh crashed (see above)"; exit 1; }
	@git add -N $(GENERATED) >/dev/null 2>&1 || true
	@if ! git diff --exit-code --stat -- $(GENERATED) >/dev/null; then \
	  echo "check-generated: generated files are stale; regenerate with 'make generate' and commit:"; \
	  git --no-pager diff --stat -- $(GENERATED) | tail -n 20; \
	  git --no-pager diff -- $(GENERATED) | head -n 400; exit 1; fi
	@echo "check-generated: rtl-out/, docs/formats.md and the config schema match the generator"

# The inner loop: type-check, the unit tests that need no simulator, regenerate-and-diff.
check: setup-node
	npm run --silent typecheck
	npm run --silent test:fast
	@$(MAKE) --no-print-directory check-generated

unit: setup-node
	npm test

# regenerate-and-diff first: a stale rtl-out/ fails in seconds, before the slow suites
test: setup check-generated unit lint synth-check study-quick sim

array-long: setup
	MXGEN_ARRAY_LONG=1 npx --no-install vitest run test/rtl/array-verilator.test.ts

sim: setup
	$(TSX) generator/verify/regress.ts --suite ci --sim $(SIM) --seed $(SEED)

sim-long: setup
	$(TSX) generator/verify/regress.ts --suite long --sim $(SIM) --seed $(SEED)

lint: setup
	$(TSX) generator/verify/lint-all.ts

synth: setup
	$(TSX) generator/verify/synth-all.ts

synth-check: setup
	$(TSX) generator/verify/synth-check.ts

bench: setup-node
	npm run --silent bench

bench-sim: setup
	$(TSX) generator/verify/bench-sim.ts

study: setup-node
	$(MXGEN) study

# CI: the quick study (every format still trained), written to scratch so the checked-in reports stay as they are
study-quick: setup-node
	$(MXGEN) study --quick --out sim/work/study-quick

clean:
	rm -rf sim/build sim/work
