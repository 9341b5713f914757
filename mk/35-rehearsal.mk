# IAM in the emulator and the from-zero rehearsal (infra/README.md, "Emulator
# gaps" and "Pipeline roles"): `emulator-iam` unit-tests the launcher (IAM
# enforcement, resent writes answered once); `rehearsal` runs README's
# from-zero steps for dev and prod in one emulated account as the pipeline's
# own roles, IAM enforced. The rehearsal talks only to its own emulator and
# mostly waits on it: it runs in a side lane of make test.
TEST_SUITES += emulator-iam rehearsal
TEST_SIDE_SUITES += emulator-iam rehearsal  # emulator-iam: its own emulators, random ports

.PHONY: test-emulator-iam test-rehearsal rehearse

test-emulator-iam: ## The emulator launcher: IAM enforcement (ARNs, policies, denials) and resent writes answered once
	@nice -n 10 python3 infra/tests/emulator/run.py

test-rehearsal: ## From zero, dev and prod in one account, as the pipeline's roles with IAM enforced
	@nice -n 10 python3 tests/rehearsal/run.py

rehearse: test-rehearsal ## Same as test-rehearsal: rehearse the README's from-zero deploy in the emulator
