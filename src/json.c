/* json.c -- placeholder until the module lands (see json.h). */
#include "config.h"

#include "json.h"
