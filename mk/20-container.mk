# The container image (app/Dockerfile): build, run, lint and test it.
# Engine: docker if a daemon answers, else podman with the project's config
# (scripts/container/env.sh). See docs/container.md.
.PHONY: image run image-clean test-container-lint test-container

image: ## Build the service image for ENV's tasks (default dev: linux/arm64; PLATFORM=host|linux/amd64|linux/arm64)
	@scripts/container/build.sh

run: ## Run the image on localhost:5000 (read-only, no capabilities, uid 65532)
	@scripts/container/run.sh

image-clean: ## Remove the service images and the local builder base
	@scripts/container/clean.sh

TEST_SUITES += container-lint container

test-container-lint: ## Check app/Dockerfile for the usual rules (and the checker itself), and build.sh's settings
	@python3 app/tests/container/run_suite.py test_dockerfile_lint test_build_script

test-container: ## Build the image and run it under a real container runtime
	@python3 app/tests/container/run_suite.py test_image
