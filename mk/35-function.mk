# The service as an AWS Lambda function (infra/function): the zip, the deploy
# entry point and the emulator suite. See infra/function/README.md.
#   function   packaging; infra/function applied, re-planned, deployed to and destroyed in the emulator
# The static binary per architecture: make build (x86_64 here), the cross build (arm64).
FUNCTION_BIN_x86_64 := $(BUILD_DIR)/app/release/server
FUNCTION_BIN_arm64 := $(BUILD_DIR)/app/release-arm64/server
TEST_SUITES += function
TEST_SIDE_SUITES += function

.PHONY: function deploy-function test-function

# ARCH and BIN are this target's only (other fragments may use the names).
function: ARCH ?= arm64
function: BIN ?= $(FUNCTION_BIN_$(ARCH))
function: ## Zip the server as a Lambda bootstrap: make function ARCH=arm64|x86_64 [BIN=path] -> build/function/bootstrap-<ARCH>.zip
	@# The default x86_64 binary is the host's build: bring it up to date first.
	@if [ "$(ARCH)" = x86_64 ] && [ "$(BIN)" = "$(FUNCTION_BIN_x86_64)" ]; then $(MAKE) --no-print-directory build; fi
	@scripts/package-function.sh "$(ARCH)" "$(BIN)" "$(BUILD_DIR)/function/bootstrap-$(ARCH).zip"

# COMMIT: the commit the zip's binary reports on /version (CI: the full git SHA).
deploy-function: ## Deploy a zip to the function: make deploy-function ENV=dev ZIP=build/function/bootstrap-arm64.zip COMMIT=<sha>
	@scripts/deploy-function.sh --env "$(ENV)" --zip "$(ZIP)" --commit "$(COMMIT)"

test-function: ## Function suite: packaging, then infra/function and deploy-function.sh in the AWS emulator
	@nice -n 10 python3 tests/function/run.py
