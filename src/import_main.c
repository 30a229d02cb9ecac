/* bulletin-import: `bulletin import` as a program of its own, so that the
 * libraries only importing needs (libzip, libxml2 and what they pull in:
 * OpenSSL's libcrypto, liblzma) are not loaded by every `bulletin build`
 * (2 ms of a 35 ms build). bulletin runs it with the arguments after
 * "import". */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "diag.h"

int main(int argc, char **argv)
{
    diag *d = diag_new();
    int status = cmd_import(argc - 1, argv + 1, d);
    diag_print(d, stderr);
    if (status == 0)
        status = diag_exit_status(d);
    diag_free(d);
    return status;
}
