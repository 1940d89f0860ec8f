/* check_output.c -- the output suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_output(void)
{
	return suite_create("output");
}
