#!/bin/sh
# `make run`: transcribe jfk.wav with the best model at hand — a downloaded one in Models/ (the
# largest published size first), else the real tiny.en in ../shared — or say how to get one.
CLI=$1; MODEL=$2; AUDIO=$3; SHARED=$4
if [ -z "$MODEL" ]; then
    for size in large-v3-turbo large-v3 large-v2 large-v1 medium.en medium small.en small base.en base tiny.en tiny; do
        for candidate in Models/ggml-$size.bin Models/ggml-$size-q8_0.bin Models/ggml-$size-q5_1.bin; do
            if [ -z "$MODEL" ] && [ -f "$candidate" ]; then MODEL=$candidate; fi
        done
    done
    for candidate in Models/ggml-*.bin "$SHARED/models/ggml-tiny.en.bin"; do
        if [ -z "$MODEL" ] && [ -f "$candidate" ]; then MODEL=$candidate; fi
    done
fi
if [ -z "$MODEL" ] || [ ! -f "$MODEL" ]; then
    echo "make run: no model found. Fetch one with:  make model NAME=base.en   (needs internet; see 'make help')" >&2
    echo "          or pass one:                     make run MODEL=path/to/ggml-model.bin" >&2
    exit 1
fi
echo "make run: $MODEL on $AUDIO" >&2
if [ ! -f "$AUDIO" ]; then
    if [ -f Samples/hello.wav ]; then AUDIO=Samples/hello.wav; else
        echo "make run: no audio at $AUDIO; pass AUDIO=file.wav or run 'make samples'" >&2
        exit 1
    fi
fi
case "$MODEL" in *synthetic*) echo "note: $MODEL has synthetic weights: its transcript is nonsense words by design" >&2;; esac
exec "$CLI" -m "$MODEL" -f "$AUDIO"
