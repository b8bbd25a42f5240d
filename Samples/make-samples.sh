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

# The samples and their texts are listed in texts.tsv (name, voice, speed, text), which `make wer`
# also reads: one place for what was said.
grep -v '^#' "$DIR/texts.tsv" | while IFS="$(printf '\t')" read -r name voice speed text; do
    [ -n "$name" ] && synth "$name" "$voice" "$speed" "$text"
done

echo "make-samples: wrote the samples above to $DIR"
