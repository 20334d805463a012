# linuxnet.fabric developer and CI entry points. Run as root on Debian 12; `make setup` first (test does it).
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
PYTEST := $(VENV)/bin/pytest
# Extra pytest args, e.g. make integration ARGS='-k vxlan -x'
ARGS ?=

.PHONY: setup check unit integration sanity lint galaxy-importer molecule test bench bench-smoke demo demo-clean clean

setup:
	bash .ci/setup

# The fast loop (tests/check.sh): unit tests, sanity of the files changed since CHECK_BASE (default main), lint and
# mypy, and an integration smoke in the sandbox, after setup (idempotent). Measured here (2 cores, 60 changed files): 3 min 23 s (unit 2 s,
# sanity 42 s, lint 67 s, smoke 92 s); add about 2 min to the first sanity run, which builds ansible-test's venvs.
check: setup
	tests/check.sh

unit:
	$(PYTEST) tests/unit $(ARGS)

# Twice, each in its own sandbox and at the same time: modules run under the venv's python (pyroute2 0.9)
# and Debian's python3 (pyroute2 0.7); the role tests split between the two (ALL_ROLES=1: all under both).
integration:
	tests/integration.sh $(ARGS)

sanity:
	tests/sanity.sh

lint:
	tests/lint.sh

# galaxy-importer (what Galaxy and Automation Hub run on upload) on the built artifact, ansible-lint included, its
# container-based ansible-test step off; in its own venv, .cache/galaxy-importer-venv (made on first use).
galaxy-importer:
	tests/galaxy-importer.sh

# Molecule scenarios (extensions/molecule/, podman, nodes on --internal networks), each with `molecule test`.
# prepare.sh builds the node images once (about 1 min) and is a no-op afterwards. E.g. make molecule SCENARIOS=bridge_network
SCENARIOS ?=
# Then, unless SCENARIOS is given, scenario 'lab' of role overlay_network (delegated driver: network namespaces on
# this machine), inside tests/sandbox (tests/molecule-lab.sh).
molecule:
	tests/podman/prepare.sh
	tests/molecule.sh $(SCENARIOS)
	$(if $(SCENARIOS),,tests/molecule-lab.sh)

# Every stage runs, even after one failed; the stage times come last (tests/stages.sh).
test: setup
	tests/stages.sh unit integration sanity lint galaxy-importer molecule bench-smoke

# Benchmarks (bench/bench.py, docs/BENCHMARKS.md), all inside tests/sandbox: the bridge_network role against
# ip -batch, the CNI bridge plugin and a naive playbook at N endpoints, medians of RUNS runs, and the overlay role on
# the lab of OVERLAY hosts (l2 and l3, forks 10); writes BENCH_OUT/results.json, results.md and bench.png. About
# 25 min; BIG=1000 adds N=1000 once (about 3 min more; a bridge takes at most 1023 ports); e.g. make bench N=10
# RUNS=1 OVERLAY= for a smoke size.
N ?= 10,50,100,500
RUNS ?= 3
NAIVE ?= 10,50
NAIVE_RUNS ?= 1
OVERLAY ?= 10,25,50
BIG ?=
BENCH_OUT ?= bench/results
bench: setup
	tests/sandbox $(VENV)/bin/python bench/bench.py --sizes $(N) --runs $(RUNS) --naive $(NAIVE) \
		--naive-runs $(NAIVE_RUNS) --overlay '$(OVERLAY)' --big '$(BIG)' --out $(BENCH_OUT)

# N=10 and a lab of 3 hosts, one run, no timing assertions (part of make test; about 2.5 min).
bench-smoke:
	tests/sandbox $(VENV)/bin/python bench/bench.py --sizes 10 --runs 1 --naive 10 --other-python '' \
		--overlay 3 --overlay-modes l2 --out .cache/bench-smoke

# The overlay lab: 3 simulated hosts, probe matrices, second run changed=0, topology picture. MODE=l2 (bridged) or l3
# (routed); FAMILY=ipv4, dual or ipv6 inside the overlay; UNDERLAY=ipv4 or ipv6 under it. Everything it makes in the kernel lives in tests/sandbox and vanishes with it; files go to .cache/lab
# and .cache/demo, which demo-clean removes (nothing else persists). DOCS=1: copy the topology picture to docs/.
MODE ?= l2
FAMILY ?= ipv4
UNDERLAY ?= ipv4
DOCS ?=
demo: setup
	MODE=$(MODE) FAMILY=$(FAMILY) UNDERLAY=$(UNDERLAY) DOCS=$(DOCS) tests/sandbox playbooks/demo.sh

demo-clean:
	rm -rf .cache/lab .cache/demo

# Keeps .venv and .cache (podman image, collections): they are slow to remake.
clean:
	rm -rf tests/output .ansible .pytest_cache *.tar.gz
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
