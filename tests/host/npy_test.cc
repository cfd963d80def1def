// .npy load/save: round trip, numpy interop both ways (skipped without numpy), and the
// errors for a bad magic, an unsupported dtype, Fortran order and truncated data.
#include "host/io/npy.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "graph/error.h"
#include "host/io/file_bytes.h"

namespace incept {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "incept_npy_" + std::to_string(getpid()) + "_" + name;
}

// A version-1.0 file from a header text (padding and '\n' added) and raw data.
std::vector<uint8_t> MakeNpy(std::string header, const std::vector<uint8_t>& data) {
  header += '\n';
  std::vector<uint8_t> file = {0x93,
                               'N',
                               'U',
                               'M',
                               'P',
                               'Y',
                               1,
                               0,
                               static_cast<uint8_t>(header.size() & 0xff),
                               static_cast<uint8_t>(header.size() >> 8)};
  file.resize(10 + header.size() + data.size());
  std::memcpy(file.data() + 10, header.data(), header.size());
  if (!data.empty()) std::memcpy(file.data() + 10 + header.size(), data.data(), data.size());
  return file;
}

std::vector<uint8_t> FloatBytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(float));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::string ParseError(const std::vector<uint8_t>& file) {
  try {
    ParseNpy(file.data(), file.size(), "x.npy");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_HAS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

bool HaveNumpy() { return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0; }

int RunPython(const std::string& script) {
  const int status = std::system(("/usr/bin/python3 -c \"" + script + "\"").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(Npy, SaveThenLoadIsExactForEveryRank) {
  for (const std::vector<int64_t>& dims : std::vector<std::vector<int64_t>>{
           {}, {5}, {2, 3}, {1, 3, 4, 5}, {2, 0, 3}, {1, 1, 1, 2, 2}}) {
    Tensor tensor(dims);
    for (size_t i = 0; i < tensor.data.size(); ++i)
      tensor.data[i] = 0.25f * static_cast<float>(i) - 1.1f;
    const std::vector<uint8_t> file = SerializeNpy(tensor);
    // Data starts 64-byte aligned, after a '\n'-terminated header.
    const size_t header_bytes = file[8] | (file[9] << 8);
    EXPECT_EQ((10 + header_bytes) % 64, 0u) << tensor.dims_str();
    EXPECT_EQ(file[10 + header_bytes - 1], '\n');
    const Tensor loaded = ParseNpy(file.data(), file.size(), "roundtrip");
    EXPECT_EQ(loaded.dims, tensor.dims);
    EXPECT_EQ(loaded.data, tensor.data);
  }
  Tensor t({2, 2});
  t.data = {1, 2, 3, 4};
  const std::string path = TempPath("file.npy");
  SaveNpy(path, t);
  EXPECT_EQ(LoadNpy(path).data, t.data);
  std::remove(path.c_str());
}

TEST(Npy, WritesNumpyShapeTuples) {
  const std::vector<uint8_t> file = SerializeNpy(Tensor({7}));
  const std::string header(file.begin() + 10, file.begin() + 10 + (file[8] | (file[9] << 8)));
  EXPECT_HAS(header, "{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }");
}

TEST(Npy, AcceptsFloat64ByRounding) {
  const std::vector<double> values = {0.1, -2.5};
  std::vector<uint8_t> bytes(sizeof(double) * 2);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  const auto file = MakeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", bytes);
  const Tensor t = ParseNpy(file.data(), file.size(), "f8");
  EXPECT_EQ(t.dims, std::vector<int64_t>{2});
  EXPECT_EQ(t.data, (std::vector<float>{0.1f, -2.5f}));
}

TEST(Npy, AcceptsKeysInAnyOrderAndPython2Longs) {
  const auto file = MakeNpy("{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}",
                            FloatBytes({3, 4}));
  const Tensor t = ParseNpy(file.data(), file.size(), "order");
  EXPECT_EQ(t.dims, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(t.data, (std::vector<float>{3, 4}));
}

TEST(Npy, BadMagic) {
  std::vector<uint8_t> file = SerializeNpy(Tensor({1}));
  file[1] = 'X';
  EXPECT_HAS(ParseError(file), "x.npy: not a .npy file (bad magic");
  EXPECT_HAS(ParseError({0x93}), "bad magic");
}

// The raw little-endian bytes of `values` stored as T.
template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  if (!bytes.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::string Header(const std::string& descr, int count) {
  return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(count) +
         ",), }";
}

// Every numeric dtype numpy writes becomes fp32 with the same values, and the load says
// which dtype it was and how it was converted.
TEST(Npy, ConvertsOtherNumericDtypesAndSaysHow) {
  struct Case {
    std::string descr, name, conversion_part;
    std::vector<uint8_t> data;
    std::vector<float> want;
  };
  const std::vector<Case> cases = {
      {"<f4", "float32", "", FloatBytes({1.5f, -2.0f}), {1.5f, -2.0f}},
      {"<f8", "float64", "rounded", Bytes<double>({0.1, -2.5}), {0.1f, -2.5f}},
      // float16 bits: 1.0 = 0x3c00, -0.5 = 0xb800, 65504 = 0x7bff, smallest subnormal 0x0001
      {"<f2",
       "float16",
       "exactly",
       Bytes<uint16_t>({0x3c00, 0xb800, 0x7bff, 0x0001}),
       {1.0f, -0.5f, 65504.0f, 5.9604644775390625e-08f}},
      {"|i1", "int8", "exactly", Bytes<int8_t>({-128, 127}), {-128.0f, 127.0f}},
      {"<i2", "int16", "exactly", Bytes<int16_t>({-32768, 7}), {-32768.0f, 7.0f}},
      {"<i4", "int32", "2^24", Bytes<int32_t>({-5, 1 << 24}), {-5.0f, 16777216.0f}},
      {"<i8", "int64", "2^24", Bytes<int64_t>({-3, int64_t{1} << 40}), {-3.0f, 1099511627776.0f}},
      {"|u1", "uint8", "exactly", Bytes<uint8_t>({0, 255}), {0.0f, 255.0f}},
      {"<u2", "uint16", "exactly", Bytes<uint16_t>({65535}), {65535.0f}},
      {"<u4", "uint32", "2^24", Bytes<uint32_t>({4000000000u}), {4000000000.0f}},
      {"<u8", "uint64", "2^24", Bytes<uint64_t>({9}), {9.0f}},
      {"=i2", "int16", "exactly", Bytes<int16_t>({-1}), {-1.0f}},  // '=': native, little here
  };
  for (const Case& c : cases) {
    const auto file = MakeNpy(Header(c.descr, static_cast<int>(c.want.size())), c.data);
    NpyConversion conversion;
    const Tensor t = ParseNpy(file.data(), file.size(), "x.npy", &conversion);
    EXPECT_EQ(t.data, c.want) << c.descr;
    EXPECT_EQ(conversion.dtype, c.name) << c.descr;
    if (c.conversion_part.empty()) {
      EXPECT_EQ(conversion.conversion, "") << c.descr;
    } else {
      EXPECT_HAS(conversion.conversion, c.conversion_part);
    }
  }
}

TEST(Npy, UnsupportedDtypeIsNamed) {
  EXPECT_HAS(ParseError(MakeNpy(Header("|b1", 1), std::vector<uint8_t>(1))),
             "x.npy: dtype '|b1': bool arrays are not numeric input");
  EXPECT_HAS(ParseError(MakeNpy(Header("<c8", 1), std::vector<uint8_t>(8))),
             "dtype '<c8': complex arrays are not supported");
  EXPECT_HAS(ParseError(MakeNpy(Header("|O", 1), std::vector<uint8_t>(8))),
             "dtype '|O': object arrays are not supported");
  EXPECT_HAS(ParseError(MakeNpy(Header("<U3", 1), std::vector<uint8_t>(12))),
             "string arrays are not numeric input");
  EXPECT_HAS(ParseError(MakeNpy(Header("<f16", 1), std::vector<uint8_t>(16))),
             "dtype '<f16' is not supported (float16/32/64, int8..int64");
  EXPECT_HAS(ParseError(MakeNpy(Header(">f4", 1), std::vector<uint8_t>(4))),
             "dtype '>f4' is big-endian; save it little-endian ('<f4')");
  // One-byte types have no byte order: '>u1' reads as uint8.
  EXPECT_EQ(ParseError(MakeNpy(Header(">u1", 1), std::vector<uint8_t>(1))), "");
  EXPECT_HAS(
      ParseError(MakeNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                         std::vector<uint8_t>(4))),
      "structured arrays are not supported");
}

TEST(Npy, FortranOrderIsRefused) {
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                                std::vector<uint8_t>(16))),
             "x.npy: fortran_order True is not supported");
}

TEST(Npy, TruncatedOrOverlongData) {
  std::vector<uint8_t> file = SerializeNpy(Tensor({2, 3}));
  file.resize(file.size() - 1);
  EXPECT_HAS(ParseError(file), "needs 24 data bytes but the file has 23 (truncated)");
  file.resize(file.size() + 5);
  EXPECT_HAS(ParseError(file), "needs 24 data bytes but the file has 28");
  file.resize(20);  // inside the header
  EXPECT_HAS(ParseError(file), "exceeds the file (truncated?)");
}

TEST(Npy, MalformedHeaders) {
  const std::vector<uint8_t> four(4);
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '<f4', 'shape': (1,), }", four)),
             "needs the keys 'descr', 'fortran_order' and 'shape'");
  EXPECT_HAS(
      ParseError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", four)),
      "expected a non-negative integer dimension");
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (1,), }", four)),
             "expected True or False");
  EXPECT_HAS(ParseError(MakeNpy(
                 "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", four)),
             "duplicate key 'descr'");
  EXPECT_HAS(
      ParseError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", four)),
      "unknown key 'x'");
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, "
                                "99999999999, 99999999999)}",
                                four)),
             "too large");
  std::vector<uint8_t> version9 = SerializeNpy(Tensor({1}));
  version9[6] = 9;
  EXPECT_HAS(ParseError(version9), "unsupported npy format version 9");
}

TEST(NpyNumpy, ReadsWhatNumpyWrites) {
  if (!HaveNumpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  const std::string f4 = TempPath("np_f4.npy"), f8 = TempPath("np_f8.npy");
  ASSERT_EQ(RunPython("import numpy as np; "
                      "np.save('" +
                      f4 +
                      "', (np.arange(24, dtype=np.float32).reshape(2, 3, 4) * 0.5 - 1)); "
                      "np.save('" +
                      f8 + "', np.array([[0.1, 1e-3]]))"),
            0);
  const Tensor a = LoadNpy(f4);
  EXPECT_EQ(a.dims, (std::vector<int64_t>{2, 3, 4}));
  ASSERT_EQ(a.data.size(), 24u);
  for (int i = 0; i < 24; ++i) EXPECT_EQ(a.data[i], static_cast<float>(i) * 0.5f - 1.0f);
  const Tensor b = LoadNpy(f8);
  EXPECT_EQ(b.dims, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(b.data, (std::vector<float>{0.1f, 1e-3f}));
  std::remove(f4.c_str());
  std::remove(f8.c_str());
}

TEST(NpyNumpy, ReadsNumpysOtherDtypesAndRefusesBool) {
  if (!HaveNumpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  const std::string base = TempPath("np_dtype_");
  const std::vector<std::string> dtypes = {"float16", "int8",   "int16",  "int32", "int64",
                                           "uint8",   "uint16", "uint32", "uint64"};
  std::string script = "import numpy as np\n";
  for (const std::string& d : dtypes)
    script += "np.save('" + base + d + ".npy', np.array([[0, 1, 2], [3, 100, 127]], dtype='" + d +
              "'))\n";
  script += "np.save('" + base + "bool.npy', np.array([True, False]))\n";
  const std::string py = TempPath("np_dtypes.py");
  std::ofstream(py) << script;
  ASSERT_EQ(std::system(("/usr/bin/python3 " + py).c_str()), 0);
  for (const std::string& d : dtypes) {
    NpyConversion conversion;
    const Tensor t = LoadNpy(base + d + ".npy", &conversion);
    EXPECT_EQ(t.dims, (std::vector<int64_t>{2, 3})) << d;
    EXPECT_EQ(t.data, (std::vector<float>{0, 1, 2, 3, 100, 127})) << d;
    EXPECT_EQ(conversion.dtype, d);
    std::remove((base + d + ".npy").c_str());
  }
  try {
    LoadNpy(base + "bool.npy");
    ADD_FAILURE() << "a bool array loaded";
  } catch (const Error& e) {
    EXPECT_HAS(e.what(), "bool arrays are not numeric input");
  }
  std::remove((base + "bool.npy").c_str());
  std::remove(py.c_str());
}

TEST(NpyNumpy, NumpyReadsWhatWeWrite) {
  if (!HaveNumpy()) GTEST_SKIP() << "/usr/bin/python3 with numpy not available";
  Tensor t({3, 1, 2});
  for (size_t i = 0; i < t.data.size(); ++i) t.data[i] = static_cast<float>(i) / 3.0f;
  const std::string path = TempPath("ours.npy");
  SaveNpy(path, t);
  EXPECT_EQ(RunPython("import numpy as np, sys; a = np.load('" + path +
                      "'); "
                      "e = (np.arange(6, dtype=np.float32) / np.float32(3)).reshape(3, 1, 2); "
                      "sys.exit(0 if a.dtype == np.float32 and a.shape == (3, 1, 2) and "
                      "(a == e).all() else 1)"),
            0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace incept
