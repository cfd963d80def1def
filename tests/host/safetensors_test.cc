// Safetensors load/save: round trip, exact widening of F16/BF16/F8/F64/integers, and one
// test per rule a broken file can break (host/io/safetensors.h lists the rules).
#include "host/io/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/io/file_bytes.h"

namespace incept {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "incept_safetensors_" + std::to_string(getpid()) + "_" + name;
}

// A file from a raw header text and a data buffer.
std::vector<uint8_t> MakeFile(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> file(8 + header.size() + data.size());
  for (int i = 0; i < 8; ++i) file[i] = static_cast<uint8_t>(uint64_t{header.size()} >> (8 * i));
  std::copy(header.begin(), header.end(), file.begin() + 8);
  std::copy(data.begin(), data.end(), file.begin() + 8 + header.size());
  return file;
}

template <class T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// Parses `file` and returns the error message ("" if it parsed).
std::string ParseError(const std::vector<uint8_t>& file) {
  try {
    ParseSafetensors(file.data(), file.size(), "w.safetensors");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string ParseError(const std::string& header, const std::vector<uint8_t>& data) {
  return ParseError(MakeFile(header, data));
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

// ---- Round trip and conversions -------------------------------------------------------

TEST(Safetensors, SaveThenLoadIsExact) {
  WeightMap weights;
  Tensor conv({2, 3, 1, 2});
  for (size_t i = 0; i < conv.data.size(); ++i) conv.data[i] = 0.1f * static_cast<float>(i) - 0.37f;
  conv.data[3] = std::numeric_limits<float>::denorm_min();
  weights["conv1.weight"] = conv;
  Tensor bias({2});
  bias.data = {-1.5f, 3.25e7f};
  weights["conv1.bias"] = bias;
  weights["scalar"] = Tensor(std::vector<int64_t>{});  // rank 0: one element
  weights["scalar"].data[0] = 42.0f;
  weights["empty"] = Tensor({0, 5});  // zero elements

  const std::string path = TempPath("roundtrip.safetensors");
  SaveSafetensors(path, weights, {{"format", "pt"}});
  const SafetensorsContents loaded = ReadSafetensors(path);
  ASSERT_EQ(loaded.tensors.size(), weights.size());
  for (const auto& [name, tensor] : weights) {
    ASSERT_TRUE(loaded.tensors.count(name)) << name;
    EXPECT_EQ(loaded.tensors.at(name).dims, tensor.dims) << name;
    EXPECT_EQ(loaded.tensors.at(name).data, tensor.data) << name;
    EXPECT_EQ(loaded.dtypes.at(name), SafetensorsDtype::kF32) << name;
  }
  EXPECT_EQ(loaded.metadata, (std::map<std::string, std::string>{{"format", "pt"}}));
  EXPECT_EQ(LoadSafetensors(path).size(), weights.size());

  // The header is padded to 8 bytes, as the reference writer does.
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  uint64_t header_bytes = 0;
  for (int i = 0; i < 8; ++i) header_bytes |= uint64_t{bytes[i]} << (8 * i);
  EXPECT_EQ(header_bytes % 8, 0u);
  std::remove(path.c_str());
}

TEST(Safetensors, EmptyWeightMapRoundTrips) {
  const std::vector<uint8_t> file = SerializeSafetensors({});
  EXPECT_TRUE(ParseSafetensors(file.data(), file.size(), "empty").empty());
}

TEST(Safetensors, WidensF16Exactly) {
  const std::vector<uint16_t> bits = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF,
                                      0x3555, 0x8000, 0x7C00, 0xFC00, 0x7E00};
  const std::vector<float> expected = {1.0f,
                                       -2.0f,
                                       65504.0f,
                                       std::ldexp(1.0f, -24),
                                       std::ldexp(1023.0f, -24),
                                       0.333251953125f,
                                       -0.0f,
                                       std::numeric_limits<float>::infinity(),
                                       -std::numeric_limits<float>::infinity(),
                                       std::numeric_limits<float>::quiet_NaN()};
  const auto file =
      MakeFile(R"({"h":{"dtype":"F16","shape":[10],"data_offsets":[0,20]}})", Bytes(bits));
  const SafetensorsContents c = ParseSafetensorsContents(file.data(), file.size(), "f16");
  EXPECT_EQ(c.dtypes.at("h"), SafetensorsDtype::kF16);
  const std::vector<float>& got = c.tensors.at("h").data;
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i + 1 < expected.size(); ++i)
    EXPECT_EQ(got[i], expected[i]) << "bits " << bits[i];
  EXPECT_TRUE(std::signbit(got[6]));
  EXPECT_TRUE(std::isnan(got[9]));
}

TEST(Safetensors, WidensBF16Exactly) {
  const std::vector<uint16_t> bits = {0x3F80, 0xC049, 0x7F7F, 0x0001, 0xFF80};
  const auto file =
      MakeFile(R"({"b":{"dtype":"BF16","shape":[5],"data_offsets":[0,10]}})", Bytes(bits));
  const std::vector<float> got = ParseSafetensors(file.data(), file.size(), "bf16").at("b").data;
  EXPECT_EQ(got[0], 1.0f);
  EXPECT_EQ(got[1], -3.140625f);
  EXPECT_EQ(got[2], 3.3895313892515355e38f);  // 0x7F7F0000, the largest finite bf16
  EXPECT_EQ(got[3], std::ldexp(1.0f, -133));  // the smallest subnormal bf16
  EXPECT_EQ(got[4], -std::numeric_limits<float>::infinity());
}

TEST(Safetensors, WidensF8AndF64) {
  const std::vector<uint8_t> e4m3 = {0x7E, 0x01, 0xB8, 0x7F};  // 448, 2^-9, -1, NaN
  const std::vector<uint8_t> e5m2 = {0x7B, 0x3C};              // 57344, 1
  const std::vector<double> f64 = {0.1, -1e300};
  std::vector<uint8_t> data = e4m3;
  data.insert(data.end(), e5m2.begin(), e5m2.end());
  const auto f64_bytes = Bytes(f64);
  data.insert(data.end(), f64_bytes.begin(), f64_bytes.end());
  const auto file = MakeFile(R"({"a":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]},)"
                             R"("b":{"dtype":"F8_E5M2","shape":[2],"data_offsets":[4,6]},)"
                             R"("d":{"dtype":"F64","shape":[2],"data_offsets":[6,22]}})",
                             data);
  const WeightMap w = ParseSafetensors(file.data(), file.size(), "f8");
  EXPECT_EQ(w.at("a").data[0], 448.0f);
  EXPECT_EQ(w.at("a").data[1], std::ldexp(1.0f, -9));
  EXPECT_EQ(w.at("a").data[2], -1.0f);
  EXPECT_TRUE(std::isnan(w.at("a").data[3]));
  EXPECT_EQ(w.at("b").data[0], 57344.0f);
  EXPECT_EQ(w.at("b").data[1], 1.0f);
  EXPECT_EQ(w.at("d").data[0], 0.1f);
  EXPECT_EQ(w.at("d").data[1], -std::numeric_limits<float>::infinity());
}

// BatchNorm's num_batches_tracked is I64: accepted, widened, its dtype recorded.
TEST(Safetensors, AcceptsIntegerTensors) {
  const std::vector<int64_t> i64 = {12345};
  const std::vector<int32_t> i32 = {-7, 1 << 24};
  std::vector<uint8_t> data = Bytes(i64);
  const auto i32_bytes = Bytes(i32);
  data.insert(data.end(), i32_bytes.begin(), i32_bytes.end());
  data.push_back(1);    // BOOL
  data.push_back(200);  // U8
  const auto file =
      MakeFile(R"({"bn.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
               R"("i":{"dtype":"I32","shape":[2],"data_offsets":[8,16]},)"
               R"("m":{"dtype":"BOOL","shape":[1],"data_offsets":[16,17]},)"
               R"("u":{"dtype":"U8","shape":[1,1],"data_offsets":[17,18]}})",
               data);
  const SafetensorsContents c = ParseSafetensorsContents(file.data(), file.size(), "ints");
  EXPECT_EQ(c.dtypes.at("bn.num_batches_tracked"), SafetensorsDtype::kI64);
  EXPECT_TRUE(c.tensors.at("bn.num_batches_tracked").dims.empty());
  EXPECT_EQ(c.tensors.at("bn.num_batches_tracked").data, std::vector<float>{12345.0f});
  EXPECT_EQ(c.tensors.at("i").data, (std::vector<float>{-7.0f, 16777216.0f}));
  EXPECT_EQ(c.tensors.at("m").data, std::vector<float>{1.0f});
  EXPECT_EQ(c.tensors.at("u").data, std::vector<float>{200.0f});
}

TEST(Safetensors, AcceptsTensorsListedOutOfOffsetOrderAndTrailingSpaces) {
  const std::vector<float> values = {1, 2, 3};
  const auto file = MakeFile(R"({"z":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                             R"("a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},)"
                             R"("e":{"dtype":"F32","shape":[0],"data_offsets":[12,12]}}   )",
                             Bytes(values));
  const WeightMap w = ParseSafetensors(file.data(), file.size(), "order");
  EXPECT_EQ(w.at("z").data, std::vector<float>{1.0f});
  EXPECT_EQ(w.at("a").data, (std::vector<float>{2.0f, 3.0f}));
  EXPECT_TRUE(w.at("e").data.empty());
}

TEST(Safetensors, SaveRefusesInconsistentTensorsAndReservedName) {
  WeightMap bad;
  bad["x"].dims = {2, 2};
  bad["x"].data = {1, 2, 3};
  EXPECT_THROW(SerializeSafetensors(bad), Error);
  WeightMap reserved;
  reserved["__metadata__"] = Tensor({1});
  EXPECT_THROW(SerializeSafetensors(reserved), Error);
}

TEST(Safetensors, MissingFileNamesThePath) {
  try {
    LoadSafetensors("/nonexistent/w.safetensors");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "/nonexistent/w.safetensors");
  }
}

// ---- One test per broken-file rule ------------------------------------------------------

TEST(SafetensorsBroken, FileShorterThanLengthField) {
  EXPECT_HAS(ParseError(std::vector<uint8_t>{1, 0, 0, 0, 0}), "w.safetensors: file is 5 bytes");
}

TEST(SafetensorsBroken, HugeHeaderLength) {
  std::vector<uint8_t> file(64, ' ');
  const uint64_t huge = 200'000'000;
  for (int i = 0; i < 8; ++i) file[i] = static_cast<uint8_t>(huge >> (8 * i));
  EXPECT_HAS(ParseError(file), "header length 200000000 exceeds the limit");
  for (int i = 0; i < 8; ++i) file[i] = 0xff;  // 2^64 - 1
  EXPECT_HAS(ParseError(file), "exceeds the limit");
}

TEST(SafetensorsBroken, HeaderLengthBeyondFile) {
  std::vector<uint8_t> file = MakeFile("{}", {});
  file[0] = 100;
  EXPECT_HAS(ParseError(file), "header length 100 exceeds the 2 bytes after the length field");
}

TEST(SafetensorsBroken, HeaderNotJson) {
  EXPECT_HAS(ParseError("{\"a\": nope}", {}), "header is not valid UTF-8 JSON");
  EXPECT_HAS(ParseError("", {}), "header is not valid UTF-8 JSON");
}

TEST(SafetensorsBroken, HeaderNotUtf8) {
  EXPECT_HAS(ParseError("{\"\xff\xfe\": 1}", {}), "header is not valid UTF-8 JSON");
}

TEST(SafetensorsBroken, HeaderNotObject) {
  EXPECT_HAS(ParseError("[1, 2]", {}), "header must be a JSON object, got [1,2]");
}

TEST(SafetensorsBroken, EntryNotObject) {
  EXPECT_HAS(ParseError(R"({"a": 3})", {}), "tensor \"a\": entry must be a JSON object");
}

TEST(SafetensorsBroken, MissingFields) {
  EXPECT_HAS(ParseError(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", std::vector<uint8_t>(4)),
             "tensor \"a\": missing \"dtype\"");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", std::vector<uint8_t>(4)),
             "tensor \"a\": missing \"shape\"");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1]}})", std::vector<uint8_t>(4)),
             "tensor \"a\": missing \"data_offsets\"");
}

TEST(SafetensorsBroken, UnknownDtype) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})",
                        std::vector<uint8_t>(16)),
             "tensor \"a\": unknown dtype \"F128\" (known: BOOL,");
  EXPECT_HAS(
      ParseError(R"({"a":{"dtype":4,"shape":[1],"data_offsets":[0,4]}})", std::vector<uint8_t>(4)),
      "\"dtype\" must be a string");
}

TEST(SafetensorsBroken, SizeMismatchNamesShapeDtypeAndSpan) {
  EXPECT_EQ(
      ParseError(R"({"conv1.weight":{"dtype":"F32","shape":[64,3,7,7],"data_offsets":[0,100]}})",
                 std::vector<uint8_t>(100)),
      "w.safetensors: tensor \"conv1.weight\": shape [64,3,7,7] x F32 = 37632 bytes but "
      "data_offsets span 100");
}

TEST(SafetensorsBroken, NegativeOrNonIntegerShape) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(4)),
             "tensor \"a\": \"shape\" must be an array of non-negative integers, got [-1]");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(4)),
             "non-negative integers");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":4,"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(4)),
             "non-negative integers");
}

TEST(SafetensorsBroken, ShapeOverflow) {
  EXPECT_HAS(
      ParseError(R"({"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}})",
                 std::vector<uint8_t>(4)),
      "more elements than fit in int64");
  EXPECT_HAS(
      ParseError(R"({"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,4]}})",
                 std::vector<uint8_t>(4)),
      "more than 2^64 bytes");
}

TEST(SafetensorsBroken, BadDataOffsets) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})",
                        std::vector<uint8_t>(4)),
             "\"data_offsets\" must be [begin, end]");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})",
                        std::vector<uint8_t>(4)),
             "\"data_offsets\" must be [begin, end]");
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})",
                        std::vector<uint8_t>(4)),
             "data_offsets [4,0] end before they begin");
}

TEST(SafetensorsBroken, OffsetsOutOfRange) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
                        std::vector<uint8_t>(4)),
             "tensor \"a\": data_offsets [0,8] out of range: the data buffer has 4 bytes");
}

TEST(SafetensorsBroken, Gap) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                        std::vector<uint8_t>(12)),
             "tensor \"b\": gap before its data_offsets [8,12]: bytes [4,8) belong to no tensor");
  EXPECT_HAS(ParseError(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                        std::vector<uint8_t>(8)),
             "bytes [0,4) belong to no tensor");
}

TEST(SafetensorsBroken, Overlap) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                        std::vector<uint8_t>(8)),
             "tensor \"b\": data_offsets [4,8] overlap tensor \"a\"'s [0,8]");
  // Two tensors on the same bytes.
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(4)),
             "overlap");
}

TEST(SafetensorsBroken, TrailingBytes) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(6)),
             "the data buffer has 6 bytes but the tensors cover only 4");
  EXPECT_HAS(ParseError("{}", std::vector<uint8_t>(1)), "cover only 0");
}

TEST(SafetensorsBroken, DuplicateTensorName) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                        R"("a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                        std::vector<uint8_t>(8)),
             "w.safetensors: duplicate tensor name \"a\"");
}

TEST(SafetensorsBroken, DuplicateKeyInEntry) {
  EXPECT_HAS(ParseError(R"({"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})",
                        std::vector<uint8_t>(4)),
             "tensor \"a\": duplicate key \"dtype\"");
}

TEST(SafetensorsBroken, BadMetadata) {
  EXPECT_HAS(ParseError(R"({"__metadata__":{"format":1}})", {}),
             "\"__metadata__\": value of \"format\" must be a string");
  EXPECT_HAS(ParseError(R"({"__metadata__":[1]})", {}), "\"__metadata__\" must be an object");
}

// No prefix of a valid file and no single corrupted byte may crash the parser: each either
// parses or raises Error.
TEST(SafetensorsBroken, TruncationsAndCorruptionsRaiseErrorOnly) {
  WeightMap weights;
  weights["a"] = Tensor({2, 3});
  weights["b"] = Tensor({4});
  const std::vector<uint8_t> file = SerializeSafetensors(weights);
  for (size_t size = 0; size < file.size(); ++size) {
    EXPECT_THROW(ParseSafetensors(file.data(), size, "prefix"), Error) << "size " << size;
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> corrupt = file;
    corrupt[rng() % corrupt.size()] = static_cast<uint8_t>(rng());
    try {
      ParseSafetensors(corrupt.data(), corrupt.size(), "corrupt");
    } catch (const Error&) {
    }
  }
  SUCCEED();
}

}  // namespace
}  // namespace incept
