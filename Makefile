# Entry points of the project. Each part adds its own targets and test suites
# in mk/NN-<part>.mk (NN orders the suites); this file only wires them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT := $(abspath .)
BUILD_DIR := $(ROOT)/build
export ROOT BUILD_DIR

# Test suites register themselves with `TEST_SUITES += name` and a
# `test-name` target whose output ends with "N passed, N failed". A suite
# that shares nothing with the others (no emulator, or an AWS emulator of its
# own; no containers, no fixed ports) may also join TEST_SIDE_SUITES: `make
# test` runs those in side lanes (TEST_SIDE_JOBS, default 2) beside the first
# lane, which runs the rest in order (scripts/run-tests.sh).
TEST_SUITES :=
TEST_SIDE_SUITES :=

include $(sort $(wildcard mk/*.mk))

# Order within the lanes. The suites that wait longest (on the emulator and
# the AWS provider's fixed waits) start first; those that compile or emulate
# for most of their time come last, so the run ends with both cores busy.
# CI's fresh run of 2026-11-30 ended with stack and deploy alone for 10
# minutes, at 17-60% CPU. The rest keep their fragments' order.
TEST_FIRST := rehearsal deploy
TEST_LAST := container arm64 app-asan app-fuzz infra-unit
TEST_SUITES := $(filter $(TEST_FIRST),$(TEST_SUITES)) \
  $(filter-out $(TEST_FIRST) $(TEST_LAST),$(TEST_SUITES)) $(filter $(TEST_LAST),$(TEST_SUITES))

.PHONY: help setup test

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: ## Install the Debian packages and tools the project needs (idempotent)
	@scripts/setup.sh

# `make test SUITES="app-unit infra-unit"` runs a subset.
SUITES ?= $(TEST_SUITES)
test: ## Run every test suite; ends with "N passed, N failed"
	@TEST_SIDE_SUITES="$(TEST_SIDE_SUITES)" scripts/run-tests.sh $(SUITES)
