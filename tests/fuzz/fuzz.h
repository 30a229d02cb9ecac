/* Fuzz harnesses: each defines LLVMFuzzerTestOneInput. Built with clang
 * and libFuzzer by `make fuzz`; built with replay.c (a plain main that runs
 * every saved input) by `make test`, so saved crashes stay fixed. */
#ifndef BULLETIN_FUZZ_H
#define BULLETIN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
