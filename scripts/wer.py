#!/usr/bin/env python3
"""`make wer`: word error rate of whisper-cli on real speech with known text.

Transcribes the samples `make samples` synthesizes (their texts are in Samples/texts.tsv) and
../shared/samples/jfk.wav with the real tiny.en and with quantized copies of it made by
`whisper-cli quantize`, and prints the word error rate per file and in total (edits over
reference words, after normalising both sides). A benchmark, not a test.

The normaliser follows the spirit of Whisper's English normaliser: lower case, no punctuation,
"$89.99" as "89 dollars 99 cents", ordinals as numbers, and runs of number words as digits
("two hundred and five" -> "205"), so "9:30" and "nine thirty" both become "9 30".

usage: wer.py CLI SHARED WORKDIR [MODEL_TYPES...]   (types: f16 q8_0 q5_1 q5_0 q4_1 q4_0)
"""
import os
import re
import subprocess
import sys

UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINALS = {"first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight", "ninth": "nine",
            "twelfth": "twelve"}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1000000}
FILLERS = {"uh", "um", "hmm", "mm", "ah", "er"}
ABBREVIATIONS = {"dr": "doctor", "mr": "mister", "mrs": "missus", "st": "saint", "vs": "versus"}
BRITISH = {"travelled": "traveled", "colour": "color", "centre": "center", "favourite": "favorite"}


def cardinal(word):
    """The cardinal number word for an ordinal word (fourteenth -> fourteen), else the word."""
    if word in ORDINALS:
        return ORDINALS[word]
    if word.endswith("ieth") and word[:-4] + "y" in TENS:
        return word[:-4] + "y"
    if word.endswith("th") and (word[:-2] in UNITS or word[:-2] in SCALES):
        return word[:-2]
    return word


def number_value(word):
    word = cardinal(word)
    if word in UNITS:
        return ("unit", UNITS.index(word))
    if word in TENS[2:]:
        return ("tens", TENS.index(word) * 10)
    if word in SCALES:
        return ("scale", SCALES[word])
    return None


def words_to_digits(words):
    out, i = [], 0
    while i < len(words):
        if number_value(words[i]) is None:
            out.append(words[i])
            i += 1
            continue
        total, current, last = 0, 0, None
        while i < len(words):
            v = number_value(words[i])
            if v is None:
                # "and" inside a number ("two hundred and five") belongs to it.
                if words[i] == "and" and last == "scale" and i + 1 < len(words) and number_value(words[i + 1]):
                    i += 1
                    continue
                break
            kind, value = v
            if kind == "scale":
                current = max(current, 1) * value
                if value >= 1000:
                    total, current = total + current, 0
            elif kind == "tens":
                if last in ("unit", "tens"):
                    break   # "nine thirty": two numbers
                current += value
            else:
                if last == "unit" or (last == "tens" and value >= 10):
                    break
                current += value
            last = kind
            i += 1
        out.append(str(total + current))
    return out


def normalise(text):
    text = text.lower()
    text = re.sub(r"\$(\d+)(?:\.(\d\d))?", lambda m: m.group(1) + " dollars" + (" and " + m.group(2) + " cents" if m.group(2) else ""), text)
    text = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    text = text.replace("%", " percent").replace("&", " and ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text).replace("'", "")
    words = [BRITISH.get(ABBREVIATIONS.get(w, w), ABBREVIATIONS.get(w, w)) for w in text.split() if w not in FILLERS]
    words = words_to_digits(words)
    # "200 and 5" (digits as some transcripts write "two hundred and five") is one number.
    out = []
    for w in words:
        if len(out) >= 2 and out[-1] == "and" and w.isdigit() and out[-2].isdigit() \
                and out[-2].endswith("00") and int(w) < 100:
            out[-2:] = [str(int(out[-2]) + int(w))]
        else:
            out.append(w)
    return out


def edit_distance(ref, hyp):
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[len(hyp)]


def speech_set(shared):
    """The real-speech set, (name, path, text) each: jfk.wav, and the samples `make samples` made."""
    samples = [("jfk", os.path.join(shared, "samples", "jfk.wav"),
                "And so my fellow Americans ask not what your country can do for you ask what you can do for your country")]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for line in open(os.path.join(here, "Samples", "texts.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, _voice, _speed, text = line.rstrip("\n").split("\t")
        path = os.path.join(here, "Samples", name + ".wav")
        if os.path.exists(path):
            samples.append((name, path, text))
    return samples


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    cli, shared, work = sys.argv[1:4]
    types = sys.argv[4:] or ["f16", "q8_0", "q5_1", "q5_0", "q4_1", "q4_0"]
    real = os.path.join(shared, "models", "ggml-tiny.en.bin")
    if not os.path.exists(real):
        sys.exit(f"wer: {real} is absent")
    samples = speech_set(shared)
    if len(samples) == 1:
        print("wer: no synthesized samples in Samples/ (run 'make samples'): scoring jfk.wav alone", file=sys.stderr)
    os.makedirs(work, exist_ok=True)
    totals = {}
    print(f"{'file':<12} {'words':>5}  " + "  ".join(f"{t:>6}" for t in types))
    results = {}
    for t in types:
        model = real
        if t != "f16":
            model = os.path.join(work, f"ggml-tiny.en-{t}.bin")
            if not os.path.exists(model):
                subprocess.run([cli, "quantize", real, model, t], check=True, stderr=subprocess.DEVNULL)
        for name, path, text in samples:
            out = subprocess.run([cli, "-m", model, "-f", path, "-nt", "-np", "-t", "2"], capture_output=True, text=True)
            ref, hyp = normalise(text), normalise(out.stdout)
            edits = edit_distance(ref, hyp)
            results[(t, name)] = (edits, len(ref), out.stdout.strip())
            e, n = totals.get(t, (0, 0))
            totals[t] = (e + edits, n + len(ref))
    for name, _path, text in samples:
        n = len(normalise(text))
        print(f"{name:<12} {n:>5}  " + "  ".join(f"{100 * results[(t, name)][0] / max(1, n):>5.1f}%" for t in types))
    print(f"{'total':<12} {totals[types[0]][1]:>5}  " + "  ".join(f"{100 * totals[t][0] / max(1, totals[t][1]):>5.1f}%" for t in types))
    if os.environ.get("WER_VERBOSE"):
        for (t, name), (edits, n, hyp) in sorted(results.items()):
            print(f"{t} {name}: {edits}/{n}: {hyp}")


if __name__ == "__main__":
    main()
