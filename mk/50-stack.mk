# The local stack (make up / make down), the docs' generated figures, and
# their test suites: `docs` (fast, static checks) and `stack` (one real
# `make up`; deploys, a rollback, a killed task and scaling of that stack
# under load; `make down` leaving nothing running).
TEST_SUITES += docs stack

.PHONY: up down diagram bench-chart test-docs test-stack

up: ## Run the whole stack locally: emulated AWS, the ECS service's tasks behind HAProxy (:5000, :5443)
	@scripts/up.sh

down: ## Remove everything `make up` started (container, emulated stack, emulator)
	@scripts/down.sh

diagram: ## Render docs/architecture.dot to docs/architecture.png
	@scripts/stack/render-diagram.sh

bench-chart: ## Chart build/bench/results.csv (from `make bench`) into docs/bench/throughput.png
	@scripts/stack/bench-chart.sh

test-docs: ## Docs suite: diagram up to date, make targets and links in the docs exist
	@python3 tests/docs/run.py

test-stack: ## Stack suite: make up, URLs, make up again; deploy, rollback, kill -9, scaling under load; make down, nothing left
	@nice -n 10 python3 tests/stack/run.py
