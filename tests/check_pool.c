/* check_pool.c -- the pool suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_pool(void)
{
	return suite_create("pool");
}
