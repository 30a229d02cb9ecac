/* Front matter and Markdown to blocks, on arbitrary bytes. Images are not
 * opened (no file system access from fuzz input). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "article.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    arena *a = arena_new();
    diag *d = diag_new();
    article art;
    article_parse("fuzz/articles/a.md", NULL, text, size, false, &art, a, d);
    diag_free(d);
    arena_free(a);
    free(text);
    return 0;
}
