#!/bin/sh
# Builds whisper.wasm (WASI preview 1 command): the core's sources and wasm/Sources compiled as one
# Embedded Swift module, wasm/Runtime/runtime.c, linked with wasm-ld.
#   wasm/build.sh OUT_DIR [simd|scalar]
# simd: SIMD128 instructions (wasmtime, browsers); scalar: none (wasmkit, which has no SIMD).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/.build-wasm}
variant=${2:-simd}
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-clang}
WASM_LD=${WASM_LD:-wasm-ld}
lib=$(dirname "$(command -v "$SWIFTC")")/../lib/swift/embedded/wasm32-unknown-none-wasm
mkdir -p "$out"
simd=""
name=whisper
if [ "$variant" = simd ]; then simd="-Xcc -msimd128"; else name=whisper-scalar; fi
cd "$here"
# shellcheck disable=SC2046,SC2086
"$SWIFTC" -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded \
    -enable-experimental-feature Extern -wmo -O -parse-as-library -module-name WhisperWASI \
    -package-name WhisperSwift $simd \
    -c $(find Sources/WhisperCore -name '*.swift' | LC_ALL=C sort) wasm/Sources/*.swift -o "$out/$name.o"
"$CLANG" -target wasm32-unknown-unknown -mbulk-memory -O2 -nostdlib -c wasm/Runtime/runtime.c -o "$out/runtime.o"
# 1 MiB of stack; memory starts at what the static data needs and grows on demand.
"$WASM_LD" "$out/$name.o" "$out/runtime.o" "$lib/libswiftUnicodeDataTables.a" \
    -z stack-size=1048576 --max-memory=4294967296 -o "$out/$name.wasm"
echo "wasm: $out/$name.wasm ($(wc -c < "$out/$name.wasm") bytes)"
