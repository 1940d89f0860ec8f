/* check_plot.c -- the plot suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_plot(void)
{
	return suite_create("plot");
}
