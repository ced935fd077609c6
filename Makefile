# Entry points. `make demo` and `make test` are the two set-up commands of the README.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD ?= build/release
CI_BUILD ?= build/ci
ASAN_BUILD ?= build/asan
FUZZ_BUILD ?= build/fuzz
FUZZ_RUNS ?= 20000

.PHONY: deps demo build test test-arm asan fuzz format format-check tidy clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTMO_BUILD_TESTS=OFF >/dev/null
	@ninja -C $(BUILD) -j$(JOBS) ptmo

# The main job on embedded defaults.
demo: build
	@$(BUILD)/ptmo demo

# Every test, warnings as errors; then the official openai npm client against `ptmo serve`.
test: deps
	@cmake -S . -B $(CI_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTMO_WERROR=ON >/dev/null
	@ninja -C $(CI_BUILD) -j$(JOBS)
	@cd $(CI_BUILD) && ctest --output-on-failure -j$(JOBS)
	@PTMO_DATA_DIR=$(CURDIR)/data bash tests/npm/run.sh $(CI_BUILD)/ptmo

# The tensor tests cross-built for AArch64 and run under qemu: the NEON kernels against the
# same tests as the x86 ones (installs g++-aarch64-linux-gnu and qemu-user when missing).
test-arm:
	@bash scripts/test-aarch64.sh build/aarch64

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPTMO_WERROR=ON \
	  -DPTMO_SANITIZE=ON -DPTMO_BUILD_BENCH=OFF >/dev/null
	@ninja -C $(ASAN_BUILD) -j$(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j$(JOBS)

# libFuzzer on the scanner and the GGUF reader (clang): FUZZ_RUNS inputs from a fixed seed, so a run is repeatable.
fuzz: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DPTMO_FUZZ=ON -DPTMO_BUILD_TESTS=OFF -DPTMO_BUILD_BENCH=OFF \
	  -DPTMO_SANITIZE=ON -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
	@ninja -C $(FUZZ_BUILD) -j$(JOBS) scan_fuzzer gguf_fuzzer
	@mkdir -p $(FUZZ_BUILD)/corpus && cp -n fuzz/corpus/scan/* $(FUZZ_BUILD)/corpus/ 2>/dev/null || true
	@set -o pipefail; PTMO_DATA_DIR=$(CURDIR)/data $(FUZZ_BUILD)/scan_fuzzer \
	  -runs=$(FUZZ_RUNS) -seed=1 -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
	  -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus 2>&1 | tail -n 25
	@mkdir -p $(FUZZ_BUILD)/corpus-gguf && cp -n fuzz/corpus/gguf/* $(FUZZ_BUILD)/corpus-gguf/ 2>/dev/null || true
	@set -o pipefail; $(FUZZ_BUILD)/gguf_fuzzer -runs=$(FUZZ_RUNS) -seed=1 -max_len=131072 \
	  -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/ \
	  $(FUZZ_BUILD)/corpus-gguf 2>&1 | tail -n 12

format:
	@clang-format -i $$(git ls-files '*.cc' '*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files '*.cc' '*.h')

tidy: test
	@clang-tidy -p $(CI_BUILD) --quiet $$(git ls-files 'src/*.cc') 2>/dev/null | grep -E "warning|error" || true

clean:
	rm -rf build
