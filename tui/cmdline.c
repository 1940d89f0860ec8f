/* cmdline.c -- placeholder */
#include "config.h"

#include "cmdline.h"
