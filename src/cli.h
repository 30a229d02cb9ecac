#ifndef BULLETIN_CLI_H
#define BULLETIN_CLI_H
/* The commands behind `bulletin`: each takes its arguments (after the
 * command name) and a diag, and returns the exit status. Also where data
 * files (layouts/, fonts/) are found. */

#include "diag.h"

#define BULLETIN_VERSION "0.1.0"

int cmd_build(int argc, char **argv, diag *d);
int cmd_fonts(int argc, char **argv, diag *d);
int cmd_check(int argc, char **argv, diag *d);
int cmd_compile(int argc, char **argv, diag *d);
int cmd_import(int argc, char **argv, diag *d);

/* Directory holding layouts/ and fonts/: $BULLETIN_DATADIR, else the
 * installed share directory, else the source tree the binary sits in.
 * Returned string is static. */
const char *cli_datadir(void);
/* The fontconfig file with the project's role aliases (malloc'd). */
char *cli_fonts_conf(void);
/* Options every command that reads an issue takes: --max-pages N,
 * --max-image-pixels N, --max-input-bytes N, --allow-outside,
 * --input-encoding tcvn3|vni. Returns 1 when argv[*i] was one (and
 * advances *i past its value), 0 when not, -1 after a usage error. */
int cli_common_option(int argc, char **argv, int *i, diag *d);

/* Resolves a layout NAME (layouts/NAME.yaml) or FILE; malloc'd or NULL. */
char *cli_layout_path(const char *name_or_file, const char *relative_to);

#endif
