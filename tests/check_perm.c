/* check_perm.c -- the perm suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_perm(void)
{
	return suite_create("perm");
}
