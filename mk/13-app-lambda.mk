# Lambda mode (app/tests/lambda): the release binary, with AWS_LAMBDA_RUNTIME_API
# set, against a fake Runtime API that follows AWS's documented contract;
# every answer is compared with what the HTTP server answers.
TEST_SUITES += app-lambda

.PHONY: test-app-lambda
test-app-lambda: ## Lambda mode against a fake Runtime API, each answer compared with the HTTP server's
	@$(MAKE) --no-print-directory build
	@SERVER_BIN=build/app/release/server timeout 300 nice -n 10 python3 app/tests/lambda/run.py
