/* The layout template parser on arbitrary bytes. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    arena *a = arena_new();
    diag *d = diag_new();
    template t;
    template_default(&t);
    template_parse(&t, "fuzz/layout.yaml", text, size, a, d);
    diag_free(d);
    arena_free(a);
    free(text);
    return 0;
}
