// Runs whisper.wasm off the page's thread: receives the model and the audio, posts each line the
// module prints as it prints it, then its exit status and memory.
import { WASIShim } from "./wasi-shim.js";

self.onmessage = async ({ data: { model, audio, modelName } }) => {
  const shim = new WASIShim({
    args: ["whisper.wasm", "-m", "/model.bin", "-f", "/audio.wav"],
    files: { "/model.bin": new Uint8Array(model), "/audio.wav": new Uint8Array(audio) },
    stdout: (line) => self.postMessage({ kind: "segment", line }),
    stderr: (line) => self.postMessage({ kind: "log", line }),
  });
  try {
    const module = await WebAssembly.compileStreaming(fetch("whisper.wasm"));
    const started = performance.now();
    const status = await shim.run(module);
    self.postMessage({ kind: "done", status, seconds: (performance.now() - started) / 1000,
                       memoryMiB: shim.memoryBytes / 1048576, modelName });
  } catch (e) {
    self.postMessage({ kind: "done", status: -1, error: String(e) });
  }
};
