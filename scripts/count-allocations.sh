#!/bin/sh
# Heap allocations per decoded token: counts libc malloc calls (every Swift object, array and
# buffer goes through it) with a perf uprobe during `whisper-cli bench` at two token counts;
# the difference divided by the extra tokens is the per-token figure (0 is the goal).
# Needs perf and root (uprobes). Usage: scripts/count-allocations.sh [CLI] [MODEL]
CLI=${1:-.build/release/whisper-cli}
MODEL=${2:-../shared/models/tiny.en-synthetic-f16.bin}
LIBC=$(ldd "$CLI" | awk '/libc\.so/ {print $3}')
if ! command -v perf >/dev/null || [ -z "$LIBC" ]; then
    echo "count-allocations: needs perf and a dynamically linked libc" >&2
    exit 1
fi
perf probe -q -x "$LIBC" -a malloc 2>/dev/null || true
count() {
    perf stat -x, -e probe_libc:malloc "$CLI" bench -m "$MODEL" -t 2 --runs 2 --tokens "$1" 2>&1 >/dev/null |
        awk -F, '/probe_libc:malloc/ {print $1}'
}
few=$(count 32)
many=$(count 160)
if [ -z "$few" ] || [ -z "$many" ]; then
    echo "count-allocations: perf could not count malloc calls (root needed for uprobes)" >&2
    exit 1
fi
# 3 decoder runs (1 warm-up + 2 measured) of 128 extra tokens each.
echo "malloc calls: $few (32 tokens a run), $many (160 tokens a run)"
echo "per token: $(( (many - few) / (3 * 128) ))"
