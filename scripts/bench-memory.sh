#!/bin/sh
# `make bench-memory`: peak resident memory (GNU time -v) of whisper-cli on a 1-minute and a
# 2-hour WAV file, which must stay within 50 MiB of each other: long recordings are streamed
# (read and converted to log-mel in one pass, kept in a temporary file), never loaded whole.
#
# Three measurements of the 2-hour file, each against its 1-minute counterpart:
#   front end   `whisper-cli bench --front-end`: the streaming pass of a transcription (decode,
#               log-mel, spool to the temporary file) and every 30 s window read back — all but
#               the network (seconds);
#   -ot         a real transcription of the last minute: the whole file is read and decoded, the
#               last minute converted and transcribed (seconds);
#   all         the whole 2 hours transcribed (about 3 minutes with the real tiny.en on 2 cores;
#               QUICK=1 skips it).
#
# The recording is real speech — jfk.wav, speech-long.wav and speech-short.wav over and over — and
# the model the real tiny.en: real text ends windows early (many windows a minute), which is
# what once made memory grow with the length (a synthetic model decodes whole windows and hid it).
#
# Environment: MODEL (default: ../shared/models/ggml-tiny.en.bin), LONG_SECONDS (7200), THREADS (2),
# QUICK. Needs python3 (to join the WAV files) and GNU time (/usr/bin/time, apt-get install time).
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
MODEL=${MODEL:-$SHARED/models/ggml-tiny.en.bin}
LONG_SECONDS=${LONG_SECONDS:-7200}
THREADS=${THREADS:-2}
LIMIT_MIB=50

for tool in python3 /usr/bin/time; do
    command -v $tool >/dev/null 2>&1 || { echo "bench-memory: needs $tool (apt-get install ${tool##*/})" >&2; exit 1; }
done
[ -f "$MODEL" ] || { echo "bench-memory: model $MODEL is absent" >&2; exit 1; }
SAMPLES=$SHARED/samples
for f in jfk.wav speech-long.wav speech-short.wav; do
    [ -f "$SAMPLES/$f" ] || { echo "bench-memory: $SAMPLES/$f is absent" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/whisper-bench-memory.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# The three samples (16 kHz mono s16) joined and repeated: 1 minute, and 2 hours (230 MB).
python3 - "$SAMPLES" "$WORK" "$LONG_SECONDS" <<'PY' || exit 1
import sys, wave
samples, work, long_seconds = sys.argv[1], sys.argv[2], int(sys.argv[3])
speech = b""
for name in ("jfk.wav", "speech-long.wav", "speech-short.wav"):
    with wave.open(f"{samples}/{name}") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2), name
        speech += w.readframes(w.getnframes())
for name, seconds in (("short.wav", 60), ("long.wav", long_seconds)):
    size = seconds * 32000
    with wave.open(f"{work}/{name}", "wb") as out:
        out.setnchannels(1); out.setsampwidth(2); out.setframerate(16000)
        while size > 0:
            piece = speech[:size]
            out.writeframes(piece)
            size -= len(piece)
PY
echo "bench-memory: 60 s and $LONG_SECONDS s of real speech; model $(basename "$MODEL"), $THREADS threads"

# Runs a command under GNU time: reports its peak RSS and time (on fd 3, the script's stdout)
# and returns the peak in KiB (on stdout, to be captured).
exec 3>&1
peak_kib() {
    label=$1; shift
    if ! /usr/bin/time -v "$@" > "$WORK/stdout" 2> "$WORK/time"; then
        cat "$WORK/time" >&2
        echo "bench-memory: $label failed" >&2
        exit 1
    fi
    kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$WORK/time")
    wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time")
    awk -v l="$label" -v k="$kib" -v w="$wall" 'BEGIN { printf "  %-44s %9.1f MiB   %s\n", l, k / 1024, w }' >&3
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

if [ "${QUICK:-0}" != 1 ]; then
    full_run=$(peak_kib "transcribe 2 hours, all of it" "$CLI" $FLAGS -f "$WORK/long.wav") || exit 1
    compare "$short_run" "$full_run" "transcribe all"
fi
exit $status
