# Terraform (infra/): static checks, unit tests with a mocked provider, and a
# full apply/plan/destroy into the AWS emulator. See infra/README.md.
TEST_SUITES += infra-static infra-unit infra-emulator
# The second lane (Makefile) takes suites that share nothing with the others.
# infra-emulator: an emulator, folders and working dirs of its own.
# infra-static (about 2 min): no container, no port, no emulator; it writes
# only build/terraform/static (its own copy of infra/, rm -rf'd at its start)
# and Terraform's shared plugin cache and cli.tfrc, which every Terraform
# suite of both lanes already shares (cli.tfrc is written atomically). It
# moves 2 of the first lane's 32 min (CI's last fresh run) to the second
# lane's 25.4: about 30 and 27.4. infra-unit (6 min) stays: the second lane
# would then be the longer one.
TEST_SIDE_SUITES += infra-static infra-emulator

.PHONY: test-infra-static test-infra-unit test-infra-emulator infra-fmt emulator-start emulator-stop

test-infra-static: ## terraform fmt -check and validate of every module and root
	@infra/tests/static.sh

test-infra-unit: ## terraform test (mock provider) of every module and root
	@infra/tests/unit.sh

test-infra-emulator: ## apply platform + service into the moto emulator, check, re-plan, destroy
	@nice -n 10 python3 infra/tests/test_emulator.py

infra-fmt: ## terraform fmt -recursive infra
	@terraform fmt -recursive infra

emulator-start: ## start the local AWS emulator (build/emulator); prints its env
	@scripts/emulator.sh start

emulator-stop: ## stop the local AWS emulator
	@scripts/emulator.sh stop
