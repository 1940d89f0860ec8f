/* experiment.c -- placeholder */
#include "config.h"

#include "experiment.h"
