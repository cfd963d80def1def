// How much host memory an allocation may count on, and the error that says it cannot.
//
// AvailableMemoryBytes() is Linux's MemAvailable (/proc/meminfo: free memory plus what the
// kernel can reclaim without swapping), else the physical memory (sysconf), else -1 when
// neither is known. An allocation larger than that cannot succeed without swapping or the
// OOM killer, and a failing `new` is not dependable under overcommit or sanitizers, so
// callers check the size first and still turn std::bad_alloc into the same Error.
#pragma once

#include <cstdint>
#include <string>

namespace incept {

int64_t AvailableMemoryBytes();

// "50.2 GiB", "312.0 MiB", "4.0 KiB", "12 bytes".
std::string FormatBytes(int64_t bytes);

// Throws Error("<who> needs <bytes> <purpose>, <available> available; <advice>") when
// `bytes` exceeds the available memory, e.g. "batch 100000 needs 50.2 GiB of activations
// (arena), 23.1 GiB available; use a smaller batch". Thread-safe.
void RequireHostMemory(const std::string& who, int64_t bytes, const std::string& purpose,
                       const std::string& advice);

// The message of that Error for an allocation that failed anyway (std::bad_alloc).
std::string AllocationFailure(const std::string& who, int64_t bytes, const std::string& purpose,
                              const std::string& advice);

}  // namespace incept
