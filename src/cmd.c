/* cmd.c -- placeholder */
#include "config.h"

#include "cmd.h"

int
cmd_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
