/* cmd_info.c -- placeholder */
#include "config.h"

#include "cmd.h"
