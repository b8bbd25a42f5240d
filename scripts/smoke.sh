#!/bin/sh
# Smoke test: the built binary transcribes jfk.wav with the synthetic tiny.en model and its
# output equals the reference transcript; with a real Models/ggml-tiny.en.bin present, the
# transcript must also contain the famous line.
set -u
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
status=0

if [ ! -d "$SHARED" ]; then
    echo "smoke: $SHARED is absent; skipping the synthetic-model smoke test"
else
    expected="$SHARED/reference/openai/tiny.en-synthetic-f16.jfk.greedy.txt"
    actual=$(mktemp)
    if ! "$CLI" -m "$SHARED/models/tiny.en-synthetic-f16.bin" -f "$SHARED/samples/jfk.wav" -bs 1 -nf -np > "$actual"; then
        echo "smoke: FAIL: whisper-cli exited with an error"
        status=1
    elif [ "$(cat "$actual")" = "$(cat "$expected")" ]; then
        echo "smoke: OK: jfk.wav with tiny.en-synthetic-f16 matches the reference transcript"
    else
        echo "smoke: FAIL: transcript differs from $expected"
        diff "$expected" "$actual" | head -20
        status=1
    fi
    rm -f "$actual"
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
