/* The layout template parser on arbitrary bytes. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "template.h"

static void parse_template(char *text, size_t len, arena *a, diag *d)
{
    template t;
    template_default(&t);
    template_parse(&t, "fuzz/layout.yaml", text, len, a, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(data, size, parse_template);
}
