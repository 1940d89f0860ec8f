/* summary.c -- placeholder */
#include "config.h"

#include "summary.h"
