/* A plain main for the fuzz harnesses: runs every file named on the command
 * line (or in the folders named) through LLVMFuzzerTestOneInput, printing
 * "ok - NAME: N inputs" so saved corpora and crashes replay in make test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "util.h"

static int run_file(const char *path)
{
    size_t len;
    char *data = read_file(path, 64u << 20, &len);
    if (!data)
        return 0;
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 1;
}

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "fuzz";
    int n = 0;
    for (int i = 2; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            n += run_file(argv[i]);
            continue;
        }
        DIR *dh = opendir(argv[i]);
        struct dirent *e;
        while (dh && (e = readdir(dh))) {
            if (e->d_name[0] == '.')
                continue;
            char *p = xasprintf("%s/%s", argv[i], e->d_name);
            n += run_file(p);
            free(p);
        }
        if (dh)
            closedir(dh);
    }
    printf("%s - replay %s: %d saved inputs ran without a crash\n", n > 0 ? "ok" : "not ok", name, n);
    return n > 0 ? 0 : 1;
}
