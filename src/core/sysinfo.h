/* sysinfo.h: what the machine offers, and the one memory check every study
 * runs before it allocates anything proportional to the user's sizes
 * (private to the library). */
#ifndef RMTMC_SYSINFO_H
#define RMTMC_SYSINFO_H

#include "rmtmc_status.h"

/* Physical memory in bytes (fallback when the system does not say). */
double rmtmc_physical_memory(double fallback);
/* Memory the process can use now, in bytes: the smaller of the kernel's
 * MemAvailable (/proc/meminfo) and what the cgroup limit leaves
 * (memory.max - memory.current, cgroup v2); the physical memory when
 * neither is known. */
double rmtmc_available_memory(void);

/* Refuse `bytes` of work that will not fit in the available memory:
 * RMTMC_ERR_TOO_LARGE (bad input, exit code 2) with "<what> needs X GiB of
 * memory (N bytes), but only Y GiB (M bytes) are available; reduce
 * <reduce>".  A NaN or infinite byte count (sizes whose product overflows)
 * is refused too.  Never allocates; takes microseconds. */
rmtmc_status rmtmc_mem_check(const char *what, double bytes, const char *reduce, rmtmc_error *err);

#endif
