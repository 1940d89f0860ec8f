/* check_space.c -- the space suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_space(void)
{
	return suite_create("space");
}
