# Graviton (linux/arm64) images on any machine: app/Dockerfile cross-compiles,
# and this suite proves the result by running it (qemu-user on x86). See
# docs/container.md, "arm64 (Graviton)".
.PHONY: image-multiarch test-arm64

TEST_SUITES += arm64

image-multiarch: ## Build one manifest list (image index) with linux/amd64 and linux/arm64 images
	@PLATFORM=linux/amd64,linux/arm64 scripts/container/build.sh

test-arm64: ## Cross-build the arm64 image; integration suite under qemu-aarch64; run it under podman (binfmt)
	@bash deps/setup-arm64.sh
	@python3 app/tests/container/run_suite.py test_arm64
