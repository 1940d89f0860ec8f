/* plot.c -- placeholder */
#include "config.h"

#include "plot.h"
