// See memory_budget.h.
#include "host/memory_budget.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "graph/error.h"

namespace incept {

int64_t AvailableMemoryBytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string line;
  while (std::getline(meminfo, line)) {
    std::istringstream fields(line);
    std::string key, unit;
    int64_t kib = -1;
    if (fields >> key >> kib >> unit && key == "MemAvailable:" && kib >= 0) return kib * 1024;
  }
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0) return static_cast<int64_t>(pages) * page_size;
  return -1;
}

std::string FormatBytes(int64_t bytes) {
  static const char* const kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double value = static_cast<double>(bytes) / 1024;
  int unit = 0;
  while (value >= 1024 && unit < 3) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

void RequireHostMemory(const std::string& who, int64_t bytes, const std::string& purpose,
                       const std::string& advice) {
  const int64_t available = AvailableMemoryBytes();
  if (available >= 0 && bytes > available)
    throw Error(who + " needs " + FormatBytes(bytes) + " " + purpose + ", " +
                FormatBytes(available) + " available; " + advice);
}

std::string AllocationFailure(const std::string& who, int64_t bytes, const std::string& purpose,
                              const std::string& advice) {
  const int64_t available = AvailableMemoryBytes();
  return who + " needs " + FormatBytes(bytes) + " " + purpose + ", which could not be allocated" +
         (available >= 0 ? " (" + FormatBytes(available) + " available)" : "") + "; " + advice;
}

}  // namespace incept
