#!/usr/bin/env python3
"""Embeds whisper.wasm with wasmtime's Python API: hands it a model and a WAV file, collects the
segments it prints. Usage: transcribe.py whisper.wasm MODEL.bin AUDIO.wav  (pip install wasmtime)"""
import os, re, sys, tempfile
import wasmtime

SEGMENT = re.compile(r"^\[(\d\d):(\d\d):(\d\d\.\d\d\d) --> (\d\d):(\d\d):(\d\d\.\d\d\d)\]  (.*)$")

def seconds(h, m, s):
    return int(h) * 3600 + int(m) * 60 + float(s)

def transcribe(module_path, model, audio):
    """[(start, end, text)] for `audio`, transcribed by the module with `model`."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    with tempfile.TemporaryDirectory() as out:
        wasi = wasmtime.WasiConfig()
        wasi.argv = ["whisper.wasm", "-m", os.path.abspath(model), "-f", os.path.abspath(audio)]
        for folder in {os.path.dirname(os.path.abspath(model)), os.path.dirname(os.path.abspath(audio))}:
            wasi.preopen_dir(folder, folder)            # the module sees only these folders
        wasi.stdout_file = os.path.join(out, "stdout.txt")
        wasi.inherit_stderr()
        store.set_wasi(wasi)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        instance = linker.instantiate(store, wasmtime.Module.from_file(engine, module_path))
        try:
            instance.exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            if e.code != 0:
                raise RuntimeError(f"whisper.wasm exited with status {e.code}")
        with open(os.path.join(out, "stdout.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
    segments = []
    for line in lines:
        m = SEGMENT.match(line)
        if m:
            segments.append((seconds(*m.group(1, 2, 3)), seconds(*m.group(4, 5, 6)), m.group(7)))
    return segments

if __name__ == "__main__":
    for start, end, text in transcribe(*sys.argv[1:4]):
        print(f"{start:7.2f} {end:7.2f} {text}")
