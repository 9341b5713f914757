# The local stack (make up / make down), the docs' generated figures, and
# their test suites: `docs` (fast, static checks), `stack` (a real
# `make up` / `make down` round trip) and `rollout` (deploys, a rollback, a
# killed task and scaling of that stack under load).
TEST_SUITES += docs stack rollout

.PHONY: up down diagram bench-chart test-docs test-stack test-rollout

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

test-stack: ## Stack suite: make up, check the URL, make up again, make down, nothing left
	@python3 tests/stack/run.py

test-rollout: ## Rollout suite: rolling deploy, rollback, kill -9 and scaling under load, 0 failed requests
	@nice -n 10 python3 tests/rollout/run.py
