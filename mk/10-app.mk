# The C++ service (app/): build presets, format/lint, and its test suites.
APP_DIR := app
APP_BUILD := $(BUILD_DIR)/app
APP_NICE := nice -n 10
APP_SOURCES = $(shell find $(APP_DIR)/src $(APP_DIR)/tests/unit $(APP_DIR)/fuzz -name '*.cpp' -o -name '*.hpp' 2>/dev/null)
# Version data for the binary (the container build passes its own). The
# commit is read at every build (app/cmake/version_info.cmake runs
# scripts/git-commit.sh: the full SHA, as images are tagged), not here: a
# value given at configure time goes stale at the next commit. The empty
# APP_COMMIT also clears one that an older makefile left in a build's cache.
APP_VERSION ?= 0.0.0-dev
APP_CMAKE_VARS = -DAPP_VERSION="$(APP_VERSION)" -DAPP_COMMIT=
# app_locked,PRESET: runs the rest of the line holding that build folder's
# lock, so one cmake or ninja at a time works in it. Suites in both lanes of
# `make test` build the release folder (the deploy suite's smoke test runs
# `make build` while app-unit builds there), and two ninjas in one folder
# redo each other's work and leave its dependency log inconsistent.
# APP_BUILD_LOCK_HELD=1: the caller holds the lock already (app-version holds
# it over its builds and the checks of what they built).
app_locked = mkdir -p $(APP_BUILD) && $(if $(APP_BUILD_LOCK_HELD),,flock $(APP_BUILD)/.$(1).lock)

.PHONY: build app-build-asan app-build-debug app-build-tsan test-app-tsan fmt lint

# Configure a preset once (or again when CMakeLists/presets change).
$(APP_BUILD)/%/build.ninja: $(APP_DIR)/CMakeLists.txt $(APP_DIR)/CMakePresets.json
	cd $(APP_DIR) && $(call app_locked,$*) $(APP_NICE) cmake --preset $* $(APP_CMAKE_VARS) >/dev/null

build: $(APP_BUILD)/release/build.ninja ## Build the service (static release) -> build/app/release/server
	$(call app_locked,release) $(APP_NICE) cmake --build $(APP_BUILD)/release --target server -j 2

app-build-asan: $(APP_BUILD)/asan/build.ninja ## Build the service with ASan+UBSan -> build/app/asan/server
	$(call app_locked,asan) $(APP_NICE) cmake --build $(APP_BUILD)/asan --target server -j 2

app-build-debug: $(APP_BUILD)/debug/build.ninja
	$(call app_locked,debug) $(APP_NICE) cmake --build $(APP_BUILD)/debug --target server -j 2

app-build-tsan: $(APP_BUILD)/tsan/build.ninja ## Build the service with ThreadSanitizer (clang) -> build/app/tsan/server
	$(call app_locked,tsan) $(APP_NICE) cmake --build $(APP_BUILD)/tsan --target server -j 2

# The integration tests against the TSan build (they run it with THREADS=2).
# Not in TEST_SUITES: a TSan build and run cost minutes of a shared CPU
# (last: a 5 min build and a 34-39 s run, 132 passed), over the ~2 min budget.
# CI runs it as a step of its own in the app job (.github/workflows/ci.yml).
test-app-tsan: app-build-tsan ## Integration tests against the ThreadSanitizer build
	@SERVER_BIN=$(APP_BUILD)/tsan/server TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  timeout 900 python3 app/tests/integration/run.py

fmt: ## Format the C++ sources in place
	clang-format -i $(APP_SOURCES)

lint: $(APP_BUILD)/release/build.ninja ## clang-format check and clang-tidy over app/src
	clang-format --dry-run -Werror $(APP_SOURCES)
	@# boost_impl.cpp only compiles Boost's own sources: nothing of ours to check.
	$(APP_NICE) clang-tidy -p $(APP_BUILD)/release --quiet \
	  $(filter-out %/boost_impl.cpp,$(filter $(APP_DIR)/src/%.cpp,$(APP_SOURCES)))

# ---- test suites ------------------------------------------------------------
TEST_SUITES += app-format app-unit app-static app-fuzz
# app-fuzz builds in a folder of its own (build/app/fuzz), binds no port and
# fuzzes for a fixed FUZZ_SECONDS: it can run in a side lane.
TEST_SIDE_SUITES += app-fuzz
.PHONY: test-app-format test-app-unit test-app-static test-app-fuzz

# One "file: ok/FAILED" line per file, then the count.
test-app-format:
	@pass=0; fail=0; for f in $(APP_SOURCES); do \
	  if clang-format --dry-run -Werror "$$f" >/dev/null 2>&1; then pass=$$((pass+1)); \
	  else echo "not formatted: $$f (make fmt)"; clang-format --dry-run -Werror "$$f" 2>&1 | head -n 6; fail=$$((fail+1)); fi; \
	done; echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# GoogleTest, built in the release tree (shares objects with `make build`).
test-app-unit: $(APP_BUILD)/release/build.ninja
	@$(call app_locked,release) $(APP_NICE) cmake --build $(APP_BUILD)/release --target unit_tests -j 2 >$(APP_BUILD)/unit-build.log 2>&1 \
	  || { tail -n 40 $(APP_BUILD)/unit-build.log; echo "0 passed, 1 failed"; exit 1; }
	@set -o pipefail; $(APP_BUILD)/release/unit_tests --gtest_brief=1 2>&1 | tee $(APP_BUILD)/unit.log; rc=$$?; \
	pass=$$(sed -nE 's/^\[  PASSED  \] ([0-9]+) tests?\..*/\1/p' $(APP_BUILD)/unit.log | tail -n 1); \
	fail=$$(sed -nE 's/^\[  FAILED  \] ([0-9]+) tests?, listed below.*/\1/p' $(APP_BUILD)/unit.log | tail -n 1); \
	pass=$${pass:-0}; fail=$${fail:-0}; if [ $$rc -ne 0 ] && [ $$fail -eq 0 ]; then fail=1; fi; \
	echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

# The shipped binary is fully static and serves from an empty root filesystem.
test-app-static: build
	@bash app/tests/unit/static_test.sh $(APP_BUILD)/release/server

# A rebuild after a new commit reports that commit (app/tests/build).
TEST_SUITES += app-version
.PHONY: test-app-version
test-app-version: ## A local build's --version and /version report the commit it was built from
	@nice -n 10 python3 app/tests/build/run.py

# libFuzzer over the request path (Beast parser + router + serializer).
# New inputs go to a scratch corpus; the committed seeds are read only.
FUZZ_SECONDS ?= 60
test-app-fuzz: $(APP_BUILD)/fuzz/build.ninja
	@$(call app_locked,fuzz) $(APP_NICE) cmake --build $(APP_BUILD)/fuzz --target fuzz_request -j 2 >$(APP_BUILD)/fuzz-build.log 2>&1 \
	  || { tail -n 40 $(APP_BUILD)/fuzz-build.log; echo "0 passed, 1 failed"; exit 1; }
	@bash app/fuzz/run.sh $(APP_BUILD)/fuzz/fuzz_request app/fuzz/corpus $(APP_BUILD)/fuzz/work $(FUZZ_SECONDS)
