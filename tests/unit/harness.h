/* Tiny test harness: each CHECK prints "ok - name" or "not ok - name";
 * tests/run.sh counts the lines. */
#ifndef BULLETIN_TEST_HARNESS_H
#define BULLETIN_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failed;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (cond) {                                                                        \
            printf("ok - ");                                                               \
        } else {                                                                           \
            printf("not ok - ");                                                           \
            harness_failed++;                                                              \
        }                                                                                  \
        printf(__VA_ARGS__);                                                               \
        if (!(cond))                                                                       \
            printf(" (%s:%d: %s)", __FILE__, __LINE__, #cond);                             \
        printf("\n");                                                                      \
    } while (0)

/* True when some recorded message contains needle. */
#define DIAG_HAS(d, needle) harness_diag_has((d), (needle))

#include "diag.h"
static inline int harness_diag_has(const diag *d, const char *needle)
{
    for (int i = 0; diag_message(d, i); i++)
        if (strstr(diag_message(d, i), needle))
            return 1;
    return 0;
}

static inline void harness_dump(const diag *d)
{
    for (int i = 0; diag_message(d, i); i++)
        fprintf(stderr, "  diag: %s\n", diag_message(d, i));
}

#endif
