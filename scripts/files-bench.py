#!/usr/bin/env python3
"""Many short files side by side (`make bench`; a benchmark, not a test): files per minute with
`-p 1` (one file at a time on all the threads) and `-p N` (N files at a time, their decoder passes
in shared steps), median of RUNS runs in alternation, and whether both printed the same text.

The files are made here, once, into WORKDIR/files: the real-speech set's clips under 30 s (jfk.wav
and the samples `make samples` synthesizes) with 0 to 0.9 s of silence before them, cycled until
there are COUNT (50 by default).

usage: files-bench.py CLI SHARED WORKDIR N MODEL [COUNT]
"""
import importlib.util
import os
import statistics
import subprocess
import sys
import time
import wave

RATE = 16000


def speech_set(shared):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("wer", os.path.join(here, "scripts", "wer.py"))
    wer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wer)
    return wer.speech_set(shared)


def make_files(clips, directory, count):
    os.makedirs(directory, exist_ok=True)
    made = sorted(f for f in os.listdir(directory) if f.endswith(".wav"))
    if len(made) == count:
        return [os.path.join(directory, f) for f in made]
    for f in made:
        os.remove(os.path.join(directory, f))
    paths = []
    for i in range(count):
        name, data = clips[i % len(clips)]
        lead = b"\0\0" * int(RATE * 0.1 * (i % 10))
        path = os.path.join(directory, f"{i:02d}-{name}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(lead + data)
        paths.append(path)
    return paths


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    cli, shared, work, side_by_side, model = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 50
    runs = int(os.environ.get("RUNS", "3"))
    threads = os.environ.get("THREADS", "2")
    clips = []
    for name, path, _text in speech_set(shared):
        with wave.open(path, "rb") as w:
            if w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getnframes() < 30 * RATE:
                clips.append((name, w.readframes(w.getnframes())))
    directory = os.path.join(work, "files")
    paths = make_files(clips, directory, count)
    seconds = sum(os.path.getsize(p) - 44 for p in paths) / 2 / RATE
    print(f"files-bench: {count} files, {seconds:.0f} s of audio from {len(clips)} clips; {threads} threads, median of {runs}")
    base = [cli, "-m", model, "-t", threads, "-np", directory]
    variants = [("-p 1", ["-p", "1"]), (f"-p {side_by_side}", ["-p", side_by_side])]
    times = {label: [] for label, _ in variants}
    outputs = {}
    for _ in range(runs):
        for label, extra in variants:
            start = time.monotonic()
            out = subprocess.run(base + extra, capture_output=True, text=True)
            times[label].append(time.monotonic() - start)
            if out.returncode != 0:
                sys.exit(f"files-bench: {label} failed ({out.returncode}): {out.stderr.strip()[-400:]}")
            outputs[label] = out.stdout
    first = statistics.median(times["-p 1"])
    print(f"  {os.path.basename(model)}")
    for label, _ in variants:
        t = statistics.median(times[label])
        print(f"    {label:<8} {t:7.2f} s   {60 * count / t:6.1f} files/min   {first / t:.2f}x -p 1")
    same = outputs["-p 1"] == outputs[f"-p {side_by_side}"]
    print(f"    same text: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
