// The few runtime pieces of the WASI module that need C rather than Swift.
// Built with the toolchain's clang: -target wasm32-unknown-unknown -mbulk-memory -O2 -nostdlib.
#include <stddef.h>
#include <stdint.h>

// memcpy, memmove and memset must not be compiled into calls to themselves: with bulk memory,
// clang's builtins become single memory.copy / memory.fill instructions. Swift code compiles its
// copies into calls to these.
void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    __builtin_memcpy(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    __builtin_memmove(dst, src, n);    // memory.copy handles overlap
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    __builtin_memset(dst, c, n);
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

// Swift's stack protector: a fixed guard (no randomness is needed to catch an overflow), and a
// trap when it is hit.
uintptr_t __stack_chk_guard = 0x5741534d;
void __stack_chk_fail(void) { __builtin_trap(); }

// The C allocator's names, over the allocator in Allocator.swift (Swift reserves these names).
void *whisper_allocate(size_t size, size_t alignment);
void whisper_release(void *pointer);
void *whisper_reallocate(void *pointer, size_t size);

void *malloc(size_t size) { return whisper_allocate(size, 16); }
void free(void *pointer) { whisper_release(pointer); }
void *realloc(void *pointer, size_t size) { return whisper_reallocate(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { return whisper_allocate(size, alignment); }

void *calloc(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return 0;
    void *pointer = whisper_allocate(bytes, 16);
    if (pointer) __builtin_memset(pointer, 0, bytes);
    return pointer;
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    void *pointer = whisper_allocate(size, alignment);
    if (!pointer) return 12;   // ENOMEM
    *result = pointer;
    return 0;
}

// Linear memory as the allocator (Allocator.swift) sees it: the first byte past the static data,
// and growing by 64 KiB pages (memory.size / memory.grow have no Swift spelling).
extern unsigned char __heap_base;
uintptr_t whisper_heap_base(void) { return (uintptr_t)&__heap_base; }
uintptr_t whisper_memory_pages(void) { return __builtin_wasm_memory_size(0); }
intptr_t whisper_memory_grow(uintptr_t pages) { return __builtin_wasm_memory_grow(0, pages); }

// Rounding half away from zero (Swift's `rounded()`): WebAssembly has trunc but not this rounding.
double round(double x) {
    double t = __builtin_trunc(x);
    if (__builtin_fabs(x - t) >= 0.5) t += __builtin_copysign(1.0, x);
    return t;
}

float roundf(float x) {
    float t = __builtin_truncf(x);
    if (__builtin_fabsf(x - t) >= 0.5f) t += __builtin_copysignf(1.0f, x);
    return t;
}

// 128-bit multiplication (the compiler's helper; Swift's Double printing uses it).
typedef unsigned __int128 u128;
u128 __multi3(u128 a, u128 b) {
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64), b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
    uint64_t lo0 = (uint32_t)a0 * (uint64_t)(uint32_t)b0;
    uint64_t m1 = (a0 >> 32) * (uint64_t)(uint32_t)b0;
    uint64_t m2 = (uint32_t)a0 * (b0 >> 32);
    uint64_t hi = (a0 >> 32) * (b0 >> 32);
    uint64_t mid = (lo0 >> 32) + (uint32_t)m1 + (uint32_t)m2;
    uint64_t low = (mid << 32) | (uint32_t)lo0;
    hi += (m1 >> 32) + (m2 >> 32) + (mid >> 32);
    hi += a0 * b1 + a1 * b0;
    return ((u128)hi << 64) | low;
}
