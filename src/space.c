/* space.c -- placeholder until the module lands (see space.h). */
#include "config.h"

#include "space.h"
