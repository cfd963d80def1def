// CuptiTracer: subscription, callbacks, activity buffers.
#include "cuda/cupti_profiler.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "cuda/cupti_library.h"
#include "cuda/launch_tag.h"
#include "graph/error.h"

namespace incept {
namespace cuda {
namespace {

constexpr size_t kBufferBytes = size_t{4} << 20;
constexpr size_t kBufferAlignment = 8;  // CUPTI's requirement
constexpr size_t kMaxNameLength = 200;

std::string Demangle(const char* name) {
  if (!name) return "?";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> plain(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                               std::free);
  std::string out = status == 0 && plain ? plain.get() : name;
  if (out.size() > kMaxNameLength) out = out.substr(0, kMaxNameLength) + "...";
  return out;
}

void CUPTIAPI OnCallback(void* userdata, CUpti_CallbackDomain domain, CUpti_CallbackId id,
                         const void* data) {
  auto* tracer = static_cast<CuptiTracer*>(userdata);
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  if (domain == CUPTI_CB_DOMAIN_RESOURCE) {
    const auto* resource = static_cast<const CUpti_ResourceData*>(data);
    const auto* graph = static_cast<const CUpti_GraphData*>(resource->resourceDescriptor);
    if (!graph) return;
    if (id == CUPTI_CBID_RESOURCE_GRAPHNODE_CREATED) {
      const profile::LaunchTag* tag = CurrentLaunchTag();
      uint64_t node = 0;
      if (tag && cupti.GetGraphNodeId(graph->node, &node) == CUPTI_SUCCESS)
        tracer->map().OnGraphNodeCreated(node, *tag);
    } else if (id == CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED) {
      uint64_t original = 0, clone = 0;
      if (cupti.GetGraphNodeId(graph->originalNode, &original) == CUPTI_SUCCESS &&
          cupti.GetGraphNodeId(graph->node, &clone) == CUPTI_SUCCESS)
        tracer->map().OnGraphNodeCloned(original, clone);
    }
    return;
  }
  if (domain == CUPTI_CB_DOMAIN_RUNTIME_API || domain == CUPTI_CB_DOMAIN_DRIVER_API) {
    const auto* call = static_cast<const CUpti_CallbackData*>(data);
    const profile::LaunchTag* tag = CurrentLaunchTag();
    if (tag && call->callbackSite == CUPTI_API_ENTER)
      tracer->map().OnApiCall(call->correlationId, *tag);
  }
}

void CUPTIAPI OnBufferRequested(uint8_t** buffer, size_t* size, size_t* max_records) {
  *buffer = static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, kBufferBytes));
  *size = *buffer ? kBufferBytes : 0;
  *max_records = 0;  // as many as fit
}

template <class Record>
TracedActivity Convert(const Record& r, ActivityKind kind) {
  TracedActivity a;
  a.kind = kind;
  a.start_ns = r.start;
  a.end_ns = r.end;
  a.stream = r.streamId;
  a.correlation = r.correlationId;
  a.graph_node = r.graphNodeId;
  return a;
}

// CUPTI fills records of its own version; the fields read here (start, end, streamId,
// correlationId, name, graphNodeId) lie at the same offsets in CUpti_ActivityKernel7..10
// and CUpti_ActivityMemcpy5..6, so a newer or older libcupti reads the same.
void CUPTIAPI OnBufferCompleted(CUcontext context, uint32_t stream, uint8_t* buffer, size_t,
                                size_t valid) {
  CuptiTracer& tracer = CuptiTracer::Instance();
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  CUpti_Activity* record = nullptr;
  while (cupti.ActivityGetNextRecord(buffer, valid, &record) == CUPTI_SUCCESS) {
    switch (record->kind) {
      case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
      case CUPTI_ACTIVITY_KIND_KERNEL: {
        const auto& k = *reinterpret_cast<const CUpti_ActivityKernel10*>(record);
        TracedActivity a = Convert(k, ActivityKind::kKernel);
        a.name = Demangle(k.name);
        tracer.AddRecord(std::move(a));
        break;
      }
      case CUPTI_ACTIVITY_KIND_MEMCPY: {
        TracedActivity a =
            Convert(*reinterpret_cast<const CUpti_ActivityMemcpy6*>(record), ActivityKind::kMemcpy);
        a.name = "[memcpy]";
        tracer.AddRecord(std::move(a));
        break;
      }
      case CUPTI_ACTIVITY_KIND_MEMSET: {
        TracedActivity a =
            Convert(*reinterpret_cast<const CUpti_ActivityMemset4*>(record), ActivityKind::kMemset);
        a.name = "[memset]";
        tracer.AddRecord(std::move(a));
        break;
      }
      default:
        break;
    }
  }
  size_t dropped = 0;
  if (cupti.ActivityGetNumDroppedRecords(context, stream, &dropped) == CUPTI_SUCCESS)
    tracer.AddDropped(dropped);
  std::free(buffer);
}

constexpr CUpti_ActivityKind kTracedKinds[] = {
    CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL, CUPTI_ACTIVITY_KIND_MEMCPY, CUPTI_ACTIVITY_KIND_MEMSET};

}  // namespace

CuptiTracer::CuptiTracer() {
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  CUpti_SubscriberHandle subscriber = nullptr;
  cupti.Check(cupti.Subscribe(&subscriber, reinterpret_cast<CUpti_CallbackFunc>(&OnCallback), this),
              "cuptiSubscribe (is another profiler attached?)");
  cupti.Check(cupti.EnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                                   CUPTI_CBID_RESOURCE_GRAPHNODE_CREATED),
              "cuptiEnableCallback(GRAPHNODE_CREATED)");
  cupti.Check(cupti.EnableCallback(1, subscriber, CUPTI_CB_DOMAIN_RESOURCE,
                                   CUPTI_CBID_RESOURCE_GRAPHNODE_CLONED),
              "cuptiEnableCallback(GRAPHNODE_CLONED)");
  cupti.Check(cupti.EnableDomain(1, subscriber, CUPTI_CB_DOMAIN_RUNTIME_API),
              "cuptiEnableDomain(RUNTIME_API)");
  cupti.Check(cupti.EnableDomain(1, subscriber, CUPTI_CB_DOMAIN_DRIVER_API),
              "cuptiEnableDomain(DRIVER_API)");
  cupti.Check(cupti.ActivityRegisterCallbacks(&OnBufferRequested, &OnBufferCompleted),
              "cuptiActivityRegisterCallbacks");
}

CuptiTracer& CuptiTracer::Instance() {
  // Never destroyed: CUPTI may call back while the process exits.
  static CuptiTracer* tracer = new CuptiTracer();
  return *tracer;
}

void CuptiTracer::Begin() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (tracing_) throw Error("CUPTI: a trace is already in progress in this process");
    tracing_ = true;
  }
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  try {
    if (!enabled_) {
      for (CUpti_ActivityKind kind : kTracedKinds)
        cupti.Check(cupti.ActivityEnable(kind), "cuptiActivityEnable");
      enabled_ = true;
    }
    // Work finished before this session (untraced runs since the last one) is flushed and
    // dropped here.
    cupti.Check(cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED), "cuptiActivityFlushAll");
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    tracing_ = false;
    throw;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  records_.clear();
  dropped_ = 0;
}

std::vector<TracedActivity> CuptiTracer::End() {
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  const CUptiResult flushed = cupti.ActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  std::vector<TracedActivity> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tracing_ = false;
    out.swap(records_);
  }
  cupti.Check(flushed, "cuptiActivityFlushAll");
  return out;
}

size_t CuptiTracer::dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

void CuptiTracer::TagGraphNode(CUgraphNode_st* node, const profile::LaunchTag& tag) {
  const CuptiLibrary& cupti = CuptiLibrary::Load();
  uint64_t id = 0;
  cupti.Check(cupti.GetGraphNodeId(node, &id), "cuptiGetGraphNodeId");
  map_.OnGraphNodeCreated(id, tag);
}

void CuptiTracer::AddRecord(TracedActivity record) {
  std::lock_guard<std::mutex> lock(mutex_);
  records_.push_back(std::move(record));
}

void CuptiTracer::AddDropped(size_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  dropped_ += count;
}

}  // namespace cuda
}  // namespace incept
