# IAM in the emulator and the from-zero rehearsal (infra/README.md, "Emulator
# gaps" and "Pipeline roles"): `emulator-iam` unit-tests the launcher's IAM
# enforcement; `rehearsal` runs README's from-zero steps for dev and prod in
# one emulated account as the pipeline's own roles, IAM enforced.
TEST_SUITES += emulator-iam rehearsal
TEST_SIDE_SUITES += rehearsal

.PHONY: test-emulator-iam test-rehearsal rehearse

test-emulator-iam: ## IAM enforcement of the emulator: ARNs derived, policies evaluated, denials
	@nice -n 10 python3 infra/tests/emulator/test_iam_enforcement.py

test-rehearsal: ## From zero, dev and prod in one account, as the pipeline's roles with IAM enforced
	@nice -n 10 python3 tests/rehearsal/run.py

rehearse: test-rehearsal ## Same as test-rehearsal: rehearse the README's from-zero deploy in the emulator
