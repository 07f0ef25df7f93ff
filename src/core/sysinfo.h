/* sysinfo.h: what the machine offers (private to the library). */
#ifndef RMTMC_SYSINFO_H
#define RMTMC_SYSINFO_H

/* Physical memory in bytes (fallback when the system does not say). */
double rmtmc_physical_memory(double fallback);
/* Memory the system can give us now (MemAvailable, else the physical). */
double rmtmc_available_memory(void);

#endif
