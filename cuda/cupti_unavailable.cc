// CuptiTracer where the build found no CUPTI headers: every use says so (cupti_profiler.h).
#include "cuda/cupti_profiler.h"
#include "graph/error.h"

namespace incept {
namespace cuda {

CuptiTracer::CuptiTracer() = default;

CuptiTracer& CuptiTracer::Instance() {
  throw Error(
      "CUPTI is not available: this build found no CUPTI headers (set CUPTI_ROOT and rebuild)");
}

void CuptiTracer::Begin() {}
std::vector<TracedActivity> CuptiTracer::End() { return {}; }
size_t CuptiTracer::dropped() const { return 0; }
void CuptiTracer::TagGraphNode(CUgraphNode_st*, const profile::LaunchTag&) {}
void CuptiTracer::AddRecord(TracedActivity) {}
void CuptiTracer::AddDropped(size_t) {}

}  // namespace cuda
}  // namespace incept
