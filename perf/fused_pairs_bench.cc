// incept_fused_pairs_bench: the tensor-core fused reduce conv against cuDNN's two convs on
// each of GoogLeNet's 19 reduce -> KxK pairs (cuda/fused_pair_timing.h), per batch:
//
//   incept_fused_pairs_bench [--batch 1,8,64] [--precision fp16|bf16] [--iterations N] [--json]
//
// Prints one row per pair and batch (fused ms with its best output-channel split, cuDNN
// reduce + conv ms, pair ms, speedup = pair / fused), then per batch: the pairs the fused
// kernel wins, and the pairs' total time unfused against fusion chosen per pair (the min of
// the two), which is what the tactic system would pick. Exit status 0; 1 on an error (one
// line naming it); 2 on bad arguments.
#include <cuda_runtime_api.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/fused_pair_timing.h"
#include "cuda/kernels/googlenet_reduce_pairs.h"

namespace {

using incept::cuda::FusedPairTiming;

incept::FusedReduceConvAttrs AttrsOf(const incept::GoogLeNetReducePair& p) {
  incept::FusedReduceConvAttrs a;
  a.in_channels = p.in_c;
  a.reduce_channels = p.reduce_c;
  a.conv.in_channels = p.reduce_c;
  a.conv.out_channels = p.out_c;
  const int pad = p.kernel / 2;
  a.conv.window = {p.kernel, p.kernel, 1, 1, pad, pad, pad, pad};
  a.conv.has_bias = true;
  a.conv.activation = incept::Activation::kReLU;
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Fused reduce conv (tensor cores) vs cuDNN's two convs on GoogLeNet's pairs"};
  std::vector<int> batches = {1, 8, 64};
  std::string precision = "fp16";
  int iterations = 50;
  bool json = false;
  app.add_option("--batch", batches, "batch sizes")->delimiter(',');
  app.add_option("--precision", precision, "fp16 or bf16")->check(CLI::IsMember({"fp16", "bf16"}));
  app.add_option("--iterations", iterations, "timed runs per measurement")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--json", json, "one JSON object instead of the table");
  CLI11_PARSE(app, argc, argv);

  try {
    int device = 0;
    cudaDeviceProp prop{};
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaGetDeviceProperties(&prop, device) != cudaSuccess)
      throw std::runtime_error("no CUDA device");
    const auto element =
        precision == "fp16" ? incept::simt::TcElement::kHalf : incept::simt::TcElement::kBFloat16;
    cudaStream_t stream = nullptr;
    if (cudaStreamCreate(&stream) != cudaSuccess) throw std::runtime_error("cudaStreamCreate");

    if (json)
      std::printf("{\"device\": \"%s\", \"precision\": \"%s\", \"rows\": [", prop.name,
                  precision.c_str());
    else
      std::printf(
          "device %s, %s, NHWC, %d timed runs each\n%-12s %5s %10s %5s %3s %10s %10s %10s %8s\n",
          prop.name, precision.c_str(), iterations, "pair", "batch", "fused_ms", "cpb", "th",
          "reduce_ms", "conv_ms", "pair_ms", "speedup");
    struct Summary {
      int batch, wins = 0, pairs = 0;
      double unfused_ms = 0.0, chosen_ms = 0.0;
    };
    std::vector<Summary> summaries;
    bool first = true;
    for (int batch : batches) {
      Summary s{batch};
      for (const auto& p : incept::GoogLeNetReducePairs()) {
        incept::cuda::FusedPairTimingRequest r;
        r.attrs = AttrsOf(p);
        r.batch = batch;
        r.height = r.width = p.map;
        r.element = element;
        r.iterations = iterations;
        const FusedPairTiming t = incept::cuda::TimeFusedReduceConvPair(r, stream);
        const double speedup = t.fused_supported ? t.pair_ms / t.fused_ms : 0.0;
        ++s.pairs;
        s.wins += t.FusedWins() ? 1 : 0;
        s.unfused_ms += t.pair_ms;
        s.chosen_ms += t.FusedWins() ? t.fused_ms : t.pair_ms;
        if (json) {
          std::printf(
              "%s\n  {\"pair\": \"%s\", \"batch\": %d, \"fused_ms\": %.5f, "
              "\"cout_per_block\": %d, \"tile_h\": %d, \"reduce_ms\": %.5f, \"conv_ms\": %.5f, "
              "\"pair_ms\": %.5f, \"reduce_algo\": %d, \"conv_algo\": %d, "
              "\"fused_supported\": %s}",
              first ? "" : ",", p.name, batch, t.fused_ms, t.best_cout_per_block, t.best_tile_h,
              t.reduce_ms, t.conv_ms, t.pair_ms, t.reduce_algo, t.conv_algo,
              t.fused_supported ? "true" : "false");
          first = false;
        } else {
          std::printf("%-12s %5d %10.4f %5d %3d %10.4f %10.4f %10.4f %7.2fx%s\n", p.name, batch,
                      t.fused_ms, t.best_cout_per_block, t.best_tile_h, t.reduce_ms, t.conv_ms,
                      t.pair_ms, speedup, t.FusedWins() ? "  fused" : "");
        }
      }
      summaries.push_back(s);
    }
    if (json) {
      std::printf("\n], \"summary\": [");
      for (size_t i = 0; i < summaries.size(); ++i)
        std::printf(
            "%s{\"batch\": %d, \"fused_wins\": %d, \"pairs\": %d, \"unfused_ms\": %.5f, "
            "\"chosen_ms\": %.5f}",
            i ? ", " : "", summaries[i].batch, summaries[i].wins, summaries[i].pairs,
            summaries[i].unfused_ms, summaries[i].chosen_ms);
      std::printf("]}\n");
    } else {
      std::printf("\n%5s %10s %12s %12s %8s\n", "batch", "fused_wins", "unfused_ms", "chosen_ms",
                  "gain");
      for (const Summary& s : summaries)
        std::printf("%5d %7d/%-2d %12.4f %12.4f %7.3fx\n", s.batch, s.wins, s.pairs, s.unfused_ms,
                    s.chosen_ms, s.unfused_ms / s.chosen_ms);
      std::printf("(pairs only: the rest of the network is the same in both plans)\n");
    }
    cudaStreamDestroy(stream);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "incept_fused_pairs_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
