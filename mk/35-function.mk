# The service as an AWS Lambda function (infra/function): the zip, the deploy
# entry point and the emulator suite. See infra/function/README.md.
#   function   packaging; infra/function applied, re-planned, deployed to and destroyed in the emulator
# The zip's binary is /server of the service image for ARCH: the same
# static build the ECS tasks run (app/Dockerfile; arm64 cross-compiled).
# IMAGE=<ref> packages an image already built (the pipeline's); BIN=<path>
# a binary on disk (e.g. build/app/release/server, the host's own build).
TEST_SUITES += function
TEST_SIDE_SUITES += function
FUNCTION_PLATFORM_arm64 := linux/arm64
FUNCTION_PLATFORM_x86_64 := linux/amd64

.PHONY: function deploy-function test-function

# ARCH, BIN and IMAGE are this target's only (other fragments may use the names).
function: ARCH ?= arm64
function: BIN ?=
function: IMAGE ?=
function: ## Zip the image's server as a Lambda bootstrap: make function ARCH=arm64|x86_64 [IMAGE=ref | BIN=path] -> build/function/bootstrap-<ARCH>.zip
	@set -euo pipefail; \
	if [ -n "$(BIN)" ]; then src="$(BIN)"; \
	elif [ -n "$(IMAGE)" ]; then src="image:$(IMAGE)"; \
	elif [ -z "$(FUNCTION_PLATFORM_$(ARCH))" ]; then src=unused; \
	else src="image:$$(PLATFORM=$(FUNCTION_PLATFORM_$(ARCH)) EXTRA_TAGS= scripts/container/build.sh | tail -n 1)"; fi; \
	scripts/package-function.sh "$(ARCH)" "$$src" "$(BUILD_DIR)/function/bootstrap-$(ARCH).zip"

# COMMIT: the commit the zip's binary reports on /version (CI: the full git SHA).
deploy-function: ## Deploy a zip to the function: make deploy-function ENV=dev ZIP=build/function/bootstrap-arm64.zip COMMIT=<sha>
	@scripts/deploy-function.sh --env "$(ENV)" --zip "$(ZIP)" --commit "$(COMMIT)"

test-function: ## Function suite: packaging, then infra/function and deploy-function.sh in the AWS emulator
	@nice -n 10 python3 tests/function/run.py
