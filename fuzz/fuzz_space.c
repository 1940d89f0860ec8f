/* fuzz_space.c -- fuzz target (placeholder until it lands). */
#include "config.h"

#include "fuzz.h"

FUZZ_ENTRY(fuzz_space)
{
	(void)data;
	(void)size;
	return 0;
}
