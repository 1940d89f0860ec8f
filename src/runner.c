/* runner.c -- placeholder */
#include "config.h"

#include "runner.h"
