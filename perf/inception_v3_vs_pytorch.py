#!/usr/bin/env python3
"""Inception-v3 on the GPU: PyTorch on the same card next to `incept bench` (perf/gpu_check.sh).

Usage: inception_v3_vs_pytorch.py INCEPT_BENCH_JSON OUT_JSON

Measures torchvision.models.inception_v3 (eval, transform_input, no aux head) at batch 1
and 64, 299x299: eager fp32 (TF32 off) and channels_last fp16 + CUDA graph, each as the
median wall time of a synchronised call after warm-up, input on the device ("device") and
pageable host input to host logits ("h2h", what `incept bench` measures). Writes all
numbers to OUT_JSON and prints a markdown table with our fp32 rows from INCEPT_BENCH_JSON
(`incept bench --json`); missing torch or a failed variant is a row saying so.
"""
import json
import sys
from torch_timing import median_ms  # perf/torch_timing.py

BATCHES = (1, 64)
SIZE = 299




def measure_pytorch():
    out = {"results": []}
    try:
        import torch
        import torchvision
        out.update(torch=torch.__version__, torchvision=torchvision.__version__,
                   device=torch.cuda.get_device_name(0))
    except Exception as e:  # no torch or no device: say so, no numbers
        out["error"] = repr(e)
        return out

    def record(variant, batch, mode, fn):
        try:
            ms = median_ms(torch, fn, iterations=30)
            out["results"].append(dict(variant=variant, batch=batch, mode=mode, p50_ms=ms,
                                       images_per_second=batch / ms * 1e3))
        except Exception as e:
            out["results"].append(dict(variant=variant, batch=batch, mode=mode, error=repr(e)))

    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False,
                                            transform_input=True).cuda().eval()
    with torch.inference_mode():
        for batch in BATCHES:
            host = torch.randn(batch, 3, SIZE, SIZE)
            x = host.cuda()
            record("torch eager fp32", batch, "h2h", lambda: model(host.cuda()).cpu())
            record("torch eager fp32", batch, "device", lambda: model(x))
        half = model.half().to(memory_format=torch.channels_last)
        for batch in BATCHES:
            variant = "torch channels_last fp16 + CUDA graph"
            try:
                host = torch.randn(batch, 3, SIZE, SIZE).half()
                static_x = host.cuda().to(memory_format=torch.channels_last)
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(3):
                        half(static_x)
                torch.cuda.current_stream().wait_stream(side)
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    static_y = half(static_x)

                def h2h():
                    static_x.copy_(host.cuda(non_blocking=False))
                    graph.replay()
                    return static_y.cpu()

                record(variant, batch, "h2h", h2h)
                record(variant, batch, "device", graph.replay)
            except Exception as e:
                out["results"].append(dict(variant=variant, batch=batch, error=repr(e)))
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    torch_results = measure_pytorch()
    with open(argv[2], "w") as f:
        json.dump(torch_results, f, indent=2)
    rows = []
    try:
        with open(argv[1]) as f:
            for r in json.load(f).get("results", []):
                p50 = r["latency_ms"]["p50"]
                rows.append((f"incept fp32 ({r['variant']})", r["batch"], "h2h", p50,
                             r["batch"] / p50 * 1e3))
    except Exception as e:
        rows.append((f"incept bench: no results ({e!r:.40})", 0, "", None, None))
    if "error" in torch_results:
        rows.append((f"PyTorch not run ({torch_results['error'][:40]})", 0, "", None, None))
    for r in torch_results["results"]:
        if "error" in r:
            rows.append((f"{r['variant']} ({r['error'][:40]})", r["batch"], r.get("mode", ""),
                         None, None))
        else:
            rows.append((r["variant"], r["batch"], r["mode"], r["p50_ms"],
                         r["images_per_second"]))
    print(f"\n### Inception-v3, {SIZE}x{SIZE}\n")
    print("| what | batch | timing | p50 ms | images/s at p50 |\n| --- | --- | --- | --- | --- |")
    for name, batch, mode, ms, ips in sorted(rows, key=lambda r: (r[1], r[0])):
        print(f"| {name} | {batch} | {mode} | {'' if ms is None else f'{ms:.3f}'} | "
              f"{'' if ips is None else f'{ips:.0f}'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
