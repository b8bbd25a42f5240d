#!/bin/sh
# `make bench`: whisper-cli bench (medians of several runs) on
#   - the real tiny.en, 1 and 2 threads;
#   - the synthetic tiny.en models (the size of the real one), f16 and q5_1, 1 and 2 threads;
#   - the base and small shapes with synthetic weights, f16, q8_0 and q5_1, 2 threads: made once
#     by ../shared/tools/make_synthetic_model.py (and our quantizer) into .build-bench/;
# then the matmul kernels. Each model's lines end with the machine's read rate and multiply-add
# peak measured in the same run, the decoder's and encoder's share of them, and the decoder's
# throughput on 8 windows at once. Last, batched against sequential transcription of a 10-minute
# recording (scripts/batch-bench.py), and 50 short files one at a time against two side by side
# (scripts/files-bench.py).
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
PYTHON=${PYTHON:-python3}
RUNS=${RUNS:-5}
OUT=${BENCH_MODELS:-.build-bench}
if [ ! -d "$SHARED/models" ]; then
    echo "bench: $SHARED/models is absent; nothing to measure" >&2
    exit 1
fi
for threads in 1 2; do
    "$CLI" bench -m "$SHARED/models/ggml-tiny.en.bin" -t $threads --runs "$RUNS" || exit 1
done
for model in tiny.en-synthetic-f16 tiny.en-synthetic-q5_1; do
    for threads in 1 2; do
        "$CLI" bench -m "$SHARED/models/$model.bin" -t $threads --runs "$RUNS" || exit 1
    done
done
mkdir -p "$OUT"
# name state heads layers
for shape in "base 512 8 6" "small 768 12 12"; do
    set -- $shape
    f16="$OUT/$1-synthetic-f16.bin"
    if [ ! -f "$f16" ]; then
        echo "bench: making $f16 (synthetic weights, $1's shape)"
        "$PYTHON" "$SHARED/tools/make_synthetic_model.py" "$SHARED/tools/assets" "$f16.part" --seed 1 \
            --state "$2" --heads "$3" --audio-layers "$4" --text-layers "$4" >/dev/null \
            && mv "$f16.part" "$f16" || { echo "bench: could not make $f16 (numpy: make python-deps)" >&2; exit 1; }
    fi
    for type in q8_0 q5_1; do
        quantized="$OUT/$1-synthetic-$type.bin"
        [ -f "$quantized" ] || "$CLI" quantize "$f16" "$quantized" "$type" >/dev/null || exit 1
    done
    for type in f16 q8_0 q5_1; do
        "$CLI" bench -m "$OUT/$1-synthetic-$type.bin" -t 2 --runs "$RUNS" || exit 1
    done
done
"$CLI" bench --matmul -t 1
"$CLI" bench --matmul -t 2
# Batched against sequential transcription on a 10-minute recording made of the real-speech set
# (jfk.wav and the samples `make samples` synthesizes), real tiny.en. (Synthetic weights write no
# text to end a window with, so the seek loop crawls: the base and small shapes' batched figures
# are the decoder's, "batch of 8" above.)
[ -f Samples/minute.wav ] || sh Samples/make-samples.sh >/dev/null || echo "bench: no synthesized samples; the recording repeats jfk.wav" >&2
RUNS=$(( RUNS < 3 ? RUNS : 3 )) "$PYTHON" scripts/batch-bench.py "$CLI" "$SHARED" "$OUT" 8 \
    "$SHARED/models/ggml-tiny.en.bin" || exit 1
RUNS=$(( RUNS < 3 ? RUNS : 3 )) "$PYTHON" scripts/files-bench.py "$CLI" "$SHARED" "$OUT" 2 \
    "$SHARED/models/ggml-tiny.en.bin" || exit 1
exit 0
