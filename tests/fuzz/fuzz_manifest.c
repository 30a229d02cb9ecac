/* The issue manifest parser on arbitrary bytes. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "issue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    arena *a = arena_new();
    diag *d = diag_new();
    issue is;
    issue_parse("fuzz/issue.yaml", text, size, &is, a, d);
    diag_free(d);
    arena_free(a);
    free(text);
    return 0;
}
