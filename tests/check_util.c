/* check_util.c -- the util suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_util(void)
{
	return suite_create("util");
}
