#!/bin/sh
# whisper.wasm against whisper-cli: the module's stdout on jfk.wav must be byte-identical to the
# native CLI's with -t 1, and bad input must give the CLI's exit status.
#  - nano model, under wasmkit (the toolchain's WASI runtime; an interpreter: the scalar build);
#  - real tiny.en f16 and q5_1 (quantized here), under wasmtime from PyPI (the SIMD128 build),
#    with the module's final memory size against the targets (192 / 128 MiB); skipped offline.
set -u
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
OUT=${3:-.build-wasm}
PYTHON=${PYTHON:-python3}
status=0
if [ ! -d "$SHARED/models" ]; then echo "wasm-check: SKIPPED: $SHARED/models is absent"; exit 0; fi
SHARED=$(cd "$SHARED" && pwd)
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
jfk="$SHARED/samples/jfk.wav"

# compare LABEL EXPECTED ACTUAL
compare() {
    if cmp -s "$2" "$3"; then
        echo "wasm-check: OK: $1: stdout identical to whisper-cli -t 1"
    else
        echo "wasm-check: FAIL: $1: stdout differs from whisper-cli -t 1"
        diff "$2" "$3" | head -10
        status=1
    fi
}

# expect_status LABEL STATUS COMMAND...: the command must exit with STATUS and say "error".
expect_status() {
    label=$1; want=$2; shift 2
    "$@" >/dev/null 2>"$OUT/stderr.txt"; got=$?
    if [ "$got" = "$want" ] && grep -q "error" "$OUT/stderr.txt"; then
        echo "wasm-check: OK: $label: exit $got, $(head -1 "$OUT/stderr.txt")"
    else
        echo "wasm-check: FAIL: $label: exit $got (want $want): $(cat "$OUT/stderr.txt")"
        status=1
    fi
}

"$CLI" -t 1 -m "$SHARED/models/nano-synthetic-f16.bin" -f "$jfk" > "$OUT/native-nano.txt" 2>/dev/null
wasmkit run --dir "$SHARED" "$OUT/whisper-scalar.wasm" -m "$SHARED/models/nano-synthetic-f16.bin" -f "$jfk" > "$OUT/wasmkit-nano.txt"
compare "nano f16 under wasmkit" "$OUT/native-nano.txt" "$OUT/wasmkit-nano.txt"
expect_status "missing model (wasmkit)" 1 wasmkit run --dir "$SHARED" "$OUT/whisper-scalar.wasm" -m "$SHARED/models/none.bin" -f "$jfk"
expect_status "unknown option (wasmkit)" 2 wasmkit run "$OUT/whisper-scalar.wasm" --no-such-option

# wasmtime from PyPI, in a virtual environment of its own (git-ignored).
venv="$OUT/venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import wasmtime" 2>/dev/null; then
    "$PYTHON" -m venv "$venv" >/dev/null 2>&1 && timeout 300 "$venv/bin/python" -m pip install --quiet wasmtime >/dev/null 2>&1
fi
if ! "$venv/bin/python" -c "import wasmtime" 2>/dev/null; then
    echo "wasm-check: SKIPPED: the real tiny.en cases under wasmtime: cannot install wasmtime from PyPI (offline?)"
    exit $status
fi
run_wasmtime() { WHISPER_WASM_MEMORY=1 "$venv/bin/python" scripts/run-wasm.py --dir "$SHARED" --dir "$OUT" "$OUT/whisper.wasm" "$@"; }

"$CLI" quantize "$SHARED/models/ggml-tiny.en.bin" "$OUT/ggml-tiny.en-q5_1.bin" q5_1 >/dev/null 2>&1 || status=1
for model in "$SHARED/models/ggml-tiny.en.bin:f16:192" "$OUT/ggml-tiny.en-q5_1.bin:q5_1:128"; do
    path=${model%%:*}; rest=${model#*:}; kind=${rest%%:*}; limit=${rest#*:}
    "$CLI" -t 1 -m "$path" -f "$jfk" > "$OUT/native-$kind.txt" 2>/dev/null
    run_wasmtime -m "$path" -f "$jfk" > "$OUT/wasmtime-$kind.txt" 2> "$OUT/wasmtime-$kind.err"
    compare "real tiny.en $kind under wasmtime" "$OUT/native-$kind.txt" "$OUT/wasmtime-$kind.txt"
    memory=$(sed -n 's/^wasm memory: \([0-9.]*\) MiB$/\1/p' "$OUT/wasmtime-$kind.err")
    echo "wasm-check: real tiny.en $kind: the module's memory at exit: $memory MiB (target $limit MiB)"
done
# -oj: the same JSON file, parameters included, but for the probabilities (token p, avg_logprob,
# no_speech_prob: their last digits differ, the module's multiply-adds not being fused, see
# MultiplyAdd.swift).
q5="$OUT/ggml-tiny.en-q5_1.bin"
"$CLI" -t 1 -m "$q5" -f "$jfk" -oj -of "$OUT/native-jfk" >/dev/null 2>&1
run_wasmtime -m "$q5" -f "$jfk" -oj -of "$OUT/wasmtime-jfk" >/dev/null 2>&1
grep -Ev '"(p|avg_logprob|no_speech_prob)":' "$OUT/native-jfk.json" > "$OUT/native-jfk.json.cut" 2>/dev/null
grep -Ev '"(p|avg_logprob|no_speech_prob)":' "$OUT/wasmtime-jfk.json" > "$OUT/wasmtime-jfk.json.cut" 2>/dev/null
if [ -s "$OUT/native-jfk.json.cut" ] && cmp -s "$OUT/native-jfk.json.cut" "$OUT/wasmtime-jfk.json.cut"; then
    echo "wasm-check: OK: -oj: the module's JSON equals whisper-cli's (probabilities aside)"
else
    echo "wasm-check: FAIL: -oj: the module's JSON differs from whisper-cli's"
    diff "$OUT/native-jfk.json.cut" "$OUT/wasmtime-jfk.json.cut" | head -10
    status=1
fi
# The host program (examples/host-python): embeds the module through wasmtime's API.
host=$("$venv/bin/python" examples/host-python/transcribe.py "$OUT/whisper.wasm" "$OUT/ggml-tiny.en-q5_1.bin" "$jfk")
if printf '%s' "$host" | grep -q "ask what you can do for your country"; then
    echo "wasm-check: OK: examples/host-python: $(printf '%s' "$host" | head -1)"
else
    echo "wasm-check: FAIL: examples/host-python gave: $host"
    status=1
fi
# The web page (examples/web) in headless Chromium (Debian's package, installed here when missing and
# possible), with and without a 128 MiB cap on WebAssembly memory.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "wasm-check: installing Debian's chromium for the browser test"
    # A fresh machine may have no package lists yet: read them once, then install.
    { DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q chromium >/dev/null 2>&1 \
        || { timeout 300 apt-get update -q >/dev/null 2>&1 \
             && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q chromium >/dev/null 2>&1; }; } \
        || echo "wasm-check: apt-get could not install chromium"
fi
"$PYTHON" scripts/browser-check.py "$OUT/whisper.wasm" "$OUT/ggml-tiny.en-q5_1.bin" "$jfk" \
    "ask what you can do for your country" "$OUT" || status=1
expect_status "missing audio (wasmtime)" 1 run_wasmtime -m "$SHARED/models/ggml-tiny.en.bin" -f "$SHARED/none.wav"
exit $status
