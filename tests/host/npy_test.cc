// .npy load/save: round trip, numpy interop both ways (skipped without numpy), and the
// errors for a bad magic, an unsupported dtype, Fortran order and truncated data.
#include "host/io/npy.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
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

TEST(Npy, UnsupportedDtypeIsNamed) {
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                                std::vector<uint8_t>(8))),
             "x.npy: dtype '<i8' is not supported");
  EXPECT_HAS(ParseError(MakeNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }",
                                std::vector<uint8_t>(4))),
             "dtype '>f4' is not supported");
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
