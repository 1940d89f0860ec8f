/* cmd_help.c -- placeholder */
#include "config.h"

#include "cmd.h"
