/* fuzz_output.c -- fuzz target (placeholder until it lands). */
#include "config.h"

#include "fuzz.h"

FUZZ_ENTRY(fuzz_output)
{
	(void)data;
	(void)size;
	return 0;
}
