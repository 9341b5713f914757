# The local stack (make up / make down), the docs' generated figures, and
# their test suites: `docs` (fast, static checks) and `stack` (a real
# `make up` / `make down` round trip).
TEST_SUITES += docs stack

.PHONY: up down diagram bench-chart test-docs test-stack

up: ## Build the image and run the whole stack locally (emulated AWS + container on :5000)
	@scripts/up.sh

down: ## Remove everything `make up` started (container, emulated stack, emulator)
	@scripts/down.sh

diagram: ## Render docs/architecture.dot to docs/architecture.png
	@scripts/stack/render-diagram.sh

bench-chart: ## Chart build/bench/results.csv (from `make bench`) into docs/bench/throughput.png
	@scripts/stack/bench-chart.sh

test-docs: ## Docs suite: diagram up to date, make targets and links in the docs exist
	@python3 tests/docs/run.py

test-stack: ## Stack suite: make up, check the URL, make up again, make down, nothing left
	@python3 tests/stack/run.py
