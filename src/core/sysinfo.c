/* sysinfo.c: physical and available memory, the memory check (sysinfo.h). */
#include "core/sysinfo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

double rmtmc_physical_memory(double fallback) {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (double)pages * (double)size : fallback;
}

/* One number from a small text file; -1 when absent or "max". */
static double read_number(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return -1.0;
  char buf[64] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  double v;
  if (strncmp(buf, "max", 3) == 0 || sscanf(buf, "%lf", &v) != 1 || !(v >= 0)) return -1.0;
  return v;
}

double rmtmc_available_memory(void) {
  double avail = -1.0;
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    double kb;
    while (fgets(line, sizeof line, f))
      if (sscanf(line, "MemAvailable: %lf kB", &kb) == 1) {
        avail = kb * 1024.0;
        break;
      }
    fclose(f);
  }
  if (!(avail > 0)) avail = rmtmc_physical_memory(8e9);
  double max = read_number("/sys/fs/cgroup/memory.max");
  if (max >= 0) {
    double cur = read_number("/sys/fs/cgroup/memory.current");
    double left = max - (cur > 0 ? cur : 0.0);
    if (left < 0) left = 0;
    if (left < avail) avail = left;
  }
  return avail;
}

rmtmc_status rmtmc_mem_check(const char *what, double bytes, const char *reduce, rmtmc_error *err) {
  double avail = rmtmc_available_memory();
  if (bytes <= avail) return RMTMC_OK;
  if (!isfinite(bytes))
    return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                           "%s needs more memory than any machine has (the sizes overflow); reduce %s", what, reduce);
  return rmtmc_error_set(err, RMTMC_ERR_TOO_LARGE,
                         "%s needs %.3g GiB of memory (%.0f bytes), but only %.3g GiB (%.0f bytes) are available; "
                         "reduce %s",
                         what, bytes / 1073741824.0, bytes, avail / 1073741824.0, avail, reduce);
}
