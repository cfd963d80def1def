// Engine files: an optimised model with its plans and tactics, built once (`incept build`,
// Engine::Save) and loaded without running passes, planning or timing (Engine::Load).
//
// Layout, format version 1 (every integer little-endian):
//
//   offset  size  field
//        0     8  magic "INCEPTEF"
//        8     4  u32 format version (kEngineFileVersion)
//       12     4  u32 section count (1 .. kEngineFileMaxSections)
//       16     8  u64 file size in bytes
//       24     4  u32 CRC-32 (zlib's crc32, the ISO-HDLC polynomial) of the whole file
//                 with these 4 bytes taken as zero
//       28     4  u32 reserved, 0
//       32  24*k  section table: per section {u32 kind, u32 reserved 0, u64 offset, u64 size}
//     then the sections, in table order, tiling the rest of the file exactly.
//
//   kind 1 meta     JSON: {"incept_version", "device": DeviceKey fields, "streams",
//                   "precision": "fp32" | "tf32" | "fp16" | "bf16"}
//   kind 2 graph    the optimised graph, incept-graph JSON (graph/json_io.h), with its
//                   1x1 reduce -> KxK pairs unfused
//   kind 3 plans    JSON array: {"input": [N, C, H, W], "plan": PlanToJson (plan_json.h)},
//                   each plan of the file's precision, each value with its element type
//                   and layout (exactly those the precision policy gives); each plan's
//                   "reduce_fusions" are applied to the graph before the plan is checked
//                   against it (a pair the graph lacks: an Error naming it)
//   kind 4 weights  the optimised graph's weights (BatchNorm folded) in fp32 as safetensors
//                   (host/io/safetensors.h: named tensors, shapes, raw little-endian data);
//                   a backend rounds them once to the plan's storage type when it takes them
//                   (graph/weight_pack.h), the same rounding a fresh build makes
//
// Reading checks, in order, each failure an Error naming the file and what is wrong: the
// header fits; the magic; the format version (a newer one: "rebuild it with this
// incept"); the size field against the file's size (truncation, trailing bytes); the
// CRC-32 (any flipped byte); the section table (each kind once, known, in range, tiling
// the file); then each section with its own validating parser (graph JSON, safetensors,
// plans against the graph with CheckNoOverlap). Nothing is read through an unchecked
// offset or length. Compatibility (EngineFileMismatch) is checked separately, so a file
// from another machine can still be inspected.
//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/element_type.h"
#include "graph/graph.h"
#include "graph/planner/device_key.h"
#include "graph/tensor.h"
#include "host/engine.h"

namespace incept {

constexpr char kEngineFileMagic[8] = {'I', 'N', 'C', 'E', 'P', 'T', 'E', 'F'};
constexpr uint32_t kEngineFileVersion = 1;
constexpr uint32_t kEngineFileMaxSections = 64;
constexpr size_t kEngineFileHeaderBytes = 32;
constexpr size_t kEngineFileSectionEntryBytes = 24;
// The version of incept written into engine files; another version's files are stale.
constexpr char kInceptVersion[] = "0.1.0";

enum class EngineSection : uint32_t { kMeta = 1, kGraph = 2, kPlans = 3, kWeights = 4 };

struct EngineFileContents {
  std::string incept_version = kInceptVersion;
  DeviceKey device;
  int streams = 4;
  Precision precision = Precision::kFp32;  // of every plan
  Graph graph;                             // optimised, shapes inferred for its default input
  WeightMap weights;
  std::vector<Engine::Prepared> prepared;  // per input shape: graph (shapes inferred), plan
};

std::vector<uint8_t> SerializeEngineFile(const EngineFileContents& contents);
// `source` names the file in errors.
EngineFileContents ParseEngineFile(const uint8_t* data, size_t size, const std::string& source);
EngineFileContents ReadEngineFile(const std::string& path);
// Writes to `path`.tmp, then renames: a reader never sees half a file.
void WriteEngineFile(const std::string& path, const EngineFileContents& contents);

// Rewrites the size and CRC-32 fields of serialized bytes (for tests and the fuzz target,
// which alter a file and want its deeper checks exercised).
void SealEngineFile(std::vector<uint8_t>& bytes);

// "" if the file fits `here` and this incept, else what differs, e.g.
//   "engine built for cuda NVIDIA H100 (sm_90), ...; this machine: cuda NVIDIA H200 ...
//   (device NVIDIA H100 (sm_90) vs NVIDIA H200 (sm_90))".
std::string EngineFileMismatch(const EngineFileContents& contents, const DeviceKey& here);

// True if `path` names an engine file (ends in ".incept").
bool IsEngineFilePath(const std::string& path);

// Loads `path` into an engine on the backend it was built for. A mismatch
// (EngineFileMismatch) is an Error naming it, unless `rebuild_if_stale`: then the engine is
// rebuilt here from the file's optimised graph and weights (plans and tactics made anew
// for the same input shapes), the file rewritten, and `*notice` says so.
// As LoadEngineFile, from contents already read from `path` (rewritten if rebuilt).
std::unique_ptr<Engine> EngineFromContents(EngineFileContents contents, const std::string& path,
                                           EngineOptions options, bool rebuild_if_stale = false,
                                           std::string* notice = nullptr);
std::unique_ptr<Engine> LoadEngineFile(const std::string& path, EngineOptions options,
                                       bool rebuild_if_stale = false,
                                       std::string* notice = nullptr);

}  // namespace incept
