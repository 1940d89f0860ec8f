/* pool.c -- placeholder until the module lands (see pool.h). */
#include "config.h"

#include "pool.h"
