#!/usr/bin/env python3
"""Reduced-precision benchmarks for perf/gpu_check.sh (docs/precision.md).

  precision_baselines.py torch OUT.json [--batches 1,8,64,256] [--compile-cap-s 300]
      PyTorch's GoogLeNet on this card, per batch: eager fp32; fp16 channels_last with a
      CUDA graph; torch.compile(mode="max-autotune") fp16 channels_last, each batch compiled
      in a child process killed after --compile-cap-s (reported as skipped, with its time).
      Timings: "device" (input already on the GPU, output left there) and "h2h" (pinned
      host input in, host logits out), median of 50 synchronised calls after warm-up.
      Also the card's ceiling: a cuBLAS fp16 8192x8192x8192 GEMM (torch.matmul), TFLOP/s.
  precision_baselines.py table OUT_DIR
      The precision x batch table from OUT_DIR/bench_<precision>.json (incept bench --json)
      and OUT_DIR/torch_precision.json, with "PyTorch's best" per batch and the targets of
      docs/design.md §14 (GoogLeNet: 3.0 GFLOP per 224x224 image).
"""
import json, os, statistics, subprocess, sys, time

GFLOP_PER_IMAGE = 3.0


def median_ms(torch, fn, warmup=10, iterations=50):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def model_and_torch():
    import torch, torchvision
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    model = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False,
                                         transform_input=True).cuda().eval()
    return torch, model


def timed(torch, results, variant, batch, fns):
    for mode, fn in fns.items():
        try:
            ms = median_ms(torch, fn)
            results.append(dict(variant=variant, batch=batch, mode=mode, p50_ms=ms,
                                images_per_second=batch / ms * 1e3))
        except Exception as e:  # noqa: BLE001 - reported, not fatal
            results.append(dict(variant=variant, batch=batch, mode=mode, error=repr(e)[:200]))


def compiled_one(batch):
    """Child process: compile max-autotune fp16 channels_last for one batch, time it."""
    torch, model = model_and_torch()
    half = model.half().to(memory_format=torch.channels_last)
    results = []
    with torch.inference_mode():
        start = time.perf_counter()
        compiled = torch.compile(half, mode="max-autotune")
        x = torch.randn(batch, 3, 224, 224, device="cuda").half().to(
            memory_format=torch.channels_last)
        for _ in range(3):
            compiled(x)
        torch.cuda.synchronize()
        compile_s = time.perf_counter() - start
        pinned = torch.randn(batch, 3, 224, 224).half().pin_memory()
        timed(torch, results, "torch.compile max-autotune fp16 channels_last", batch,
              {"device": lambda: compiled(x),
               "h2h": lambda: compiled(pinned.cuda(non_blocking=True)
                                       .to(memory_format=torch.channels_last)).cpu()})
    for r in results:
        r["compile_s"] = compile_s
    print(json.dumps(results))


def torch_baselines(out_path, batches, cap_s):
    out = {"results": [], "skipped": []}
    try:
        torch, model = model_and_torch()
        out.update(torch=torch.__version__, device=torch.cuda.get_device_name(0))
    except Exception as e:  # noqa: BLE001 - no torch: say so, no numbers
        out["error"] = repr(e)
        json.dump(out, open(out_path, "w"), indent=2)
        return
    results = out["results"]
    with torch.inference_mode():
        for batch in batches:
            pinned = torch.randn(batch, 3, 224, 224).pin_memory()
            x = pinned.cuda()
            timed(torch, results, "torch eager fp32", batch,
                  {"device": lambda: model(x),
                   "h2h": lambda: model(pinned.cuda(non_blocking=True)).cpu()})
        half = model.half().to(memory_format=torch.channels_last)
        for batch in batches:
            try:
                pinned = torch.randn(batch, 3, 224, 224).half().pin_memory()
                static_x = pinned.cuda().to(memory_format=torch.channels_last)
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
                    static_x.copy_(pinned.cuda(non_blocking=True))
                    graph.replay()
                    return static_y.cpu()
                timed(torch, results, "torch fp16 channels_last + CUDA graph", batch,
                      {"device": graph.replay, "h2h": h2h})
            except Exception as e:  # noqa: BLE001
                results.append(dict(variant="torch fp16 channels_last + CUDA graph",
                                    batch=batch, error=repr(e)[:200]))
        # The card's ceiling: cuBLAS fp16 GEMM, 8192^3, fp32 accumulation (torch's default).
        try:
            n = 8192
            a = torch.randn(n, n, device="cuda", dtype=torch.half)
            b = torch.randn(n, n, device="cuda", dtype=torch.half)
            ms = median_ms(torch, lambda: torch.matmul(a, b), warmup=5, iterations=20)
            out["gemm_fp16_8192"] = dict(p50_ms=ms, tflops=2 * n ** 3 / ms / 1e9)
            del a, b
        except Exception as e:  # noqa: BLE001
            out["gemm_fp16_8192"] = dict(error=repr(e)[:200])
    torch.cuda.empty_cache()
    # torch.compile max-autotune, one child per batch, each capped.
    for batch in batches:
        start = time.perf_counter()
        try:
            child = subprocess.run([sys.executable, __file__, "compiled-one", str(batch)],
                                   capture_output=True, text=True, timeout=cap_s)
            lines = [l for l in child.stdout.splitlines() if l.startswith("[")]
            if child.returncode == 0 and lines:
                results.extend(json.loads(lines[-1]))
            else:
                out["skipped"].append(dict(batch=batch, reason="failed: " +
                                           (child.stderr.strip().splitlines() or ["?"])[-1][:200]))
        except subprocess.TimeoutExpired:
            out["skipped"].append(dict(batch=batch, reason=f"compile + timing exceeded the "
                                       f"{cap_s:.0f} s cap"))
        out.setdefault("compile_wall_s", {})[str(batch)] = time.perf_counter() - start
    json.dump(out, open(out_path, "w"), indent=2)


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:  # noqa: BLE001
        return {}


def table(out_dir):
    torch_json = load(os.path.join(out_dir, "torch_precision.json"))
    ours = {}
    notes = []
    for p in ("fp32", "tf32", "fp16", "bf16"):
        bench = load(os.path.join(out_dir, f"bench_{p}.json"))
        if not bench:
            err = ""
            try:
                err = open(os.path.join(out_dir, f"bench_{p}.err")).read().strip().splitlines()[-1]
            except Exception:  # noqa: BLE001
                pass
            notes.append(f"incept {p}: no result ({err or 'see checks.log'})")
        for r in bench.get("results", []):
            if r.get("variant") in ("optimized", "unoptimized"):
                ours[(p, r["batch"])] = r["latency_ms"]["p50"]
    torch_rows = {}
    for r in torch_json.get("results", []):
        if "p50_ms" in r:
            torch_rows[(r["variant"], r["batch"], r["mode"])] = r["p50_ms"]
    batches = sorted({b for _, b in ours} | {b for _, b, _ in torch_rows})
    print("\n### precision x batch (p50 ms; incept: host to host, pageable)\n")
    print("| batch | incept fp32 | incept tf32 | incept fp16 | incept bf16 | torch eager fp32 "
          "(dev) | torch fp16 CL graph (dev) | torch.compile fp16 CL (dev) | PyTorch's best (dev) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    variants = ["torch eager fp32", "torch fp16 channels_last + CUDA graph",
                "torch.compile max-autotune fp16 channels_last"]
    for b in batches:
        cells = [f"{ours[(p, b)]:.3f}" if (p, b) in ours else "" for p in
                 ("fp32", "tf32", "fp16", "bf16")]
        dev = [torch_rows.get((v, b, "device")) for v in variants]
        best = min([d for d in dev if d is not None], default=None)
        cells += [f"{d:.3f}" if d is not None else "" for d in dev]
        cells.append(f"{best:.3f}" if best is not None else "")
        print(f"| {b} | " + " | ".join(cells) + " |")
    gemm = torch_json.get("gemm_fp16_8192", {})
    if "tflops" in gemm:
        print(f"\ncuBLAS fp16 8192^3 GEMM: {gemm['tflops']:.1f} TFLOP/s "
              f"(20% = {0.2 * gemm['tflops']:.1f} TFLOP/s; GoogLeNet {GFLOP_PER_IMAGE} GFLOP/image)")
        if ("fp16", 256) in ours:
            achieved = 256 * GFLOP_PER_IMAGE / ours[("fp16", 256)] / 1e3
            print(f"incept fp16 batch 256: {achieved:.1f} TFLOP/s "
                  f"({achieved / gemm['tflops'] * 100:.1f}% of the GEMM; target >= 20%)")
    for s in torch_json.get("skipped", []):
        print(f"\ntorch.compile batch {s['batch']} skipped: {s['reason']}", end="")
    for r in torch_json.get("results", []):
        if "compile_s" in r and r["mode"] == "device":
            print(f"\ntorch.compile batch {r['batch']}: compile {r['compile_s']:.0f} s", end="")
    for n in notes:
        print(f"\n{n}", end="")
    print()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "torch":
        args = sys.argv[3:]
        batches = [1, 8, 64, 256]
        cap = 300.0
        for i, a in enumerate(args):
            if a == "--batches":
                batches = [int(x) for x in args[i + 1].split(",")]
            if a == "--compile-cap-s":
                cap = float(args[i + 1])
        torch_baselines(sys.argv[2], batches, cap)
    elif len(sys.argv) == 3 and sys.argv[1] == "compiled-one":
        compiled_one(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)
