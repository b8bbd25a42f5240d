#!/bin/sh
# `make bench-memory`: peak resident memory (GNU time -v) of whisper-cli on a 1-minute and a
# 2-hour WAV file, which must stay within 50 MiB of each other: long recordings are streamed
# (read and converted to log-mel in one pass, kept in a temporary file), never loaded whole.
#
# Transcribing 2 hours takes far too long for a benchmark, so the long file is measured two ways
# that both read and convert all of it:
#   front end   `whisper-cli bench --front-end`: the streaming pass of a transcription (decode,
#               log-mel, spool) and every 30 s window read back — everything but the network;
#   transcribe  a real transcription with -ot set to the last minute: the whole file is decoded,
#               the last minute converted and transcribed (the seek loop's own memory is bounded:
#               see PromptHistory and TranscriptionOptions.collectsSegments).
# FULL=1 also transcribes the whole 2 hours (about half an hour with the nano model on 2 cores).
#
# Environment: MODEL (default: the synthetic nano model), LONG_SECONDS (7200), THREADS (2), FULL.
# Needs sox (Debian: apt-get install sox) and GNU time (/usr/bin/time, apt-get install time).
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
MODEL=${MODEL:-$SHARED/models/nano-synthetic-f16.bin}
LONG_SECONDS=${LONG_SECONDS:-7200}
THREADS=${THREADS:-2}
LIMIT_MIB=50

for tool in sox /usr/bin/time; do
    command -v $tool >/dev/null 2>&1 || { echo "bench-memory: needs $tool (apt-get install ${tool##*/})" >&2; exit 1; }
done
[ -f "$MODEL" ] || { echo "bench-memory: model $MODEL is absent" >&2; exit 1; }
SPEECH=$SHARED/samples/speech-long.wav
[ -f "$SPEECH" ] || { echo "bench-memory: $SPEECH is absent" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/whisper-bench-memory.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# speech-long.wav (53.7 s, 16 kHz mono s16) repeated and cut: 1 minute, and 2 hours (230 MB).
sox "$SPEECH" "$WORK/short.wav" repeat 1 trim 0 60 || exit 1
sox "$SPEECH" "$WORK/long.wav" repeat $((LONG_SECONDS / 53 + 1)) trim 0 "$LONG_SECONDS" || exit 1
echo "bench-memory: $(soxi -d "$WORK/short.wav") and $(soxi -d "$WORK/long.wav") of 16 kHz speech; model $(basename "$MODEL"), $THREADS threads"

# Runs a command under GNU time; prints its peak RSS in KiB and how long it took.
peak_kib() {
    label=$1; shift
    if ! /usr/bin/time -v "$@" > "$WORK/stdout" 2> "$WORK/time"; then
        cat "$WORK/time" >&2
        echo "bench-memory: $label failed" >&2
        exit 1
    fi
    kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time")
    wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time")
    awk -v l="$label" -v k="$kib" -v w="$wall" 'BEGIN { printf "  %-44s %9.1f MiB   %s\n", l, k / 1024, w }' >&2
    echo "$kib"
}

status=0
# Compares two peaks (KiB); fails the benchmark when they differ by more than LIMIT_MIB.
compare() {
    awk -v a="$1" -v b="$2" -v l="difference, $3" -v m="$LIMIT_MIB" \
        'BEGIN { printf "  %-44s %+9.1f MiB   (limit %d MiB)\n", l, (b - a) / 1024, m }'
    if [ "$(awk -v a="$1" -v b="$2" -v m="$LIMIT_MIB" 'BEGIN { print ((b - a) / 1024 > m) ? 1 : 0 }')" = 1 ]; then
        echo "bench-memory: the long file needs more than $LIMIT_MIB MiB more than the short one" >&2
        status=1
    fi
}

echo "peak resident memory:"
short_front=$(peak_kib "front end, 1 minute" "$CLI" bench --front-end -m "$MODEL" -f "$WORK/short.wav" -t "$THREADS") || exit 1
long_front=$(peak_kib "front end, 2 hours" "$CLI" bench --front-end -m "$MODEL" -f "$WORK/long.wav" -t "$THREADS") || exit 1
compare "$short_front" "$long_front" "front end"

FLAGS="-m $MODEL -t $THREADS -nf -np"
short_run=$(peak_kib "transcribe 1 minute" "$CLI" $FLAGS -f "$WORK/short.wav") || exit 1
last_minute=$(( (LONG_SECONDS - 60) * 1000 ))
long_run=$(peak_kib "transcribe 2 hours, last minute (-ot)" "$CLI" $FLAGS -ot "$last_minute" -f "$WORK/long.wav") || exit 1
compare "$short_run" "$long_run" "transcribe"

if [ "${FULL:-0}" = 1 ]; then
    full_run=$(peak_kib "transcribe 2 hours, all of it" "$CLI" $FLAGS -f "$WORK/long.wav") || exit 1
    compare "$short_run" "$full_run" "transcribe all"
fi
exit $status
