/* version.c: version string. */
#include "rmtmc.h"

const char *rmtmc_version(void) { return RMTMC_VERSION; }
