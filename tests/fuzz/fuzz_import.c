/* The importer on arbitrary bytes: the first byte picks scraped text or a
 * web page. Whatever it reads, the article it would write must parse back
 * as an article without an error (YAML and Markdown escaping hold). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    char path[] = "/tmp/bulletin-fuzz-import-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
        abort();
    close(fd);
    diag *d = diag_new();
    imported_article im = {.input = path, .unit = "line"};
    buf_init(&im.report);
    bool ok = data[0] & 1 ? import_read_html(&im, path, d) : import_read_text(&im, path, d);
    unlink(path);
    if (ok && im.title) {
        /* What it would write parses as an article, unless the text still
         * looks like a legacy encoding (refused with a clear error). */
        char *text = import_checked_text(&im, "fuzz.md", d);
        for (int i = 0; !text && diag_message(d, i); i++)
            if (strstr(diag_message(d, i), "would not build") &&
                !strstr(diag_message(d, i), "legacy")) {
                diag_print(d, stderr);
                abort();
            }
        free(text);
    }
    import_free(&im);
    diag_free(d);
    return 0;
}
