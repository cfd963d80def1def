// Io bindings on the host backend (graph/io_binding.h, Engine::Bind): the mode names and
// their errors; a pageable binding computes what Engine::Run computes, bitwise, run after
// run; pinned and device memory are refused with an error naming the mode, and the refused
// binding gives its executable back to the pool (a pool of one would otherwise hang);
// threads bind and run at once.
#include "graph/io_binding.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "graph/error.h"
#include "host/engine.h"
#include "tests/host/engine_concurrency_util.h"

namespace incept {
namespace {

using concurrency_test::BitwiseEqual;

struct TinyModel {
  Graph graph = GraphFromJson(concurrency_test::TinyInceptionJson());
  WeightMap weights = RandomWeights(graph, 3);
};

TEST(IoMemory, NamesRoundTripAndUnknownNamesListTheValidOnes) {
  for (IoMemory m : {IoMemory::kPageable, IoMemory::kPinned, IoMemory::kDevice})
    EXPECT_EQ(ParseIoMemory(IoMemoryName(m)), m);
  EXPECT_FALSE(NeedsDeviceMemory(IoMemory::kPageable));
  EXPECT_TRUE(NeedsDeviceMemory(IoMemory::kPinned));
  EXPECT_TRUE(NeedsDeviceMemory(IoMemory::kDevice));
  try {
    ParseIoMemory("host");
    FAIL() << "\"host\" is not an io mode";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pageable, pinned, device"), std::string::npos)
        << e.what();
  }
}

TEST(IoBindingHost, PageableBindingEqualsEngineRunBitwise) {
  TinyModel m;
  Engine engine(m.graph, m.weights, EngineOptions{"host"});
  for (int64_t batch : {1, 3}) {
    Tensor input = testing::RandomInput({batch, 3, 12, 12}, 40 + batch);
    std::vector<Tensor> want = engine.Run(input);
    auto bound = engine.Bind(IoMemory::kPageable, input);
    EXPECT_EQ(bound->memory(), IoMemory::kPageable);
    for (int run = 0; run < 2; ++run) {
      bound->Run();
      EXPECT_TRUE(BitwiseEqual(bound->Outputs(), want)) << "batch " << batch << " run " << run;
    }
  }
}

TEST(IoBindingHost, PinnedAndDeviceAreRefusedAndTheExecutableGoesBack) {
  TinyModel m;
  EngineOptions options{"host"};
  options.max_executables_per_shape = 1;  // a lost executable would make Run wait forever
  Engine engine(m.graph, m.weights, options);
  Tensor input = testing::RandomInput({2, 3, 12, 12}, 5);
  std::vector<Tensor> want = engine.Run(input);
  for (IoMemory memory : {IoMemory::kPinned, IoMemory::kDevice}) {
    try {
      engine.Bind(memory, input);
      FAIL() << IoMemoryName(memory) << " bound on the host backend";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(IoMemoryName(memory)), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("device memory"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(BitwiseEqual(engine.Run(input), want));  // the executable is back in the pool
  }
}

TEST(IoBindingHost, BindingHoldsItsExecutableUntilDestroyed) {
  TinyModel m;
  EngineOptions options{"host"};
  options.max_executables_per_shape = 1;
  Engine engine(m.graph, m.weights, options);
  Tensor input = testing::RandomInput({1, 3, 12, 12}, 9);
  std::vector<Tensor> want = engine.Run(input);
  {
    auto bound = engine.Bind(IoMemory::kPageable, input);
    bound->Run();
    // Another shape has its own pool: it runs while this shape's executable is bound.
    EXPECT_EQ(engine.Run(testing::RandomInput({2, 3, 12, 12}, 10)).at(0).dims,
              (std::vector<int64_t>{2, 10}));
  }
  EXPECT_TRUE(BitwiseEqual(engine.Run(input), want));  // returned on destruction
}

// Engine::Bind is thread-safe: threads binding and running at once share a pool of two
// executables per shape (so some wait for one to come back) and all compute alike.
TEST(IoBindingHost, ThreadsBindAndRunAtOnce) {
  TinyModel m;
  EngineOptions options{"host"};
  options.max_executables_per_shape = 2;
  Engine engine(m.graph, m.weights, options);
  const std::vector<Tensor> inputs = concurrency_test::MixedInputs({1, 2}, {12});
  std::vector<std::vector<Tensor>> want;
  for (const Tensor& input : inputs) want.push_back(engine.Run(input));
  std::atomic<int> mismatches{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const size_t k = static_cast<size_t>(t + i) % inputs.size();
        try {
          auto bound = engine.Bind(IoMemory::kPageable, inputs[k]);
          bound->Run();
          if (!BitwiseEqual(bound->Outputs(), want[k])) ++mismatches;
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}

TEST(IoBindingHost, BadInputIsAnError) {
  TinyModel m;
  Engine engine(m.graph, m.weights, EngineOptions{"host"});
  EXPECT_THROW(engine.Bind(IoMemory::kPageable, Tensor({3, 12, 12})), Error);
}

}  // namespace
}  // namespace incept
