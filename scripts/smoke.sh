#!/bin/sh
# Smoke test (what users run in their CI): the built binary transcribes jfk.wav
#  - with the real tiny.en in ../shared (OpenAI's weights), greedy (-bs 1 -nf) and with the default
#    options, and the output — text and segment times — equals OpenAI's reference exactly
#    (reference/real/openai: greedy, and beam 5, which the defaults decode first and keep);
#  - with the synthetic tiny.en model, against the float64 reference's transcript;
#  - with a real Models/ggml-tiny.en.bin (downloaded), the transcript holds the famous line.
set -u
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
status=0

# Compares whisper-cli's stdout for FLAGS with a reference file: smoke_case LABEL REFERENCE MODEL FLAGS...
smoke_case() {
    label=$1; reference=$2; model=$3; shift 3
    actual=$(mktemp)
    if ! "$CLI" -m "$model" -f "$SHARED/samples/jfk.wav" -np "$@" > "$actual"; then
        echo "smoke: FAIL: $label: whisper-cli exited with an error"
        status=1
    elif [ "$(cat "$actual")" = "$(cat "$reference")" ]; then
        echo "smoke: OK: $label matches the reference transcript and times"
    else
        echo "smoke: FAIL: $label differs from $reference"
        diff "$reference" "$actual" | head -20
        status=1
    fi
    rm -f "$actual"
}

if [ ! -d "$SHARED" ]; then
    echo "smoke: $SHARED is absent; skipping the smoke tests that need its models"
else
    smoke_case "jfk.wav, synthetic tiny.en, greedy" "$SHARED/reference/openai/tiny.en-synthetic-f16.jfk.greedy.txt" \
        "$SHARED/models/tiny.en-synthetic-f16.bin" -bs 1 -nf
fi

REAL=$SHARED/models/ggml-tiny.en.bin
if [ -f "$REAL" ]; then
    smoke_case "jfk.wav, real tiny.en, greedy" "$SHARED/reference/real/openai/ggml-tiny.en.jfk.greedy.txt" "$REAL" -bs 1 -nf
    smoke_case "jfk.wav, real tiny.en, default options" "$SHARED/reference/real/openai/ggml-tiny.en.jfk.beam5.txt" "$REAL"
elif [ -d "$SHARED" ]; then
    echo "smoke: $REAL is absent; skipping the real-model smoke test"
fi

if [ -f Models/ggml-tiny.en.bin ] && [ -f "$SHARED/samples/jfk.wav" ]; then
    text=$("$CLI" -m Models/ggml-tiny.en.bin -f "$SHARED/samples/jfk.wav" -np)
    if echo "$text" | tr 'A-Z' 'a-z' | grep -q "ask not what your country can do for you"; then
        echo "smoke: OK: real tiny.en transcribes jfk.wav"
    else
        echo "smoke: FAIL: real tiny.en transcript lacks the expected words: $text"
        status=1
    fi
fi
exit $status
