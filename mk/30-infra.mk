# Terraform (infra/): static checks, unit tests with a mocked provider, and a
# full apply/plan/destroy into the AWS emulator. See infra/README.md.
TEST_SUITES += infra-static infra-unit infra-emulator
# All three run in the side lanes (Makefile): each works in a folder of its
# own (build/terraform/static, build/terraform/unit, the emulator's), and
# none uses a container or a fixed port. They share Terraform's plugin cache
# and cli.tfrc with every Terraform suite (cli.tfrc is written atomically).
TEST_SIDE_SUITES += infra-static infra-unit infra-emulator

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
