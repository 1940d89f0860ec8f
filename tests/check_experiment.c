/* check_experiment.c -- the experiment suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_experiment(void)
{
	return suite_create("experiment");
}
