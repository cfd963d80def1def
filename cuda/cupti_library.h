// CuptiLibrary: CUPTI's functions, loaded at run time (dlopen), so that the engine and the
// CLI start on machines without libcupti and only `incept profile --backend cuda` needs it.
// Tries, in order: libcupti.so.<CUDA major>, libcupti.so, and the library CMake found at
// build time (INCEPT_CUPTI_LIBRARY_PATH). Put PyTorch's nvidia-cuda-cupti wheel's lib/ or
// the toolkit's extras/CUPTI/lib64 on LD_LIBRARY_PATH where it lies elsewhere.
//
// Thread-safe: Load() loads once (a function-local static).
#pragma once

#include <cupti.h>

#include <string>

namespace incept {
namespace cuda {

struct CuptiLibrary {
  decltype(&cuptiSubscribe) Subscribe = nullptr;
  decltype(&cuptiUnsubscribe) Unsubscribe = nullptr;
  decltype(&cuptiEnableCallback) EnableCallback = nullptr;
  decltype(&cuptiEnableDomain) EnableDomain = nullptr;
  decltype(&cuptiActivityRegisterCallbacks) ActivityRegisterCallbacks = nullptr;
  decltype(&cuptiActivityEnable) ActivityEnable = nullptr;
  decltype(&cuptiActivityFlushAll) ActivityFlushAll = nullptr;
  decltype(&cuptiActivityGetNextRecord) ActivityGetNextRecord = nullptr;
  decltype(&cuptiActivityGetNumDroppedRecords) ActivityGetNumDroppedRecords = nullptr;
  decltype(&cuptiGetGraphNodeId) GetGraphNodeId = nullptr;
  decltype(&cuptiGetResultString) GetResultString = nullptr;
  std::string path;  // the file loaded

  // The loaded library, or throws incept::Error saying which file or symbol is missing.
  static const CuptiLibrary& Load();
  // Throws incept::Error naming `call` and CUPTI's message unless `result` is success.
  void Check(CUptiResult result, const char* call) const;
};

}  // namespace cuda
}  // namespace incept
