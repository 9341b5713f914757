# Black-box integration tests of the server binary (app/tests/integration):
# they start the real process on an ephemeral port and talk HTTP over
# sockets. app-asan runs the same tests against the ASan+UBSan build; any
# sanitizer report aborts the server and fails the run.
TEST_SUITES += app-integration app-asan
# app-asan builds in a folder of its own (build/app/asan) and its servers
# bind port 0: it can run in a side lane.
TEST_SIDE_SUITES += app-asan

INTEGRATION_RUN := timeout 900 python3 app/tests/integration/run.py
SANITIZER_ENV := ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: test-app-integration test-app-asan
test-app-integration: ## Integration tests against the release binary
	@$(MAKE) --no-print-directory build
	@SERVER_BIN=build/app/release/server $(INTEGRATION_RUN)

test-app-asan: ## Integration tests against the ASan+UBSan binary
	@$(MAKE) --no-print-directory app-build-asan
	@SERVER_BIN=build/app/asan/server $(SANITIZER_ENV) $(INTEGRATION_RUN)
