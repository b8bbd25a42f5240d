#!/bin/sh
# `make run`: transcribe a sample with whatever model is available.
CLI=$1; MODEL=$2; AUDIO=$3; SHARED=$4
if [ -z "$MODEL" ]; then
    for candidate in Models/ggml-base.en.bin Models/ggml-tiny.en.bin Models/ggml-base.bin Models/ggml-tiny.bin \
                     Models/ggml-*.bin "$SHARED/models/tiny.en-synthetic-f16.bin"; do
        if [ -f "$candidate" ]; then MODEL=$candidate; break; fi
    done
fi
if [ -z "$MODEL" ] || [ ! -f "$MODEL" ]; then
    echo "make run: no model found. Fetch one with:  make model NAME=base.en   (needs internet)" >&2
    echo "          or pass one:                     make run MODEL=path/to/ggml-model.bin" >&2
    exit 1
fi
if [ ! -f "$AUDIO" ]; then
    if [ -f Samples/hello.wav ]; then AUDIO=Samples/hello.wav; else
        echo "make run: no audio at $AUDIO; pass AUDIO=file.wav or run 'make samples'" >&2
        exit 1
    fi
fi
case "$MODEL" in *synthetic*) echo "note: $MODEL has synthetic weights: its transcript is nonsense words by design" >&2;; esac
exec "$CLI" -m "$MODEL" -f "$AUDIO"
