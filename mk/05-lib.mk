# The shared test library (tests/lib) that every Python suite imports: its
# own suite runs first, since every other suite's summary depends on it.
TEST_SUITES += lib

.PHONY: test-lib
test-lib: ## Shared test library suite: summary line, skip rule, ports, processes, emulator, containers
	@nice -n 10 python3 tests/lib/run.py
