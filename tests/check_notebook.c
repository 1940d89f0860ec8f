/* check_notebook.c -- the notebook suite (placeholder until its tests land). */
#include "config.h"

#include "check_suites.h"

Suite *
suite_notebook(void)
{
	return suite_create("notebook");
}
