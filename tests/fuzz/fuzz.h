/* Fuzz harnesses: each defines LLVMFuzzerTestOneInput. Built with clang
 * and libFuzzer by `make fuzz`; built with replay.c (a plain main that runs
 * every saved input) by `make test`, so saved crashes stay fixed. */
#ifndef BULLETIN_FUZZ_H
#define BULLETIN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"

/* The parser harnesses: the input as NUL-terminated text, with a fresh
 * arena and diagnostics, all freed afterwards. */
typedef void fuzz_parser(char *text, size_t len, arena *a, diag *d);

static inline int fuzz_parse(const uint8_t *data, size_t size, fuzz_parser *parse)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    arena *a = arena_new();
    diag *d = diag_new();
    parse(text, size, a, d);
    diag_free(d);
    arena_free(a);
    free(text);
    return 0;
}

#endif
