/* sysinfo.c: physical and available memory (sysinfo.h). */
#include "core/sysinfo.h"

#include <stdio.h>
#include <unistd.h>

double rmtmc_physical_memory(double fallback) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : fallback;
}

double rmtmc_available_memory(void) {
  FILE *f = fopen("/proc/meminfo", "r");
  double kb = 0.0;
  if (f) {
    char line[256];
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) break;
    fclose(f);
  }
  return kb > 0.0 ? kb * 1024.0 : rmtmc_physical_memory(0.0);
}
