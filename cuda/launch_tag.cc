// The thread-local launch tag and the context id counter.
#include "cuda/launch_tag.h"

namespace incept {
namespace cuda {
namespace {

thread_local const profile::LaunchTag* current_tag = nullptr;
std::atomic<uint64_t> next_context_id{1};

}  // namespace

const profile::LaunchTag* CurrentLaunchTag() { return current_tag; }

uint64_t NewLaunchContextId() { return next_context_id.fetch_add(1); }

ScopedLaunchTag::ScopedLaunchTag(const profile::LaunchTag& tag)
    : tag_(tag), previous_(current_tag) {
  current_tag = &tag_;
}

ScopedLaunchTag::~ScopedLaunchTag() { current_tag = previous_; }

}  // namespace cuda
}  // namespace incept
