#!/bin/sh
# The library as an app uses it: examples/transcribe depends on WhisperSwift by path and is built
# with a plain `swift build -c release` (no CPU flags, as a dependency is built), then transcribes
# jfk.wav with the real tiny.en; its segments must equal OpenAI's greedy reference exactly.
set -u
SHARED=${1:-../shared}
[ -d "$SHARED" ] && SHARED=$(cd "$SHARED" && pwd)
SWIFT=${SWIFT:-swift}
here=$(cd "$(dirname "$0")/.." && pwd)
model="$SHARED/models/ggml-tiny.en.bin"
reference="$SHARED/reference/real/openai/ggml-tiny.en.jfk.greedy.txt"
if [ ! -f "$model" ] || [ ! -f "$reference" ]; then
    echo "example-check: SKIPPED: $model or $reference is missing"
    exit 0
fi
cd "$here/examples/transcribe" || exit 1
if ! "$SWIFT" build -c release --scratch-path "$here/.build-example" >/tmp/example-build.$$ 2>&1; then
    cat /tmp/example-build.$$; rm -f /tmp/example-build.$$
    echo "example-check: FAIL: examples/transcribe does not build"
    exit 1
fi
rm -f /tmp/example-build.$$
actual=$("$here/.build-example/release/transcribe" "$model" "$SHARED/samples/jfk.wav" 2) || {
    echo "example-check: FAIL: examples/transcribe exited with an error: $actual"; exit 1; }
segments=$(printf '%s\n' "$actual" | grep '^\[')
if [ "$segments" = "$(cat "$reference")" ]; then
    echo "example-check: OK: examples/transcribe (a plain dependency build) matches OpenAI's greedy jfk.wav"
else
    echo "example-check: FAIL: examples/transcribe's transcript differs from $reference:"
    printf '%s\n' "$actual"
    exit 1
fi
