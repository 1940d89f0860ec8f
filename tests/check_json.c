/* check_json.c -- the json suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_json(void)
{
	return suite_create("json");
}
