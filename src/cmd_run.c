/* cmd_run.c -- placeholder */
#include "config.h"

#include "cmd.h"
