#!/bin/sh
# Synthesizes a few short English speech samples into this folder as 16 kHz mono 16-bit WAV files,
# the format Whisper consumes, with espeak-ng (speech) and sox (conversion). Installs both with
# apt-get when they are missing. The .wav files are not committed (see .gitignore).
#
#   sh Samples/make-samples.sh        (or: make samples)
set -eu

DIR=$(cd "$(dirname "$0")" && pwd)

# --- tools -------------------------------------------------------------------------------------
need_install=""
command -v espeak-ng >/dev/null 2>&1 || need_install="$need_install espeak-ng"
command -v sox >/dev/null 2>&1 || need_install="$need_install sox"
if [ -n "$need_install" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "make-samples: please install$need_install (no apt-get on this system)" >&2
        exit 1
    fi
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
            echo "make-samples: installing$need_install needs root; run: apt-get install -y$need_install" >&2
            exit 1
        fi
    fi
    echo "make-samples: installing$need_install"
    # The package lists may be missing or stale (fresh containers ship without them).
    if ! $SUDO apt-get install -y $need_install; then
        $SUDO apt-get update
        $SUDO apt-get install -y $need_install
    fi
fi

# --- samples -----------------------------------------------------------------------------------
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# synth NAME VOICE SPEED TEXT — espeak-ng writes 22.05 kHz mono; sox converts to 16 kHz mono s16
# (its default rate converter is band-limited) and normalizes the peak to -3 dBFS.
synth() {
    name=$1 voice=$2 speed=$3 text=$4
    espeak-ng -v "$voice" -s "$speed" -w "$TMP/$name.wav" "$text"
    sox "$TMP/$name.wav" -r 16000 -c 1 -b 16 -e signed-integer "$DIR/$name.wav" norm -3
    printf '%-20s %6.2f s  %s\n' "$name.wav" "$(soxi -D "$DIR/$name.wav")" "$text"
}

synth hello       en-us    160 "Hello, this is a test of the Whisper speech recognition engine."
synth fox         en-gb    150 "The quick brown fox jumps over the lazy dog."
synth numbers     en-us    140 "The meeting starts at nine thirty on Tuesday, the fourteenth of March, in room two hundred and five."
synth question    en-us+f3 150 "Can you hear me clearly? Please repeat the last sentence, slowly."
synth long-story  en-us    150 "Once upon a time, in a small village by the sea, there lived an old fisherman and his wife. \
Every morning, long before sunrise, the fisherman rowed his little boat out past the rocks and cast his nets into the cold water. \
Some days the nets came back full of silver fish, and some days they came back empty. \
One morning he caught a strange golden fish that spoke to him in a human voice, and begged to be set free. \
The fisherman was so surprised that he let the fish go at once, and asked for nothing in return. \
When he came home and told his wife what had happened, she was not pleased at all."

echo "make-samples: wrote the samples above to $DIR"
