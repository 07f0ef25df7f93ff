/* memory.h: how much memory a piece of work may take, checked before
 * anything proportional to the sizes is allocated (private: the model, the
 * studies and the backends share it). */
#ifndef RMTMC_CORE_MEMORY_H
#define RMTMC_CORE_MEMORY_H

#include "rmtmc_status.h"

/* Physical memory in bytes (8 GB when the system does not say). */
double rmtmc_mem_physical(void);

/* Memory the process can use now, in bytes: the smaller of the kernel's
 * MemAvailable (/proc/meminfo) and what the cgroup limit leaves
 * (memory.max - memory.current, cgroup v2); the physical memory when
 * neither is known. */
double rmtmc_mem_available(void);

/* Refuse `bytes` of work that will not fit in the available memory:
 * RMTMC_ERR_TOO_LARGE with "<what> needs X GiB of memory (N bytes), but only
 * Y GiB (M bytes) are available; reduce <reduce>".  A NaN or infinite byte
 * count (sizes that overflow) is refused too.  Never allocates. */
rmtmc_status rmtmc_mem_check(const char *what, double bytes, const char *reduce,
                             rmtmc_error *err);

#endif
