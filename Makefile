# linuxnet.fabric developer and CI entry points. Run as root on Debian 12; `make setup` first (test does it).
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
export PATH := $(VENV)/bin:$(PATH)
PYTEST := $(VENV)/bin/pytest
# Extra pytest args, e.g. make integration ARGS='-k vxlan -x'
ARGS ?=

.PHONY: setup unit integration sanity lint test demo clean

setup:
	bash .ci/setup

unit:
	$(PYTEST) tests/unit $(ARGS)

# Twice, each in its own sandbox and at the same time: modules run under the venv's python (pyroute2 0.9)
# and Debian's python3 (pyroute2 0.7).
integration:
	tests/integration.sh $(ARGS)

sanity:
	tests/sanity.sh

lint:
	tests/lint.sh

test: setup
	$(MAKE) --no-print-directory unit integration sanity lint

demo: setup
	tests/sandbox playbooks/demo.sh

# Keeps .venv and .cache (podman image, collections): they are slow to remake.
clean:
	rm -rf tests/output .ansible .pytest_cache *.tar.gz
	find . -path ./.venv -prune -o -name __pycache__ -type d -exec rm -rf {} +
