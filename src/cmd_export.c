/* cmd_export.c -- placeholder */
#include "config.h"

#include "cmd.h"
