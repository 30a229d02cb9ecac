/* The issue manifest parser on arbitrary bytes. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz.h"
#include "issue.h"

static void parse_manifest(char *text, size_t len, arena *a, diag *d)
{
    issue is;
    issue_parse("fuzz/issue.yaml", text, len, &is, a, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_parse(data, size, parse_manifest);
}
