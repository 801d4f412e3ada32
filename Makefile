# mxgen: make targets. Every target installs what it needs (npm packages; Icarus, Verilator and Yosys from
# Debian) before it runs, so each works on a fresh machine.
#   make generate     write the reference RTL into rtl-out/ (the main job), refresh docs/formats.md's table and the config schema
#   make test         all tests: regenerate-and-diff, unit + golden + CLI (npm test), lint, Yosys latch check, simulation
#   make check        the inner loop (< 2 min): type-check, the fast unit tests, regenerate-and-diff
#   make sim          bit-exact regression of every generated unit (SIM=icarus|verilator for one simulator)
#   make sim-long     the long regression (10 M vectors per unit; hours)
#   make lint         verilator --lint-only -Wall on every generated module
#   make synth        full Yosys synthesis (fails on latches), mapped to the OSU 0.18 um library, OpenSTA timing;
#                     writes reports/synth.json and reports/synth.md (slow: the k = 32 PEs take minutes each);
#                     make synth-check is the fast latch check plus the gate-level/energy CI sample (make phys-ci)
#   make power        energy per operation from gate-level toggles (reports/power.{json,md,svg}; runs after synth)
#   make pe-energy    the MXSF PE energy optimisation log: each reduction architecture measured (reports/pe-energy.*)
#   make energy       accelerator energy of MLP / transformer training and inference per format vs BF16 (reports/energy.*)
#   make sim-gl       gate-level simulation of every reference top vs the golden model; sim-gl-long: more vectors
#   make array-long   the accelerator tests under Verilator left out of npm test (MXGEN_ARRAY_LONG=1; minutes)
#   make bench        golden-model throughput;  make bench-sim: simulator throughput
#   make study        the format accuracy study (reports/study.*); make study-quick is the CI version
#   make robust-long  resets mid-stream and X on the full-size reference designs too, many runs (per seed of SEEDS)
#   make fuzz-long    the CLI input fuzzing with 50x the runs (per seed of SEEDS)
#   make formal       formal checks (reports/formal.md); make mutate: mutation score (reports/mutation.md);
#                     make mutate-quick: its CI subset (~6 min, not in make test); a stopped make mutate
#                     resumes from its result cache (sim/build/mutate-results/)
# Options: SIM=icarus|verilator  WAVES=1 (dump VCDs into sim/work/)  SEED=N  SEEDS="N1 N2 ..."
#          MUTATE_JOBS=N (mutants at a time in make mutate; default: the number of cores)
#          FORMAL_JOBS=N (design checks at a time in make formal; default: the number of cores)
#
# Seeds: every random choice (vectors, stalls, resets, X values, fuzz cases) follows SEED. Without SEED=N each make
# run draws a fresh one (so CI explores a new seed per run) and every target that uses it prints
# `seed N (rerun with SEED=N)`, also on failure; SEED=N repeats the run. The long targets run once per seed of SEEDS
# (default: SEED when given, else four fresh seeds) and list every failing seed with its rerun command.

SIM ?= all
WAVES ?= 0
MUTATE_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
FORMAL_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
MXGEN := node bin/mxgen.mjs
TSX := npx --no-install tsx
fresh_seed = $(shell echo $$(( $$(od -An -N4 -tu4 /dev/urandom) % 2147483648 )))
ifeq ($(strip $(SEED)),)
override SEED := $(fresh_seed)
SEEDS ?= $(SEED) $(fresh_seed) $(fresh_seed) $(fresh_seed)
else
SEEDS ?= $(SEED)
endif
# the harness and regress.ts read SEED; the vitest files read MXGEN_SEED
MXGEN_SEED := $(SEED)
SEEDS := $(SEEDS)
SEED_NOTE = seed $(SEED) (rerun with SEED=$(SEED))
export WAVES SEED MXGEN_SEED

# $(call per_seed,NAME,COMMAND): COMMAND once per seed of SEEDS with $$s the seed; a failure does not stop the other
# seeds; at the end every failing seed is listed with the command that repeats it.
define per_seed
@failed=""; for s in $(SEEDS); do \
  echo "== $(1): seed $$s (rerun with make $(1) SEED=$$s)"; \
  $(2) || failed="$$failed $$s"; \
done; \
if [ -n "$$failed" ]; then for s in $$failed; do echo "$(1) FAILED: seed $$s (rerun with make $(1) SEED=$$s)"; done; exit 1; fi; \
echo "$(1): passed with seeds $(SEEDS)"
endef

.PHONY: all setup setup-node setup-tools generate check-generated check test test-checks seed unit array-long sim sim-long robust-long fuzz-long lint synth synth-check bench bench-sim study study-quick formal mutate mutate-quick clean

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
	@echo "check: $(SEED_NOTE)"
	npm run --silent typecheck
	@npm run --silent test:fast || { echo "check FAILED: $(SEED_NOTE)"; exit 1; }
	@$(MAKE) --no-print-directory check-generated

seed:
	@echo "$(SEED_NOTE)"

unit: setup-node
	@echo "unit: $(SEED_NOTE)"
	@npm test || { echo "unit FAILED: $(SEED_NOTE)"; exit 1; }

# regenerate-and-diff first: a stale rtl-out/ fails in seconds, before the slow suites
# The checks run two at a time (-j2): the vitest suites beside lint, the latch check + physical CI sample, the quick
# study and the simulation regression, which leave a core idle much of the time; -O keeps each target's output whole.
test: seed setup check-generated
	@$(MAKE) --no-print-directory -j2 -O test-checks
	@echo "test: passed, $(SEED_NOTE)"

test-checks: unit lint synth-check study-quick sim

array-long: setup
	MXGEN_ARRAY_LONG=1 npx --no-install vitest run test/rtl/array-verilator.test.ts

sim: setup
	@echo "sim: $(SEED_NOTE)"
	@$(TSX) generator/verify/regress.ts --suite ci --sim $(SIM) --seed $(SEED) || { echo "sim FAILED: $(SEED_NOTE)"; exit 1; }

sim-long: setup
	$(call per_seed,sim-long,$(TSX) generator/verify/regress.ts --suite long --sim $(SIM) --seed $$s)

robust-long: setup
	$(call per_seed,robust-long,MXGEN_ROBUST=long MXGEN_SEED=$$s npx --no-install vitest run test/robust test/sim/reset-x.test.ts)

fuzz-long: setup-node
	$(call per_seed,fuzz-long,MXGEN_RUNS_SCALE=50 MXGEN_SEED=$$s npx --no-install vitest run test/fuzz)

lint: setup
	$(TSX) generator/verify/lint-all.ts

synth: setup
	$(TSX) generator/verify/synth-all.ts

synth-check: setup
	$(TSX) generator/verify/synth-check.ts
	@$(MAKE) --no-print-directory phys-ci

.PHONY: power pe-energy energy glitch sim-gl sim-gl-long phys-ci

# energy of a training step / inference on the array per format vs BF16 (reports/energy.*); per-op energies are
# measured once into sim/work/energy-cache (minutes per design on a cold cache), then reused; not part of make test
energy: setup
	$(TSX) generator/energy/validate.ts --rows 1 --cols 1 --tile 2 --dim 4
	$(TSX) generator/energy/validate.ts --rows 2 --cols 2 --tile 4 --dim 8 --out sim/work/energy-cache/validation-2x2.json
	$(TSX) generator/energy/main.ts

# energy per operation of every PE / quantizer / tile re-quantizer (shares the mapping cache with make synth)
power: setup
	$(TSX) generator/verify/power-all.ts --seed $(SEED)

# timed (Icarus + SDF) against zero-delay activity on the k = 8 PEs side by side, same data: the glitch factor per
# format (reports/glitch.{json,md}); the ratios of make power / make energy hold only if it is alike
glitch: setup
	$(TSX) generator/verify/glitch.ts --k 8 --formats mxsf,mxfp8-e2m5,mxfp8-e4m3,bf16

# the MXSF PE energy optimisation log: each reduction micro-architecture of the PE (k = 8 and 32) measured as make
# power measures (fixed data seed 1, so the log compares like with like); writes reports/pe-energy.{json,md}
pe-energy: setup
	$(TSX) generator/verify/pe-energy.ts

# gate-level simulation of every reference top (Verilator + liberty models, Icarus + osu018_stdcells.v on a sample)
sim-gl: setup
	$(TSX) generator/verify/sim-gl.ts --set reference --seed $(SEED)

sim-gl-long: setup
	$(TSX) generator/verify/sim-gl.ts --set reference --level long --seed $(SEED)

# CI sample of the physical flow: small configurations per unit type mapped, simulated at gate level (10k vectors),
# and measured for energy with the OpenSTA cross-check (writes sim/work/power-ci/)
phys-ci: setup
	$(TSX) generator/verify/sim-gl.ts --set ci --seed $(SEED)
	$(TSX) generator/verify/power-all.ts --set ci --seed $(SEED)

bench: setup-node
	npm run --silent bench

bench-sim: setup
	$(TSX) generator/verify/bench-sim.ts

# the result cache lets an interrupted full study resume (results are reused only for unchanged code and settings)
study: setup-node
	$(MXGEN) study --cache sim/work/study-cache

# CI: the quick study (every format still trained), written to scratch so the checked-in reports stay as they are
study-quick: setup-node
	$(MXGEN) study --quick --out sim/work/study-quick

formal: setup
	MXGEN_FORMAL=1 npx --no-install vitest run test/formal/formal.test.ts
	$(TSX) generator/formal/main.ts --jobs $(FORMAL_JOBS) --out reports/formal.md

mutate: setup
	$(TSX) generator/mutate/main.ts --jobs $(MUTATE_JOBS) --out reports/mutation.md

# the CI subset of the mutation campaign (every 5th mutant of small configurations; ~6 min), not part of make test
mutate-quick: setup
	MXGEN_MUTATE=1 npx --no-install vitest run test/mutate/quick.test.ts

clean:
	rm -rf sim/build sim/work
