/*
 * fuzz.h -- one entry point per fuzz target.  Built alone with libFuzzer
 * (`make fuzz`) it is LLVMFuzzerTestOneInput; linked into the bounded
 * smoke run of `make check` (tests/fuzz_smoke.c) each target keeps its own
 * name.
 */
#ifndef LABRAT_FUZZ_H
#define LABRAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifdef LABRAT_FUZZ_SMOKE
#define FUZZ_ENTRY(name) int name(const uint8_t *data, size_t size)
#else
#define FUZZ_ENTRY(name) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

int fuzz_space(const uint8_t *data, size_t size);
int fuzz_output(const uint8_t *data, size_t size);
int fuzz_json(const uint8_t *data, size_t size);
int fuzz_shellquote(const uint8_t *data, size_t size);
int fuzz_hosts(const uint8_t *data, size_t size);
int fuzz_worker(const uint8_t *data, size_t size);

#endif
