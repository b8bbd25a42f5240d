#!/bin/sh
# `make bench`: whisper-cli bench on the synthetic tiny.en models (the size of the real tiny.en),
# f16 and q5_1, with 1 and 2 threads; medians of several runs.
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
RUNS=${RUNS:-5}
if [ ! -d "$SHARED/models" ]; then
    echo "bench: $SHARED/models is absent; nothing to measure" >&2
    exit 1
fi
for model in tiny.en-synthetic-f16 tiny.en-synthetic-q5_1; do
    for threads in 1 2; do
        "$CLI" bench -m "$SHARED/models/$model.bin" -t $threads --runs "$RUNS" || exit 1
    done
done
"$CLI" bench --matmul -t 1
"$CLI" bench --matmul -t 2
exit 0
