// Engine files (host/engine_file/engine_file.h) on the host backend: a saved engine loads
// and computes bitwise the same outputs at every planned batch, without planning again;
// every corruption class is refused with an Error naming it; a file from another device
// or library version is refused with the mismatch named, or rebuilt on request.
#include "host/engine_file/engine_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

#include "graph/error.h"
#include "graph/json_io.h"
#include "host/engine.h"
#include "host/io/file_bytes.h"
#include "host/random_weights.h"
#include "tests/host/host_run_util.h"

namespace incept {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "_" + std::to_string(getpid()) + ".incept";
}

Shape WithBatch(Shape s, int64_t n) {
  s.n = n;
  return s;
}

// torchvision's GoogLeNet at 40x40 (every layer, branches, BatchNorm folded), small enough
// for the CPU.
std::unique_ptr<Engine> GoogLeNetEngine() {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  WeightMap weights = RandomWeights(graph, 3);
  EngineOptions options;
  options.backend = "host";
  return std::make_unique<Engine>(std::move(graph), std::move(weights), options);
}

// A tiny graph (a conv and a pool writing into an elided concat): small serialized bytes
// for the corruption sweeps.
EngineFileContents TinyContents() {
  Graph graph =
      LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/fuzz/corpus/graph_json/elided_concat.json");
  EngineOptions options;
  options.backend = "host";
  Engine engine(graph, RandomWeights(graph, 5), options);
  EngineFileContents c;
  c.device = engine.device();
  c.graph = engine.optimized_graph();
  c.weights = engine.weights();
  c.prepared.push_back(engine.Prepare(Shape{1, 2, 4, 4}));
  c.prepared.push_back(engine.Prepare(Shape{3, 2, 4, 4}));
  return c;
}

std::string ParseError(const std::vector<uint8_t>& bytes) {
  try {
    ParseEngineFile(bytes.data(), bytes.size(), "t.incept");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void ExpectRefused(const std::vector<uint8_t>& bytes, const std::string& fragment) {
  const std::string message = ParseError(bytes);
  EXPECT_NE(message.find(fragment), std::string::npos)
      << "expected an error containing \"" << fragment << "\", got \"" << message << "\"";
}

uint64_t U64At(const std::vector<uint8_t>& b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{b[at + i]} << (8 * i);
  return v;
}
void SetU32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
void SetU64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Replaces section `index`'s bytes with `text` (moving the later sections), then reseals
// the file, so only the section's own validation can refuse it.
std::vector<uint8_t> WithSection(const std::vector<uint8_t>& bytes, int index,
                                 const std::string& text) {
  const uint32_t count = bytes[12];
  std::vector<uint8_t> head(
      bytes.begin(), bytes.begin() + kEngineFileHeaderBytes + count * kEngineFileSectionEntryBytes);
  std::vector<std::vector<uint8_t>> sections;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = kEngineFileHeaderBytes + i * kEngineFileSectionEntryBytes;
    const uint64_t off = U64At(bytes, e + 8), size = U64At(bytes, e + 16);
    sections.emplace_back(bytes.begin() + off, bytes.begin() + off + size);
  }
  sections[index].assign(text.begin(), text.end());
  std::vector<uint8_t> out = head;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = kEngineFileHeaderBytes + i * kEngineFileSectionEntryBytes;
    SetU64(out, e + 8, out.size());
    SetU64(out, e + 16, sections[i].size());
    out.insert(out.end(), sections[i].begin(), sections[i].end());
  }
  SealEngineFile(out);
  return out;
}

std::string SectionText(const std::vector<uint8_t>& bytes, int index) {
  const size_t e = kEngineFileHeaderBytes + index * kEngineFileSectionEntryBytes;
  const uint64_t off = U64At(bytes, e + 8), size = U64At(bytes, e + 16);
  return std::string(bytes.begin() + off, bytes.begin() + off + size);
}

TEST(EngineFile, RoundTripIsBitwiseAtEveryBatchWithoutPlanningAgain) {
  std::unique_ptr<Engine> engine = GoogLeNetEngine();
  const Shape base{1, 3, 40, 40};
  const std::vector<Shape> shapes = {base, WithBatch(base, 3)};
  const std::string path = TempPath("googlenet");
  engine->Save(path, shapes);
  std::unique_ptr<Engine> loaded = Engine::Load(path);
  EXPECT_EQ(loaded->backend_name(), "host");
  for (const Shape& shape : shapes) {
    const Engine::Prepared& a = engine->Prepare(shape);
    const Engine::Prepared& b = loaded->Prepare(shape);
    EXPECT_EQ(a.plan.streams, b.plan.streams);
    EXPECT_EQ(a.plan.arena_bytes, b.plan.arena_bytes);
    ASSERT_EQ(a.plan.tactics.size(), b.plan.tactics.size());
    EXPECT_TRUE(a.plan.tactics == b.plan.tactics);
    for (size_t i = 0; i < a.plan.values.size(); ++i)
      EXPECT_EQ(a.plan.values[i].offset, b.plan.values[i].offset) << a.graph.nodes[i].name;
    const Tensor input = testing::RandomInput({shape.n, shape.c, shape.h, shape.w}, 11);
    const std::vector<Tensor> want = engine->Run(input), got = loaded->Run(input);
    ASSERT_EQ(want.size(), got.size());
    for (size_t k = 0; k < want.size(); ++k) {
      ASSERT_EQ(want[k].dims, got[k].dims);
      EXPECT_EQ(0, std::memcmp(want[k].data.data(), got[k].data.data(), want[k].data.size() * 4))
          << "output " << k << " at batch " << shape.n;
    }
  }
  std::remove(path.c_str());
}

TEST(EngineFile, LoadedPlansAreTheFilesNotReplanned) {
  // A plan whose streams differ from what MakePlan would give here (1 stream instead of
  // 4): the loaded engine uses the file's.
  EngineFileContents c = TinyContents();
  Graph graph = c.graph;
  EngineOptions options;
  options.backend = "host";
  options.streams = 1;
  Engine one_stream(graph, c.weights, options);
  c.prepared[0] = one_stream.Prepare(Shape{1, 2, 4, 4});
  c.streams = 1;
  const std::vector<uint8_t> bytes = SerializeEngineFile(c);
  EngineFileContents back = ParseEngineFile(bytes.data(), bytes.size(), "t.incept");
  ASSERT_EQ(back.prepared.size(), 2u);
  EXPECT_EQ(back.prepared[0].plan.num_streams, 1);
  EXPECT_EQ(back.prepared[0].plan.streams, c.prepared[0].plan.streams);
  EXPECT_EQ(back.prepared[1].plan.streams, c.prepared[1].plan.streams);
  EXPECT_EQ(GraphToJson(back.graph), GraphToJson(c.graph));
  ASSERT_EQ(back.weights.size(), c.weights.size());
  for (const auto& [name, t] : c.weights) EXPECT_EQ(back.weights.at(name).data, t.data) << name;
}

TEST(EngineFile, TruncationAtEverySectionBoundaryAndRandomPointsIsRefused) {
  const std::vector<uint8_t> bytes = SerializeEngineFile(TinyContents());
  std::vector<size_t> cuts = {0, 7, 8, 31, kEngineFileHeaderBytes};
  for (size_t i = 0; i < 4; ++i) {
    const size_t e = kEngineFileHeaderBytes + i * kEngineFileSectionEntryBytes;
    cuts.push_back(e + kEngineFileSectionEntryBytes);
    cuts.push_back(U64At(bytes, e + 8));
    cuts.push_back(U64At(bytes, e + 8) + U64At(bytes, e + 16) - 1);
  }
  std::mt19937 rng(1);
  for (int i = 0; i < 100; ++i) cuts.push_back(rng() % bytes.size());
  for (size_t cut : cuts) {
    const std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    const std::string message = ParseError(part);
    EXPECT_TRUE(message.find("truncated") != std::string::npos) << cut << ": " << message;
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  ExpectRefused(longer, "trailing bytes");
}

TEST(EngineFile, EveryFlippedByteIsRefused) {
  const std::vector<uint8_t> bytes = SerializeEngineFile(TinyContents());
  ASSERT_EQ(ParseError(bytes), "");
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x10;
    EXPECT_NE(ParseError(bad), "") << "byte " << i;
  }
  std::vector<uint8_t> bad = bytes;
  bad[bytes.size() / 2] ^= 1;
  ExpectRefused(bad, "checksum mismatch");
}

TEST(EngineFile, BadMagicAndVersionsAreNamed) {
  const std::vector<uint8_t> bytes = SerializeEngineFile(TinyContents());
  std::vector<uint8_t> bad = bytes;
  bad[0] = 'X';
  ExpectRefused(bad, "not an incept engine file (bad magic");
  bad = bytes;
  SetU32(bad, 8, kEngineFileVersion + 1);
  SealEngineFile(bad);
  ExpectRefused(bad, "format version 2 is newer than this build reads (1)");
  SetU32(bad, 8, 0);
  SealEngineFile(bad);
  ExpectRefused(bad, "unknown engine file format version 0");
}

TEST(EngineFile, AbsurdCountsAndSizesAreRefusedEvenWithAValidChecksum) {
  const std::vector<uint8_t> bytes = SerializeEngineFile(TinyContents());
  std::vector<uint8_t> bad = bytes;
  SetU32(bad, 12, 100000);
  SealEngineFile(bad);
  ExpectRefused(bad, "section count 100000");
  bad = bytes;
  SetU64(bad, kEngineFileHeaderBytes + 16, uint64_t{1} << 62);  // meta's size
  SealEngineFile(bad);
  ExpectRefused(bad, "run past the end of the file");
  bad = bytes;
  SetU32(bad, kEngineFileHeaderBytes + kEngineFileSectionEntryBytes, 1);  // graph -> meta
  SealEngineFile(bad);
  ExpectRefused(bad, "a second meta section");
  bad = bytes;
  SetU32(bad, kEngineFileHeaderBytes, 99);
  SealEngineFile(bad);
  ExpectRefused(bad, "unknown kind 99");

  // Inside the plans: indices, counts and sizes out of range, plans that overlap.
  const std::string plans = SectionText(bytes, 2);
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = plans;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return WithSection(bytes, 2, text);
  };
  ExpectRefused(replaced("\"num_events\":", "\"num_events\":1000000000,\"x\":"), "num_events");
  ExpectRefused(replaced("\"num_streams\":", "\"num_streams\":1000,\"x\":"), "num_streams");
  ExpectRefused(replaced("[\"launch\",", "[\"launch\",99999,\"x\","), "plan.streams");
  ExpectRefused(replaced("\"arena_bytes\":", "\"arena_bytes\":1099511627776,\"x\":"),
                "arena_bytes");
  ExpectRefused(replaced("\"input\":[1,", "\"input\":[1099511627776,"), "input");
  ExpectRefused(replaced("\"kind\":\"host\"", "\"kind\":\"warp_drive\""), "unknown tactic kind");
  ExpectRefused(WithSection(bytes, 2, "[]"), "no plans");
  ExpectRefused(WithSection(bytes, 2, "{"), "plans: not valid JSON");
  ExpectRefused(WithSection(bytes, 1, "{}"), "graph");
  ExpectRefused(WithSection(bytes, 3, "xx"), "weights");
  // Two buffers that are live at once placed at the same offset: CheckNoOverlap refuses.
  nlohmann::json j = nlohmann::json::parse(plans);
  for (auto& v : j[0]["plan"]["values"]) v[2] = 0;
  ExpectRefused(WithSection(bytes, 2, j.dump()), "plans[0]");
}

// A reduced-precision engine (the host's rounding mode) keeps its precision and every
// value's element type and layout through the file, and runs bitwise alike; a file whose
// formats are not the precision policy's, or whose plans disagree with its meta, is refused.
TEST(EngineFile, Fp16PlansKeepTheirFormatsAndFormatTamperingIsRefused) {
  Graph graph = LoadGraph(std::string(INCEPT_SOURCE_DIR) + "/model_zoo/googlenet_torchvision.json");
  EngineOptions options;
  options.backend = "host";
  options.precision = Precision::kFp16;
  Engine engine(graph, RandomWeights(graph, 3), options);
  const Shape shape{2, 3, 40, 40};
  const std::string path = TempPath("googlenet_fp16");
  engine.Save(path, {shape});
  std::unique_ptr<Engine> loaded = Engine::Load(path);
  const Engine::Prepared& a = engine.Prepare(shape);
  const Engine::Prepared& b = loaded->Prepare(shape);
  EXPECT_EQ(b.plan.precision, Precision::kFp16);
  EXPECT_EQ(b.plan.bytes_per_element, 0);
  EXPECT_EQ(a.plan.arena_bytes, b.plan.arena_bytes);
  int nhwc = 0;
  for (size_t i = 0; i < a.plan.values.size(); ++i) {
    EXPECT_EQ(a.plan.values[i].format, b.plan.values[i].format) << a.graph.nodes[i].name;
    EXPECT_EQ(a.plan.values[i].offset, b.plan.values[i].offset) << a.graph.nodes[i].name;
    nhwc += b.plan.values[i].format.layout == Layout::kNHWC;
  }
  EXPECT_GT(nhwc, 50);  // the body of the network is fp16 NHWC
  const Tensor input = testing::RandomInput({shape.n, shape.c, shape.h, shape.w}, 12);
  const std::vector<Tensor> want = engine.Run(input), got = loaded->Run(input);
  ASSERT_EQ(want.size(), got.size());
  for (size_t k = 0; k < want.size(); ++k)
    EXPECT_EQ(0, std::memcmp(want[k].data.data(), got[k].data.data(), want[k].data.size() * 4));
  // Asking for another precision than the file's is an error naming both.
  EngineOptions bf16;
  bf16.precision = Precision::kBf16;
  try {
    Engine::Load(path, bf16);
    ADD_FAILURE() << "a bf16 load of an fp16 engine file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("built for precision fp16, not bf16"), std::string::npos)
        << e.what();
  }
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  std::remove(path.c_str());

  // One value's layout changed: not the policy's.
  nlohmann::json plans = nlohmann::json::parse(SectionText(bytes, 2));
  nlohmann::json tampered = plans;
  for (auto& v : tampered[0]["plan"]["values"])
    if (v[5] == "NHWC") {
      v[5] = "NCHW";
      break;
    }
  ExpectRefused(WithSection(bytes, 2, tampered.dump()), "but the fp16 policy gives fp16 NHWC");
  // A plan of another precision than the meta's.
  tampered = plans;
  tampered[0]["plan"]["precision"] = "bf16";
  for (auto& v : tampered[0]["plan"]["values"])
    if (v[4] == "fp16") v[4] = "bf16";
  ExpectRefused(WithSection(bytes, 2, tampered.dump()), "precision bf16 but the file's is fp16");
  // An unknown precision, and a uniform element size under fp16.
  tampered = plans;
  tampered[0]["plan"]["precision"] = "fp8";
  ExpectRefused(WithSection(bytes, 2, tampered.dump()), "fp8");
  tampered = plans;
  tampered[0]["plan"]["bytes_per_element"] = 4;
  ExpectRefused(WithSection(bytes, 2, tampered.dump()), "bytes_per_element");
  nlohmann::json meta = nlohmann::json::parse(SectionText(bytes, 0));
  meta["precision"] = "fp64";
  ExpectRefused(WithSection(bytes, 0, meta.dump()), "meta.precision");
}

TEST(EngineFile, MismatchNamesDeviceAndLibraryVersions) {
  EngineFileContents c = TinyContents();
  c.device = {"cuda", "NVIDIA H100", "sm_90", "13.0", "13.0", "9.19.0", "13.1.0"};
  DeviceKey here = c.device;
  EXPECT_EQ(EngineFileMismatch(c, here), "");
  here.device = "NVIDIA H200";
  EXPECT_NE(EngineFileMismatch(c, here).find("device NVIDIA H100 (sm_90) vs NVIDIA H200 (sm_90)"),
            std::string::npos)
      << EngineFileMismatch(c, here);
  here = c.device;
  here.cudnn = "9.10.1";
  EXPECT_NE(EngineFileMismatch(c, here).find("cuDNN 9.19.0 vs 9.10.1"), std::string::npos);
  here = c.device;
  c.incept_version = "0.0.9";
  EXPECT_NE(EngineFileMismatch(c, here).find(std::string("incept 0.0.9 vs ") + kInceptVersion),
            std::string::npos);
}

TEST(EngineFile, StaleFileIsRefusedOrRebuiltOnRequest) {
  EngineFileContents c = TinyContents();
  c.device.cudnn = "9.19.0";  // as if built where cuDNN was present; the host has none
  const std::string path = TempPath("stale");
  WriteEngineFile(path, c);
  try {
    Engine::Load(path);
    ADD_FAILURE() << "a stale file loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cuDNN 9.19.0 vs none"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--rebuild-if-stale"), std::string::npos) << e.what();
  }
  std::string notice;
  std::unique_ptr<Engine> rebuilt = LoadEngineFile(path, {}, /*rebuild_if_stale=*/true, &notice);
  EXPECT_NE(notice.find("rebuilt"), std::string::npos);
  const Tensor input = testing::RandomInput({3, 2, 4, 4}, 2);
  std::unique_ptr<Engine> reloaded = Engine::Load(path);  // fresh now: no error
  const std::vector<Tensor> a = rebuilt->Run(input), b = reloaded->Run(input);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a[0].data, b[0].data);
  std::remove(path.c_str());
}

TEST(EngineFile, HostTacticsAreRecordedPerLaunchedNode) {
  EngineFileContents c = TinyContents();
  const Engine::Prepared& p = c.prepared[0];
  ASSERT_EQ(p.plan.tactics.size(), p.graph.nodes.size());
  for (size_t i = 0; i < p.graph.nodes.size(); ++i) {
    const bool launched = p.plan.node_stream[i] >= 0;
    EXPECT_EQ(p.plan.tactics[i].kind, launched ? TacticKind::kHostKernel : TacticKind::kNone)
        << p.graph.nodes[i].name;
  }
  const std::string text = TacticsToString(p.graph, p.plan);
  EXPECT_NE(text.find("a: host host"), std::string::npos) << text;
  EXPECT_EQ(text.find("cat:"), std::string::npos) << "the elided concat is not launched";
}

}  // namespace
}  // namespace incept
