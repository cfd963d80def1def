#include "host/engine_file/engine_file.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "graph/json_io.h"
#include "graph/planner/reduce_fusion.h"
#include "graph/shape_inference.h"
#include "host/engine_file/plan_json.h"
#include "host/io/file_bytes.h"
#include "host/io/safetensors.h"

namespace incept {
namespace {

using json = nlohmann::json;

constexpr size_t kCrcOffset = 24;
constexpr EngineSection kSectionOrder[] = {EngineSection::kMeta, EngineSection::kGraph,
                                           EngineSection::kPlans, EngineSection::kWeights};

const char* SectionName(uint32_t kind) {
  switch (static_cast<EngineSection>(kind)) {
    case EngineSection::kMeta:
      return "meta";
    case EngineSection::kGraph:
      return "graph";
    case EngineSection::kPlans:
      return "plans";
    case EngineSection::kWeights:
      return "weights";
  }
  return nullptr;
}

void PutU32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutU64(std::vector<uint8_t>& out, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetU32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v;
}
uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

// zlib's CRC-32 of the file with the CRC field read as zero.
uint32_t FileCrc(const uint8_t* data, size_t size) {
  const uint8_t zeros[4] = {0, 0, 0, 0};
  uLong crc = crc32_z(0L, Z_NULL, 0);
  crc = crc32_z(crc, data, kCrcOffset);
  crc = crc32_z(crc, zeros, 4);
  crc = crc32_z(crc, data + kCrcOffset + 4, size - kCrcOffset - 4);
  return static_cast<uint32_t>(crc);
}

json DeviceToJson(const DeviceKey& d) {
  return {{"backend", d.backend}, {"device", d.device}, {"sm", d.sm},        {"driver", d.driver},
          {"cuda", d.cuda},       {"cudnn", d.cudnn},   {"cublas", d.cublas}};
}

std::string Hex(uint32_t v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

// A JSON section's text, parsed; errors name the file and the section.
json ParseSection(const uint8_t* data, size_t size, const std::string& where) {
  json j = json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(where + ": not valid JSON");
  return j;
}

std::string RequiredString(const json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    throw Error(where + ": \"" + key + "\" missing or not a string");
  return it->get<std::string>();
}

void ReadMeta(const json& j, const std::string& where, EngineFileContents& c) {
  if (!j.is_object()) throw Error(where + ": expected an object");
  c.incept_version = RequiredString(j, "incept_version", where);
  auto device = j.find("device");
  if (device == j.end() || !device->is_object()) throw Error(where + ": \"device\" missing");
  const std::string dw = where + ".device";
  c.device = {RequiredString(*device, "backend", dw), RequiredString(*device, "device", dw),
              RequiredString(*device, "sm", dw),      RequiredString(*device, "driver", dw),
              RequiredString(*device, "cuda", dw),    RequiredString(*device, "cudnn", dw),
              RequiredString(*device, "cublas", dw)};
  auto streams = j.find("streams");
  if (streams == j.end() || !streams->is_number_integer() || streams->get<int64_t>() < 1 ||
      streams->get<int64_t>() > kMaxPlanStreams)
    throw Error(where + ": \"streams\" missing or outside [1, " + std::to_string(kMaxPlanStreams) +
                "]");
  c.streams = streams->get<int>();
  const std::string precision = RequiredString(j, "precision", where);
  try {
    c.precision = ParsePrecision(precision);
  } catch (const Error& e) {
    throw Error(where + ".precision: " + e.what());
  }
}

std::vector<Engine::Prepared> ReadPlans(const json& j, const Graph& graph,
                                        const std::string& where) {
  if (!j.is_array()) throw Error(where + ": expected an array");
  if (j.empty()) throw Error(where + ": no plans");
  if (j.size() > 4096) throw Error(where + ": " + std::to_string(j.size()) + " plans is absurd");
  std::vector<Engine::Prepared> out;
  for (size_t i = 0; i < j.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    auto input = j[i].is_object() ? j[i].find("input") : j[i].end();
    if (!j[i].is_object() || input == j[i].end() || !input->is_array() || input->size() != 4)
      throw Error(at + ": \"input\" must be [N, C, H, W]");
    int64_t dims[4];
    for (int d = 0; d < 4; ++d) {
      const json& v = (*input)[d];
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > (1 << 20))
        throw Error(at + ".input: dimension " + std::to_string(d) + " must be in [1, 2^20]");
      dims[d] = v.get<int64_t>();
    }
    // An input of more than 2^31 elements (8 GiB of fp32) is no real batch; refusing it
    // keeps every size derived from it far from int64 overflow.
    if (dims[0] * dims[1] > (int64_t{1} << 31) / dims[2] / dims[3] + 1 ||
        dims[0] * dims[1] * dims[2] * dims[3] > (int64_t{1} << 31))
      throw Error(at + ".input: more than 2^31 elements");
    Engine::Prepared p;
    p.graph = graph;
    const Shape shape{dims[0], dims[1], dims[2], dims[3]};
    InferShapes(p.graph, shape);
    auto plan = j[i].find("plan");
    if (plan == j[i].end()) throw Error(at + ": \"plan\" missing");
    // The file's graph is unfused: this plan's reduce fusions first, then the plan checked
    // against the graph they give.
    const std::vector<ReduceFusionDecision> fusions = ReduceFusionsFromJson(*plan, at);
    if (ApplyReduceFusions(p.graph, fusions, at + ": plan.reduce_fusions") > 0)
      InferShapes(p.graph, shape);
    p.plan = PlanFromJson(*plan, p.graph, at);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<uint8_t> SerializeEngineFile(const EngineFileContents& c) {
  json meta = {{"incept_version", c.incept_version},
               {"device", DeviceToJson(c.device)},
               {"streams", c.streams},
               {"precision", PrecisionName(c.precision)}};
  json plans = json::array();
  for (const Engine::Prepared& p : c.prepared) {
    const std::vector<int> inputs = p.graph.InputIndices();
    if (inputs.size() != 1) throw Error("engine file: a planned graph must have one input");
    const Shape& s = p.graph.nodes[inputs[0]].shape;
    plans.push_back({{"input", {s.n, s.c, s.h, s.w}}, {"plan", PlanToJson(p.plan)}});
  }
  std::vector<std::vector<uint8_t>> sections(4);
  auto text = [](const std::string& s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  sections[0] = text(meta.dump());
  sections[1] = text(GraphToJson(c.graph));
  sections[2] = text(plans.dump());
  sections[3] = SerializeSafetensors(c.weights);

  const size_t table_end = kEngineFileHeaderBytes + sections.size() * kEngineFileSectionEntryBytes;
  size_t total = table_end;
  for (const auto& s : sections) total += s.size();
  std::vector<uint8_t> out(total, 0);
  std::memcpy(out.data(), kEngineFileMagic, sizeof kEngineFileMagic);
  PutU32(out, 8, kEngineFileVersion);
  PutU32(out, 12, static_cast<uint32_t>(sections.size()));
  size_t offset = table_end;
  for (size_t i = 0; i < sections.size(); ++i) {
    const size_t entry = kEngineFileHeaderBytes + i * kEngineFileSectionEntryBytes;
    PutU32(out, entry, static_cast<uint32_t>(kSectionOrder[i]));
    PutU64(out, entry + 8, offset);
    PutU64(out, entry + 16, sections[i].size());
    if (!sections[i].empty())
      std::memcpy(out.data() + offset, sections[i].data(), sections[i].size());
    offset += sections[i].size();
  }
  SealEngineFile(out);
  return out;
}

void SealEngineFile(std::vector<uint8_t>& bytes) {
  if (bytes.size() < kEngineFileHeaderBytes) return;
  PutU64(bytes, 16, bytes.size());
  PutU32(bytes, kCrcOffset, FileCrc(bytes.data(), bytes.size()));
}

EngineFileContents ParseEngineFile(const uint8_t* data, size_t size, const std::string& source) {
  auto fail = [&](const std::string& what) -> Error { return Error(source + ": " + what); };
  if (size < kEngineFileHeaderBytes)
    throw fail("truncated: " + std::to_string(size) + " bytes, an engine file header alone is " +
               std::to_string(kEngineFileHeaderBytes));
  if (std::memcmp(data, kEngineFileMagic, sizeof kEngineFileMagic) != 0)
    throw fail("not an incept engine file (bad magic; expected \"INCEPTEF\")");
  const uint32_t version = GetU32(data + 8);
  if (version > kEngineFileVersion)
    throw fail("engine file format version " + std::to_string(version) +
               " is newer than this build reads (" + std::to_string(kEngineFileVersion) +
               "): rebuild it with this incept (incept build)");
  if (version != kEngineFileVersion)
    throw fail("unknown engine file format version " + std::to_string(version));
  const uint64_t declared = GetU64(data + 16);
  if (declared != size)
    throw fail(declared > size ? "truncated: the header says " + std::to_string(declared) +
                                     " bytes, the file has " + std::to_string(size)
                               : "trailing bytes: the header says " + std::to_string(declared) +
                                     " bytes, the file has " + std::to_string(size));
  const uint32_t stored = GetU32(data + kCrcOffset), computed = FileCrc(data, size);
  if (stored != computed)
    throw fail("checksum mismatch (CRC-32 stored " + Hex(stored) + ", computed " + Hex(computed) +
               "): the file is corrupted");
  if (GetU32(data + 28) != 0) throw fail("reserved header field is not 0");
  const uint32_t count = GetU32(data + 12);
  if (count < 1 || count > kEngineFileMaxSections)
    throw fail("section count " + std::to_string(count) + " outside [1, " +
               std::to_string(kEngineFileMaxSections) + "]");
  const uint64_t table_end =
      kEngineFileHeaderBytes + uint64_t{count} * kEngineFileSectionEntryBytes;
  if (table_end > size) throw fail("the section table runs past the end of the file");

  // Sections: known kinds, each once, in range, tiling [table_end, size) in table order.
  const uint8_t* section[5] = {};
  uint64_t section_size[5] = {};
  uint64_t expected_offset = table_end;
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* entry = data + kEngineFileHeaderBytes + i * kEngineFileSectionEntryBytes;
    const uint32_t kind = GetU32(entry);
    const uint64_t offset = GetU64(entry + 8), bytes = GetU64(entry + 16);
    const std::string at = "section " + std::to_string(i);
    const char* name = SectionName(kind);
    if (!name) throw fail(at + ": unknown kind " + std::to_string(kind));
    if (GetU32(entry + 4) != 0) throw fail(at + " (" + name + "): reserved field is not 0");
    if (section[kind]) throw fail(at + ": a second " + name + " section");
    if (offset != expected_offset)
      throw fail(at + " (" + name + "): offset " + std::to_string(offset) + ", expected " +
                 std::to_string(expected_offset) + " (sections tile the file)");
    if (bytes > size - offset)
      throw fail(at + " (" + name + "): " + std::to_string(bytes) + " bytes at offset " +
                 std::to_string(offset) + " run past the end of the file (" + std::to_string(size) +
                 " bytes)");
    section[kind] = data + offset;
    section_size[kind] = bytes;
    expected_offset = offset + bytes;
  }
  if (expected_offset != size)
    throw fail(std::to_string(size - expected_offset) + " bytes after the last section");
  for (EngineSection kind : kSectionOrder)
    if (!section[static_cast<uint32_t>(kind)])
      throw fail(std::string("no ") + SectionName(static_cast<uint32_t>(kind)) + " section");
  auto span = [&](EngineSection kind) {
    return std::make_pair(section[static_cast<uint32_t>(kind)],
                          static_cast<size_t>(section_size[static_cast<uint32_t>(kind)]));
  };

  EngineFileContents c;
  auto [meta, meta_size] = span(EngineSection::kMeta);
  ReadMeta(ParseSection(meta, meta_size, source + ": meta"), source + ": meta", c);
  auto [graph, graph_size] = span(EngineSection::kGraph);
  c.graph = GraphFromJson(std::string(reinterpret_cast<const char*>(graph), graph_size),
                          source + ": graph");
  auto [weights, weights_size] = span(EngineSection::kWeights);
  c.weights = ParseSafetensors(weights, weights_size, source + ": weights");
  auto [plans, plans_size] = span(EngineSection::kPlans);
  c.prepared =
      ReadPlans(ParseSection(plans, plans_size, source + ": plans"), c.graph, source + ": plans");
  for (size_t i = 0; i < c.prepared.size(); ++i)
    if (c.prepared[i].plan.precision != c.precision)
      throw Error(source + ": plans[" + std::to_string(i) + "]: precision " +
                  PrecisionName(c.prepared[i].plan.precision) + " but the file's is " +
                  PrecisionName(c.precision));
  return c;
}

EngineFileContents ReadEngineFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseEngineFile(bytes.data(), bytes.size(), path);
}

void WriteEngineFile(const std::string& path, const EngineFileContents& contents) {
  const std::vector<uint8_t> bytes = SerializeEngineFile(contents);
  const std::string temp = path + ".tmp";
  WriteFileBytes(temp, bytes.data(), bytes.size());
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw Error(path + ": cannot rename " + temp + " into place");
  }
}

std::string EngineFileMismatch(const EngineFileContents& contents, const DeviceKey& here) {
  std::string why = DeviceKeyMismatch(contents.device, here);
  if (contents.incept_version != kInceptVersion)
    why += (why.empty() ? "" : "; ") + std::string("incept ") + contents.incept_version + " vs " +
           kInceptVersion;
  if (why.empty()) return "";
  return "engine built for " + DeviceKeyString(contents.device) + " with incept " +
         contents.incept_version + "; this machine: " + DeviceKeyString(here) + " with incept " +
         kInceptVersion + " (" + why + ")";
}

}  // namespace incept
