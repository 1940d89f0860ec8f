/* output.c -- placeholder until the module lands (see output.h). */
#include "config.h"

#include "output.h"
