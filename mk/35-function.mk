# The service as an AWS Lambda function (infra/function): the zip, the deploy
# entry point and the emulator suite. See infra/function/README.md.
#   function   apply / re-plan / destroy of infra/function and deploy-function.sh in the emulator
ARCH ?= arm64
# The static binary per architecture: make build (x86_64 here), the cross build (arm64).
FUNCTION_BIN_x86_64 := $(BUILD_DIR)/app/release/server
FUNCTION_BIN_arm64 := $(BUILD_DIR)/app/release-arm64/server
BIN ?= $(FUNCTION_BIN_$(ARCH))
TEST_SUITES += function

.PHONY: function deploy-function test-function

# On x86_64 with the default binary, `make build` first (it is the host's build).
function: $(if $(and $(filter x86_64,$(ARCH)),$(filter $(FUNCTION_BIN_x86_64),$(BIN))),build) ## Zip the server as a Lambda bootstrap: make function ARCH=arm64|x86_64 [BIN=path] -> build/function/bootstrap-<ARCH>.zip
	@scripts/package-function.sh "$(ARCH)" "$(BIN)" "$(BUILD_DIR)/function/bootstrap-$(ARCH).zip"

deploy-function: ## Deploy a zip to the function: make deploy-function ENV=dev ZIP=build/function/bootstrap-arm64.zip
	@scripts/deploy-function.sh --env "$(ENV)" --zip "$(ZIP)"

test-function: ## Function suite: infra/function applied, re-planned, destroyed and deployed to in the AWS emulator
	@nice -n 10 python3 tests/function/run.py
