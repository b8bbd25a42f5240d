#!/usr/bin/env python3
"""Runs a WASI command module under wasmtime (the `wasmtime` package from PyPI), as
`wasmtime run --dir D module.wasm ARGS...` would: run-wasmtime.py --dir D [--dir D2] module.wasm ARGS...
Standard output and error pass through; the exit status is the module's. On exit it prints the
module's final linear memory size on stderr when WHISPER_WASM_MEMORY is set."""
import os, sys
import wasmtime

def main():
    args = sys.argv[1:]
    dirs = []
    while args and args[0] == "--dir":
        dirs.append(args[1]); args = args[2:]
    module_path, module_args = args[0], args[1:]
    config = wasmtime.Config()
    config.cache = True   # compiled code cached across runs, as the wasmtime command does by default
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    wasi = wasmtime.WasiConfig()
    wasi.argv = ["whisper.wasm"] + module_args
    wasi.inherit_stdout(); wasi.inherit_stderr(); wasi.inherit_stdin()
    for d in dirs:
        wasi.preopen_dir(d, d)
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    module = wasmtime.Module.from_file(engine, module_path)
    instance = linker.instantiate(store, module)
    status = 0
    try:
        instance.exports(store)["_start"](store)
    except wasmtime.ExitTrap as e:
        status = e.code
    except wasmtime.Trap as e:
        sys.stderr.write(f"run-wasmtime: the module trapped: {e}\n")
        status = 134
    if os.environ.get("WHISPER_WASM_MEMORY"):
        memory = instance.exports(store)["memory"]
        sys.stderr.write(f"wasm memory: {memory.data_len(store) / 1048576:.1f} MiB\n")
    sys.stdout.flush()
    sys.exit(status)

main()
