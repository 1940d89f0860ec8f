/* main.c -- the labrat entry point: hand the command line to the table. */
#include "config.h"

#include "cmd.h"

int
main(int argc, char **argv)
{
	return cmd_main(argc, argv);
}
