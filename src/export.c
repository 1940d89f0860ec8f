/* export.c -- placeholder */
#include "config.h"

#include "export.h"
