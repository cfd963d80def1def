#!/usr/bin/env python3
"""Host backend vs PyTorch CPU on torchvision's GoogLeNet, same machine, same run.

    /usr/bin/python3 perf/bench_host_vs_pytorch.py build/host/incept [--batch 8] [--threads 2]

Both run fp32 with the same number of threads; each side gets warm-up runs, then the
median of timed runs is reported as images/s and the ratio incept / PyTorch.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def bench_pytorch(batch, threads, iterations):
    import torch
    import torchvision

    torch.set_num_threads(threads)
    model = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=True)
    model.eval()
    x = torch.randn(batch, 3, 224, 224)
    times = []
    with torch.inference_mode():
        for _ in range(2):
            model(x)
        for _ in range(iterations):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return batch / statistics.median(times), torch.__version__


def bench_incept(cli, model, batch, threads, iterations):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(
        [cli, "bench", model, "--backend", "host", "--batch", str(batch), "--iterations",
         str(iterations), "--warmup", "2", "--json"],
        env=env, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)["results"][0]
    return batch / (result["latency_ms"]["p50"] / 1000.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cli", help="path to the incept binary")
    parser.add_argument("--model", default=os.path.join(
        os.path.dirname(__file__), "..", "model_zoo", "googlenet_torchvision.json"))
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()

    ours = bench_incept(args.cli, args.model, args.batch, args.threads, args.iterations)
    theirs, version = bench_pytorch(args.batch, args.threads, args.iterations)
    print(f"batch {args.batch}, {args.threads} threads, median of {args.iterations} runs")
    print(f"  incept host : {ours:8.2f} images/s")
    print(f"  PyTorch {version} CPU : {theirs:8.2f} images/s")
    print(f"  ratio incept / PyTorch: {ours / theirs:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
