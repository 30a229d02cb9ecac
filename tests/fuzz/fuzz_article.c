/* Front matter and Markdown to blocks, on arbitrary bytes. Images are not
 * opened (no file system access from fuzz input). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "article.h"
#include "fuzz.h"

static void parse_article(char *text, size_t len, arena *a, diag *d)
{
    article art;
    article_parse("fuzz/articles/a.md", NULL, text, len, false, &art, a, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(data, size, parse_article);
}
