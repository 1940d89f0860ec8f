/* check_summary.c -- the summary suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_summary(void)
{
	return suite_create("summary");
}
