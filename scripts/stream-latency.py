#!/usr/bin/env python3
"""Latency and memory of `whisper-cli --stream`, fed through a pipe at real-time pace.

  scripts/stream-latency.py MODEL WAV [--speed S] [--tty] [--repeat N] [--vad VAD_MODEL] [--cli PATH]

Feeds WAV's 16-bit PCM (16 kHz mono) to `whisper-cli --stream -m MODEL -` in 100 ms pieces, S times
real time (1: as a microphone would), then 12 s of silence. Latency: from the moment the audio of
the recording's last word has been written (its end found by `whisper-cli --word-timestamps` on the
file) to the moment that word is printed — on a final line, or with --tty (stdout a terminal, whose
lines are revised in place) on any line. --repeat N feeds the recording N times over (memory over
long streams: the process's resident size is sampled every 10 s and reported).
"""
import argparse, json, os, pty, re, select, subprocess, sys, tempfile, threading, time, wave

p = argparse.ArgumentParser()
p.add_argument("model"); p.add_argument("wav")
p.add_argument("--speed", type=float, default=1.0)
p.add_argument("--tty", action="store_true")
p.add_argument("--repeat", type=int, default=1)
p.add_argument("--vad", metavar="VAD_MODEL", help="stream with --vad and this Silero model (a line per utterance)")
p.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "whisper-cli"))
a = p.parse_args()

def words(text):
    return re.findall(r"[a-z0-9']+", text.lower())

# The last word of the recording and when it ends (seconds into the file).
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([a.cli, "-m", a.model, "-f", a.wav, "--word-timestamps", "-oj", "-of", tmp + "/w", "-np", "-bs", "1"],
                   check=True, stdout=subprocess.DEVNULL)
    segments = json.load(open(tmp + "/w.json"))["transcription"]
last = [w for s in segments for w in s.get("words", [])][-1]
last_word, last_end = words(last["word"])[-1], last["end"]

w = wave.open(a.wav)
assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2, "16 kHz mono 16-bit WAV"
pcm = w.readframes(w.getnframes())
duration = len(pcm) / 32000

command = [a.cli, "--stream", "-m", a.model, "-"] + (["--vad", "-vm", a.vad] if a.vad else [])
if a.tty:
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    out_fd = master
else:
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out_fd = proc.stdout.fileno()

start = time.time()
speech_end_written = []          # wall time at which each repetition's last word was written
rss = []                         # (seconds, MiB)

def feed():
    data = pcm * a.repeat + b"\0\0" * 16000 * 12
    step = 3200
    for i in range(0, len(data), step):
        try:
            proc.stdin.write(data[i:i + step]); proc.stdin.flush()
        except BrokenPipeError:
            return
        fed = (i + step) / 32000
        rep = len(speech_end_written)
        if rep < a.repeat and fed >= rep * duration + last_end:
            speech_end_written.append(time.time())
        due = start + fed / a.speed
        if due > time.time():
            time.sleep(due - time.time())
    proc.stdin.close()

def sample_memory():
    while proc.poll() is None:
        try:
            for line in open(f"/proc/{proc.pid}/status"):
                if line.startswith("VmRSS:"):
                    rss.append((time.time() - start, int(line.split()[1]) / 1024))
        except OSError:
            pass
        time.sleep(10)

threading.Thread(target=feed, daemon=True).start()
threading.Thread(target=sample_memory, daemon=True).start()
err = []
threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True).start()

# Each time the last word shows up after its audio was written: the latency of that repetition.
latencies = []
matched = set()
buffer = b""
while True:
    ready, _, _ = select.select([out_fd], [], [], 0.05)
    if ready:
        try:
            chunk = os.read(out_fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            break
        buffer += chunk
        now = time.time()
        # Final lines end with a newline; on a terminal, a partial line follows the last "\r\x1b[2K".
        text = buffer.decode("utf-8", "replace")
        current = text.split("\n")[-1].split("\x1b[2K")[-1] if a.tty else ""
        done = text.split("\n")[:-1]
        seen = words(" ".join(done[-2:]) + " " + current)
        # Attributed to the latest repetition whose last word has been written (a repetition whose
        # word never shows up — misheard, or cut at a line's edge — counts as missed).
        rep = len(speech_end_written) - 1
        if rep >= 0 and rep not in matched and last_word in seen:
            latencies.append(now - speech_end_written[rep])
            matched.add(rep)
            buffer = b""             # look for the next repetition's word in later text
    elif proc.poll() is not None:
        break
proc.wait()
time.sleep(0.5)                  # the stderr reader's last line
summary = (err[0].decode() if err else "").strip().splitlines()
print(f"{os.path.basename(a.wav)}: {duration:.1f} s x {a.repeat}, fed at {a.speed:g}x real time, stdout {'a terminal' if a.tty else 'a pipe'}{', --vad' if a.vad else ''}")
print("latency, end of the last word -> printed: " + ", ".join(f"{x:.2f} s" for x in latencies)
      + (f" (median {sorted(latencies)[len(latencies) // 2]:.2f} s)" if latencies else " (never printed)")
      + (f"; the word was not found after {a.repeat - len(latencies)} of {a.repeat} repetitions" if len(latencies) < a.repeat else ""))
if rss:
    print(f"resident memory: first {rss[0][1]:.0f} MiB, last {rss[-1][1]:.0f} MiB, max {max(m for _, m in rss):.0f} MiB over {rss[-1][0]:.0f} s")
if summary:
    print(summary[-1])
