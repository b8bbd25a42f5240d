#!/usr/bin/env python3
"""Batched against sequential transcription on a 10-minute recording (`make bench`; a benchmark,
not a test).

The recording is made here, once, into WORKDIR: the real-speech set `make wer` scores (jfk.wav and
the samples `make samples` synthesizes into Samples/, whose texts are known), clips in a fixed
shuffled order with pauses of 0.4 to 1.6 s between them, until 10 minutes are filled; its text is
the clips' texts in the same order. Each model then transcribes it sequentially (default options:
beam 5, previous-text context; and greedy, -bs 1) and batched (--batch N: beam 5, and greedy; no
context), RUNS times in alternation; the script prints the median wall times, the throughput ratio
and, for the real tiny.en, the word error rate of each against the known text.

usage: batch-bench.py CLI SHARED WORKDIR BATCH MODEL...
"""
import importlib.util
import os
import random
import statistics
import subprocess
import sys
import time
import wave

RATE = 16000
LENGTH = 600.0


def load_wer(here):
    spec = importlib.util.spec_from_file_location("wer", os.path.join(here, "scripts", "wer.py"))
    wer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wer)
    return wer


def pcm(path):
    with wave.open(path, "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"batch-bench: {path} is not 16 kHz mono 16-bit")
        return w.readframes(w.getnframes())


def make_recording(found, path):
    rng = random.Random(7)
    audio = [(pcm(p), text) for p, text in found]
    pieces, texts, samples = [], [], 0
    while samples < LENGTH * RATE:
        order = list(range(len(audio)))
        rng.shuffle(order)
        for i in order:
            data, text = audio[i]
            pause = int(rng.uniform(0.4, 1.6) * RATE)
            pieces += [data, b"\0\0" * pause]
            texts.append(text)
            samples += len(data) // 2 + pause
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(pieces))
    return " ".join(texts), samples / RATE


def run(command):
    start = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if out.returncode != 0:
        sys.exit(f"batch-bench: {' '.join(command)} failed ({out.returncode}): {out.stderr.strip()[-400:]}")
    return elapsed, out.stdout


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    cli, shared, work, batch = sys.argv[1:5]
    models = sys.argv[5:]
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runs = int(os.environ.get("RUNS", "3"))
    threads = os.environ.get("THREADS", "2")
    vad = os.path.join(shared, "models", "silero-v6.2.0-ggml.bin")
    if not os.path.exists(vad):
        print(f"batch-bench: {vad} is absent: no batched figures")
        return
    wer = load_wer(here)
    found = [(path, text) for _name, path, text in wer.speech_set(shared)]
    if len(found) == 1:
        print("batch-bench: no synthesized samples in Samples/ (make samples): the recording repeats jfk.wav alone")
    os.makedirs(work, exist_ok=True)
    recording = os.path.join(work, "speech-10min.wav")
    reference, seconds = make_recording(found, recording)
    print(f"batch-bench: {recording}: {seconds:.0f} s of {len(found)} clips with pauses; {threads} threads, median of {runs}")
    for model in models:
        real = os.path.basename(model) == "ggml-tiny.en.bin"
        base = [cli, "-m", model, "-f", recording, "-t", threads, "-np", "-nt"]
        # Synthetic weights write no sensible text: every window would fail the checks and be decoded
        # again at every temperature, so they are timed without the fallback (-nf), either way.
        if not real:
            base.append("-nf")
        ways = [("sequential", base), ("sequential -bs 1", base + ["-bs", "1"]),
                (f"--batch {batch}", base + ["--batch", batch, "-vm", vad]),
                (f"--batch {batch} -bs 1", base + ["--batch", batch, "-vm", vad, "-bs", "1"])]
        times = {name: [] for name, _ in ways}
        texts = {}
        for _ in range(runs):
            for name, command in ways:
                elapsed, texts[name] = run(command)
                times[name].append(elapsed)
        print(f"  {os.path.basename(model)}" + ("" if real else " (synthetic weights, -nf)"))
        sequential = statistics.median(times["sequential"])
        for name, _ in ways:
            median = statistics.median(times[name])
            line = f"    {name:<20} {median:7.2f} s  {seconds / median:6.1f}x real time  throughput {sequential / median:4.2f}x sequential"
            if real:
                ref, hyp = wer.normalise(reference), wer.normalise(texts[name])
                line += f"  WER {100 * wer.edit_distance(ref, hyp) / max(1, len(ref)):5.2f} %"
            print(line)


if __name__ == "__main__":
    main()
