#!/bin/sh
# Heap allocations per decoded token: counts malloc-family calls (every Swift object, array and
# buffer goes through them) during `whisper-cli bench` at two token counts; the difference divided
# by the extra tokens is the per-token figure (0 is the goal).
#
# The count comes from a small malloc interposer loaded with LD_PRELOAD, compiled here with the
# toolchain's clang (no root, no perf uprobes, which many VMs lack).
# Usage: scripts/count-allocations.sh [CLI] [MODEL]
set -u
CLI=${1:-.build/release/whisper-cli}
MODEL=${2:-../shared/models/tiny.en-synthetic-f16.bin}
CC=$(command -v clang || command -v /opt/swift/usr/bin/clang || command -v cc) || {
    echo "count-allocations: needs a C compiler (the Swift toolchain's clang)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/count-allocations.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/count.c" <<'C'
/* Counts calls of malloc, calloc, realloc and posix_memalign; prints the total at exit. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
static unsigned long calls;
static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static int (*next_memalign)(void **, size_t, size_t);
static char bootstrap[4096]; /* dlsym may calloc before next_calloc is known */
void *malloc(size_t n) { if (!next_malloc) next_malloc = dlsym(RTLD_NEXT, "malloc"); __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED); return next_malloc(n); }
void *calloc(size_t a, size_t b) { if (!next_calloc) { static int busy; if (busy) return bootstrap; busy = 1; next_calloc = dlsym(RTLD_NEXT, "calloc"); busy = 0; } __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED); return next_calloc(a, b); }
void *realloc(void *p, size_t n) { if (!next_realloc) next_realloc = dlsym(RTLD_NEXT, "realloc"); __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED); return next_realloc(p, n); }
int posix_memalign(void **p, size_t a, size_t n) { if (!next_memalign) next_memalign = dlsym(RTLD_NEXT, "posix_memalign"); __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED); return next_memalign(p, a, n); }
__attribute__((destructor)) static void report(void) { fprintf(stderr, "malloc-calls %lu\n", calls); }
C
"$CC" -O2 -shared -fPIC "$WORK/count.c" -o "$WORK/count.so" -ldl || { echo "count-allocations: compiling the counter failed" >&2; exit 1; }
count() {
    LD_PRELOAD="$WORK/count.so" "$CLI" bench -m "$MODEL" -t 2 --runs 2 --tokens "$1" 2>&1 >/dev/null |
        awk '/^malloc-calls / {print $2}'
}
few=$(count 32)
many=$(count 160)
if [ -z "$few" ] || [ -z "$many" ]; then
    echo "count-allocations: the counter reported nothing (is $CLI dynamically linked?)" >&2
    exit 1
fi
# 3 decoder runs (1 warm-up + 2 measured) of 128 extra tokens each.
echo "malloc calls: $few (32 tokens a run), $many (160 tokens a run)"
echo "per token: $(( (many - few) / (3 * 128) ))"
