# The C++ service (app/): build presets, format/lint, and its test suites.
APP_DIR := app
APP_BUILD := $(BUILD_DIR)/app
APP_NICE := nice -n 10
APP_SOURCES = $(shell find $(APP_DIR)/src $(APP_DIR)/tests/unit $(APP_DIR)/fuzz -name '*.cpp' -o -name '*.hpp' 2>/dev/null)
# Version data for the binary (the container build passes its own).
APP_VERSION ?= 0.0.0-dev
APP_COMMIT ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
APP_CMAKE_VARS = -DAPP_VERSION="$(APP_VERSION)" -DAPP_COMMIT="$(APP_COMMIT)"

.PHONY: build app-build-asan app-build-debug app-configure-% fmt lint

# Configure a preset once (or again when CMakeLists/presets change).
$(APP_BUILD)/%/build.ninja: $(APP_DIR)/CMakeLists.txt $(APP_DIR)/CMakePresets.json
	cd $(APP_DIR) && $(APP_NICE) cmake --preset $* $(APP_CMAKE_VARS) >/dev/null

build: $(APP_BUILD)/release/build.ninja ## Build the service (static release) -> build/app/release/server
	$(APP_NICE) cmake --build $(APP_BUILD)/release --target server -j 2

app-build-asan: $(APP_BUILD)/asan/build.ninja ## Build the service with ASan+UBSan -> build/app/asan/server
	$(APP_NICE) cmake --build $(APP_BUILD)/asan --target server -j 2

app-build-debug: $(APP_BUILD)/debug/build.ninja
	$(APP_NICE) cmake --build $(APP_BUILD)/debug --target server -j 2

fmt: ## Format the C++ sources in place
	clang-format -i $(APP_SOURCES)

lint: $(APP_BUILD)/release/build.ninja ## clang-format check and clang-tidy over app/src
	clang-format --dry-run -Werror $(APP_SOURCES)
	$(APP_NICE) clang-tidy -p $(APP_BUILD)/release --quiet $(filter $(APP_DIR)/src/%.cpp,$(APP_SOURCES))
