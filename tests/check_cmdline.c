/* check_cmdline.c -- the cmdline suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_cmdline(void)
{
	return suite_create("cmdline");
}
