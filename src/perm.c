/* perm.c -- placeholder until the module lands (see perm.h). */
#include "config.h"

#include "perm.h"
