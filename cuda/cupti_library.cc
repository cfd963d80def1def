// CuptiLibrary::Load: dlopen + dlsym of each function, once.
#include "cuda/cupti_library.h"

#include <cuda_runtime_api.h>
#include <dlfcn.h>

#include <vector>

#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

struct Loaded {
  CuptiLibrary library;
  std::string error;  // "" if loaded
};

template <class F>
bool Bind(void* handle, const char* name, F& f, std::string& error) {
  f = reinterpret_cast<F>(dlsym(handle, name));
  if (!f && error.empty()) error = "libcupti has no " + std::string(name);
  return f != nullptr;
}

Loaded LoadOnce() {
  Loaded loaded;
  std::vector<std::string> names = {"libcupti.so." + std::to_string(CUDART_VERSION / 1000),
                                    "libcupti.so"};
#ifdef INCEPT_CUPTI_LIBRARY_PATH
  names.push_back(INCEPT_CUPTI_LIBRARY_PATH);
#endif
  void* handle = nullptr;
  std::string tried;
  for (const std::string& name : names) {
    handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      loaded.library.path = name;
      break;
    }
    const char* why = dlerror();
    tried += (tried.empty() ? "" : "; ") + std::string(why ? why : name.c_str());
  }
  if (!handle) {
    loaded.error = "CUPTI is not available (" + tried +
                   "); install the CUDA toolkit's CUPTI or the nvidia-cuda-cupti wheel and put "
                   "its lib directory on LD_LIBRARY_PATH";
    return loaded;
  }
  CuptiLibrary& l = loaded.library;
  std::string& e = loaded.error;
  Bind(handle, "cuptiSubscribe", l.Subscribe, e);
  Bind(handle, "cuptiUnsubscribe", l.Unsubscribe, e);
  Bind(handle, "cuptiEnableCallback", l.EnableCallback, e);
  Bind(handle, "cuptiEnableDomain", l.EnableDomain, e);
  Bind(handle, "cuptiActivityRegisterCallbacks", l.ActivityRegisterCallbacks, e);
  Bind(handle, "cuptiActivityEnable", l.ActivityEnable, e);
  Bind(handle, "cuptiActivityFlushAll", l.ActivityFlushAll, e);
  Bind(handle, "cuptiActivityGetNextRecord", l.ActivityGetNextRecord, e);
  Bind(handle, "cuptiActivityGetNumDroppedRecords", l.ActivityGetNumDroppedRecords, e);
  Bind(handle, "cuptiGetGraphNodeId", l.GetGraphNodeId, e);
  Bind(handle, "cuptiGetResultString", l.GetResultString, e);
  if (!e.empty()) e = "CUPTI is not usable: " + e + " (" + l.path + ")";
  return loaded;
}

}  // namespace

const CuptiLibrary& CuptiLibrary::Load() {
  static const Loaded loaded = LoadOnce();
  if (!loaded.error.empty()) throw Error(loaded.error);
  return loaded.library;
}

void CuptiLibrary::Check(CUptiResult result, const char* call) const {
  if (result == CUPTI_SUCCESS) return;
  const char* message = nullptr;
  if (GetResultString) GetResultString(result, &message);
  throw Error(std::string("CUPTI: ") + call + " failed: " + (message ? message : "unknown error") +
              " (" + std::to_string(static_cast<int>(result)) + ")");
}

}  // namespace cuda
}  // namespace incept
