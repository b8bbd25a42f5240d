#!/usr/bin/env python3
"""examples/web in a real browser: serves the page, whisper.wasm, a model and jfk.wav from a
temporary folder over HTTP, opens the page in headless Chromium, and waits for the transcript the
page reports back (?report=). Run twice: without a memory limit, and with Chromium's WebAssembly
memory capped at 128 MiB (--js-flags=--wasm-max-mem-pages=2048), under which whisper.cpp's wasm
build cannot start. Keeps a screenshot of the finished page.
Usage: browser-check.py WASM MODEL AUDIO EXPECTED_TEXT OUT_DIR"""
import http.server, json, os, shutil, subprocess, sys, tempfile, threading, urllib.parse

wasm, model, audio, expected, out = sys.argv[1:6]
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("browser-check: SKIPPED: no chromium (apt-get install chromium)")
    sys.exit(0)
here = os.path.dirname(os.path.abspath(__file__))
site = tempfile.mkdtemp(prefix="whisper-web-")
for name in ("index.html", "worker.js", "wasi-shim.js"):
    shutil.copy(os.path.join(here, "..", "examples", "web", name), site)
shutil.copy(wasm, os.path.join(site, "whisper.wasm"))
shutil.copy(model, os.path.join(site, "model.bin"))
shutil.copy(audio, os.path.join(site, "audio.wav"))
results = []
done = threading.Event()

class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=site, **k)
    def log_message(self, *a): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        results.append(json.loads(body))
        self.send_response(204); self.end_headers()
        done.set()
    def guess_type(self, path):
        return "application/wasm" if path.endswith(".wasm") else "text/javascript" if path.endswith(".js") else super().guess_type(path)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = f"http://127.0.0.1:{server.server_port}/index.html?model=model.bin&audio=audio.wav&report=/result"
status = 0
for label, flags in (("no limit", []), ("128 MiB limit", ["--js-flags=--wasm-max-mem-pages=2048"])):
    done.clear(); results.clear()
    profile = tempfile.mkdtemp(prefix="whisper-chromium-")
    shot = os.path.join(out, "browser-" + ("limited" if flags else "default") + ".png")
    command = [browser, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
               "--remote-debugging-port=0", *flags, url]
    # Chromium's own scratch folders (org.chromium.Chromium.*) go inside the profile, removed with it.
    environment = {**os.environ, "TMPDIR": profile}
    chromium = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    finished = done.wait(600)
    chromium.terminate(); chromium.wait()
    if finished:
        # The finished page: the same page, showing the result it reported (?replay).
        shown = {"text": results[0].get("text", ""),
                 "status": f"done in {results[0].get('seconds', 0):.1f} s, {results[0].get('memoryMiB', 0):.1f} MiB of WebAssembly memory"}
        replay = url.split("?")[0] + "?replay=" + urllib.parse.quote(json.dumps(shown))
        subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                        f"--screenshot={shot}", "--window-size=1000,700", replay],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120, env=environment)
    shutil.rmtree(profile, ignore_errors=True)
    if not finished:
        print(f"browser-check: FAIL: {label}: no result from the page within 600 s"); status = 1; continue
    r = results[0]
    if r.get("status") == 0 and expected in r.get("text", ""):
        print(f"browser-check: OK: {label}: {r['text'].splitlines()[0][:90]}… in {r['seconds']:.1f} s, "
              f"{r['memoryMiB']:.1f} MiB of wasm memory (screenshot {shot})")
    else:
        print(f"browser-check: FAIL: {label}: {r}"); status = 1
server.shutdown()
shutil.rmtree(site, ignore_errors=True)
sys.exit(status)
