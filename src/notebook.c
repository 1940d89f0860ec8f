/* notebook.c -- placeholder until the module lands (see notebook.h). */
#include "config.h"

#include "notebook.h"
