#!/usr/bin/env python3
"""Precisions against PyTorch for perf/gpu_check.sh step 7d (docs/precision.md, docs/design.md §14).

  precision_baselines.py torch OUT.json [--batches 1,8,64,256]
      PyTorch's GoogLeNet on this card: eager fp32 (TF32 off) and fp16 channels_last + a
      CUDA graph, per batch, in the two io modes of `incept bench --io device,pinned`:
        device  input already on the GPU, output left there, then a synchronise
        pinned  pinned host input copied in, pinned host output copied out, synchronised
      median of 50 calls after 10 warm-up calls; then the card's ceiling, a cuBLAS fp16
      8192x8192x8192 GEMM (torch.matmul), TFLOP/s. OUT.json is rewritten after every
      measurement, so a run cut short by its time budget keeps what it measured.
  precision_baselines.py compile OUT.json [--batches 1,256,8,64] [--total-s 45]
      torch.compile(mode="max-autotune") fp16 channels_last, the same two modes, one child
      process per batch in the order given (the targets' batches first), each killed when
      the total cap is spent. A batch not done is listed under "skipped" with its reason
      and its compile time so far (0 when it never started).
  precision_baselines.py table OUT_DIR [--json]
      The precision x batch x io table from OUT_DIR/bench_<precision>.json (`incept bench
      --io device,pinned --json`; a precision the backend refused leaves bench_<p>.err and a
      one-line note), OUT_DIR/torch_precision.json and OUT_DIR/torch_compile.json:
      "PyTorch's best" per batch and mode (the fastest of its three variants), our ratio
      (PyTorch's best p50 / ours p50: > 1 is faster than PyTorch) and the targets' verdicts.
      --json prints the same numbers and verdicts as JSON (what tests/perf checks).

Targets (docs/design.md §14), each PASS, FAIL or "not measured" with the reason:
  batch 256, fp16, device to device: >= 1.3x PyTorch's best, and >= 20% of the cuBLAS
      fp16 GEMM's rate (GoogLeNet: 3.0 GFLOP per 224x224 image);
  batch 1, each io mode: ours (our fastest precision) >= 2x PyTorch's best;
  fp16 below our fp32: fp16 p50 < fp32 p50 at each batch and io mode measured.
"""
import json
import os
import signal
import subprocess
import sys
import time
from torch_timing import median_ms  # perf/torch_timing.py

GFLOP_PER_IMAGE = 3.0
PRECISIONS = ("fp32", "tf32", "fp16", "bf16")
MODES = ("device", "pinned")
EAGER = "torch eager fp32"
GRAPH = "torch fp16 channels_last + CUDA graph"
COMPILED = "torch.compile max-autotune fp16 channels_last"
TORCH_VARIANTS = (EAGER, GRAPH, COMPILED)
SHORT = {EAGER: "eager fp32", GRAPH: "fp16 CL graph", COMPILED: "compile fp16 CL"}
TARGET_256_VS_TORCH = 1.3
TARGET_256_GEMM_FRACTION = 0.2
TARGET_1_VS_TORCH = 2.0


# ---- measuring (on the GPU machine) ---------------------------------------------------------



def model_and_torch():
    import torch
    import torchvision
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    model = torchvision.models.googlenet(weights=None, aux_logits=False, init_weights=False,
                                         transform_input=True).cuda().eval()
    return torch, model


def io_modes(torch, fn, batch, dtype, channels_last, x=None):
    """The two timed calls of `fn` (a model on the device tensor `x`, made here if not
    given): device (x in, the output left on the device) and pinned (a pinned host batch
    copied into x, the output copied into a pinned host buffer)."""
    pinned_in = torch.randn(batch, 3, 224, 224).to(dtype).pin_memory()
    if x is None:
        x = pinned_in.cuda()
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
    y = fn(x)
    pinned_out = torch.empty(y.shape, dtype=y.dtype).pin_memory()

    def pinned():
        x.copy_(pinned_in, non_blocking=True)
        pinned_out.copy_(fn(x), non_blocking=True)

    return {"device": lambda: fn(x), "pinned": pinned}


def save_json(path, data):
    """Written whole or not at all: a run stopped mid-write keeps the previous file."""
    with open(path + ".tmp", "w") as f:
        json.dump(data, f, indent=2)
    os.replace(path + ".tmp", path)


def timed(torch, results, variant, batch, fns, save):
    for mode, fn in fns.items():
        try:
            ms = median_ms(torch, fn)
            results.append(dict(variant=variant, batch=batch, mode=mode, p50_ms=ms,
                                images_per_second=batch / ms * 1e3))
        except Exception as e:  # noqa: BLE001 - reported, not fatal
            results.append(dict(variant=variant, batch=batch, mode=mode, error=repr(e)[:200]))
        save()


def torch_baselines(out_path, batches):
    out = {"results": []}

    def save():
        save_json(out_path, out)

    try:
        torch, model = model_and_torch()
        out.update(torch=torch.__version__, device=torch.cuda.get_device_name(0))
    except Exception as e:  # noqa: BLE001 - no torch: say so, no numbers
        out["error"] = repr(e)[:300]
        save()
        return
    results = out["results"]
    with torch.inference_mode():
        for batch in batches:
            timed(torch, results, EAGER, batch,
                  io_modes(torch, model, batch, torch.float32, False), save)
        half = model.half().to(memory_format=torch.channels_last)
        for batch in batches:
            try:
                static_x = torch.randn(batch, 3, 224, 224, device="cuda").half().contiguous(
                    memory_format=torch.channels_last)
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(3):
                        half(static_x)
                torch.cuda.current_stream().wait_stream(side)
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    static_y = half(static_x)

                def replay(x, graph=graph, static_y=static_y):  # x is the graph's input
                    graph.replay()
                    return static_y
                fns = io_modes(torch, replay, batch, torch.half, True, x=static_x)
                timed(torch, results, GRAPH, batch, fns, save)
            except Exception as e:  # noqa: BLE001
                results.append(dict(variant=GRAPH, batch=batch, error=repr(e)[:200]))
                save()
        # The card's ceiling: cuBLAS fp16 GEMM, 8192^3, fp32 accumulation (torch's default).
        try:
            n = 8192
            a = torch.randn(n, n, device="cuda", dtype=torch.half)
            b = torch.randn(n, n, device="cuda", dtype=torch.half)
            ms = median_ms(torch, lambda: torch.matmul(a, b), warmup=5, iterations=20)
            out["gemm_fp16_8192"] = dict(p50_ms=ms, tflops=2 * n ** 3 / ms / 1e9)
        except Exception as e:  # noqa: BLE001
            out["gemm_fp16_8192"] = dict(error=repr(e)[:200])
    save()


def compiled_one(batch, progress_path):
    """Child process: compile max-autotune fp16 channels_last for one batch, time it.
    Writes {"compile_s": ...} to progress_path as soon as the compile is done."""
    torch, model = model_and_torch()
    half = model.half().to(memory_format=torch.channels_last)
    results = []
    with torch.inference_mode():
        start = time.perf_counter()
        compiled = torch.compile(half, mode="max-autotune")
        x = torch.randn(batch, 3, 224, 224, device="cuda").half().contiguous(
            memory_format=torch.channels_last)
        for _ in range(3):
            compiled(x)
        torch.cuda.synchronize()
        compile_s = time.perf_counter() - start
        with open(progress_path, "w") as f:
            json.dump({"compile_s": compile_s}, f)
        timed(torch, results, COMPILED, batch,
              io_modes(torch, compiled, batch, torch.half, True), lambda: None)
    for r in results:
        r["compile_s"] = compile_s
    print(json.dumps(results), flush=True)


def compile_baselines(out_path, batches, total_s):
    out = {"results": [], "skipped": [], "total_cap_s": total_s}

    def save():
        save_json(out_path, out)

    child = None
    now = {"batch": None, "start": 0.0}  # the batch being compiled
    pending = list(batches)

    def stop(signum, frame):  # stopped from outside (the step's timeout): no child left behind
        if child and child.poll() is None:
            child.kill()
        for b in pending:
            so_far = time.monotonic() - now["start"] if b == now["batch"] else 0.0
            out["skipped"].append(dict(batch=b, compile_s_so_far=so_far,
                                       reason=f"stopped by signal {signum} (the step's time budget)"))
        save()
        sys.exit(124)
    signal.signal(signal.SIGTERM, stop)

    deadline = time.monotonic() + total_s
    for batch in batches:
        pending.remove(batch)
        left = deadline - time.monotonic()
        if left < 1:
            out["skipped"].append(dict(batch=batch, compile_s_so_far=0.0,
                                       reason=f"not started: the {total_s:.0f} s compile cap was spent"))
            save()
            continue
        progress = f"{out_path}.b{batch}.progress"
        if os.path.exists(progress):
            os.remove(progress)
        start = time.monotonic()
        now.update(batch=batch, start=start)
        pending.insert(0, batch)  # until its outcome is recorded
        child = subprocess.Popen([sys.executable, __file__, "compiled-one", str(batch), progress],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = child.communicate(timeout=left)
            lines = [l for l in stdout.splitlines() if l.startswith("[")]
            if child.returncode == 0 and lines:
                out["results"].extend(json.loads(lines[-1]))
            else:
                tail = (stderr.strip().splitlines() or ["?"])[-1][:200]
                out["skipped"].append(dict(batch=batch, reason="failed: " + tail,
                                           compile_s_so_far=time.monotonic() - start))
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            elapsed = time.monotonic() - start
            compiled = None
            try:
                with open(progress) as f:
                    compiled = json.load(f)["compile_s"]
            except Exception:  # noqa: BLE001 - still compiling when stopped
                pass
            reason = (f"compiled in {compiled:.0f} s, timing cut by the {total_s:.0f} s compile cap"
                      if compiled is not None else
                      f"still compiling when the {total_s:.0f} s compile cap was spent")
            out["skipped"].append(dict(batch=batch, reason=reason,
                                       compile_s_so_far=compiled if compiled is not None else elapsed))
        finally:
            if batch in pending:
                pending.remove(batch)
            if os.path.exists(progress):
                os.remove(progress)
        out.setdefault("wall_s", {})[str(batch)] = time.monotonic() - start
        save()
    save()


# ---- the table (anywhere: plain JSON in, markdown or JSON out) ------------------------------

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:  # noqa: BLE001
        return {}


def last_line(path):
    try:
        with open(path) as f:
            lines = [l.strip() for l in f if l.strip()]
        return lines[-1] if lines else ""
    except OSError:
        return ""


def ratio(torch_ms, ours_ms):
    return torch_ms / ours_ms if torch_ms and ours_ms else None


def compute(out_dir):
    """Everything the table says, as plain data."""
    ours, notes = {}, []
    for p in PRECISIONS:
        bench = load(os.path.join(out_dir, f"bench_{p}.json"))
        if not bench:
            why = last_line(os.path.join(out_dir, f"bench_{p}.err")) or "no bench_%s.json" % p
            notes.append(f"incept {p}: not measured: {why}")
            continue
        for r in bench.get("results", []):
            if r.get("variant") in ("optimized", "unoptimized") and r.get("io") in MODES:
                ours[(p, r["batch"], r["io"])] = r["latency_ms"]["p50"]
    torch_json = load(os.path.join(out_dir, "torch_precision.json"))
    compile_json = load(os.path.join(out_dir, "torch_compile.json"))
    if not torch_json:
        notes.append("PyTorch eager and CUDA graph: not measured (no torch_precision.json)")
    elif "error" in torch_json:
        notes.append(f"PyTorch: not measured: {torch_json['error']}")
    theirs = {}
    for r in torch_json.get("results", []) + compile_json.get("results", []):
        if "p50_ms" in r and r.get("mode") in MODES:
            theirs[(r["variant"], r["batch"], r["mode"])] = r["p50_ms"]
        elif "error" in r:
            notes.append(f"{r['variant']} batch {r['batch']} {r.get('mode', '')}: {r['error']}")
    for s in compile_json.get("skipped", []):
        notes.append(f"torch.compile batch {s['batch']} skipped: {s['reason']} "
                     f"(compile time so far {s.get('compile_s_so_far', 0):.0f} s)")
    compiled_s = {r["batch"]: r["compile_s"] for r in compile_json.get("results", [])
                  if "compile_s" in r}
    for b, s in sorted(compiled_s.items()):
        notes.append(f"torch.compile batch {b}: compiled in {s:.0f} s")
    if not compile_json:
        notes.append("torch.compile: not measured (no torch_compile.json)")

    batches = sorted({k[1] for k in ours} | {k[1] for k in theirs})
    rows = []
    for b in batches:
        for mode in MODES:
            cand = {v: theirs[(v, b, mode)] for v in TORCH_VARIANTS if (v, b, mode) in theirs}
            best_variant = min(cand, key=cand.get) if cand else None
            best = cand.get(best_variant)
            row = dict(batch=b, io=mode, torch={v: cand.get(v) for v in TORCH_VARIANTS},
                       torch_best_ms=best, torch_best_variant=best_variant,
                       ours={p: ours.get((p, b, mode)) for p in PRECISIONS})
            row["ratio"] = {p: ratio(best, ms) for p, ms in row["ours"].items()}
            if any(v is not None for v in row["ours"].values()) or best is not None:
                rows.append(row)

    def row_of(b, mode):
        return next((r for r in rows if r["batch"] == b and r["io"] == mode), None)

    gemm = torch_json.get("gemm_fp16_8192", {})
    gemm_tflops = gemm.get("tflops")
    targets = []

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    # batch 256, fp16, device to device.
    r = row_of(256, "device")
    ours256 = r["ours"]["fp16"] if r else None
    best256 = r["torch_best_ms"] if r else None
    t = dict(name="batch 256 fp16 device to device >= 1.3x PyTorch's best", target=TARGET_256_VS_TORCH)
    if ours256 is None or best256 is None:
        t.update(verdict="not measured", why="no incept fp16" if ours256 is None else "no PyTorch")
    else:
        t.update(value=best256 / ours256, verdict=verdict(best256 / ours256 >= TARGET_256_VS_TORCH))
    targets.append(t)
    t = dict(name="batch 256 fp16 device to device >= 20% of the cuBLAS fp16 GEMM",
             target=TARGET_256_GEMM_FRACTION)
    if ours256 is None or not gemm_tflops:
        t.update(verdict="not measured", why="no incept fp16" if ours256 is None else "no GEMM")
    else:
        achieved = 256 * GFLOP_PER_IMAGE / ours256  # GFLOP per ms = TFLOP/s
        t.update(value=achieved / gemm_tflops, achieved_tflops=achieved,
                 verdict=verdict(achieved / gemm_tflops >= TARGET_256_GEMM_FRACTION))
    targets.append(t)
    # batch 1, each mode: our fastest precision.
    for mode in MODES:
        r = row_of(1, mode)
        t = dict(name=f"batch 1 {mode} >= 2x PyTorch's best", target=TARGET_1_VS_TORCH)
        measured = {p: ms for p, ms in (r["ours"].items() if r else []) if ms is not None}
        if not measured or not r["torch_best_ms"]:
            t.update(verdict="not measured", why="no incept result" if not measured else "no PyTorch")
        else:
            p = min(measured, key=measured.get)
            value = r["torch_best_ms"] / measured[p]
            t.update(value=value, precision=p, verdict=verdict(value >= TARGET_1_VS_TORCH))
        targets.append(t)
    # fp16 below fp32, wherever both were measured.
    pairs = [(r["batch"], r["io"], r["ours"]["fp16"], r["ours"]["fp32"]) for r in rows
             if r["ours"]["fp16"] is not None and r["ours"]["fp32"] is not None]
    t = dict(name="fp16 below our fp32 (every batch and io mode measured)")
    if not pairs:
        t.update(verdict="not measured", why="no incept fp16 and fp32 pair")
    else:
        slower = [f"batch {b} {m}" for b, m, f16, f32 in pairs if not f16 < f32]
        t.update(verdict=verdict(not slower), measured=len(pairs), not_below=slower)
    targets.append(t)
    return dict(rows=rows, targets=targets, notes=notes, gemm_tflops=gemm_tflops,
                gflop_per_image=GFLOP_PER_IMAGE)


def ms_cell(ms, r=None):
    if ms is None:
        return ""
    return f"{ms:.3f}" + (f" ({r:.2f}x)" if r is not None else "")


def render(data):
    lines = ["", "### GoogLeNet: precisions x batch x io (p50 ms; in brackets: PyTorch's best "
             "p50 / ours p50, above 1x we are faster)", ""]
    lines.append("| batch | io | " + " | ".join(f"incept {p}" for p in PRECISIONS) + " | " +
                 " | ".join(SHORT[v] for v in TORCH_VARIANTS) + " | PyTorch's best |")
    lines.append("| --- " * (3 + len(PRECISIONS) + len(TORCH_VARIANTS)) + "|")
    for r in data["rows"]:
        cells = [str(r["batch"]), r["io"]]
        cells += [ms_cell(r["ours"][p], r["ratio"][p]) for p in PRECISIONS]
        cells += [ms_cell(r["torch"][v]) for v in TORCH_VARIANTS]
        best = r["torch_best_ms"]
        cells.append(f"{best:.3f} ({SHORT[r['torch_best_variant']]})" if best else "")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if data["gemm_tflops"]:
        lines.append(f"cuBLAS fp16 8192^3 GEMM: {data['gemm_tflops']:.1f} TFLOP/s; GoogLeNet "
                     f"{data['gflop_per_image']} GFLOP per image")
    lines += ["", "| target | value | verdict |", "| --- | --- | --- |"]
    for t in data["targets"]:
        if "value" not in t:
            value = ""
        elif "achieved_tflops" in t:
            value = f"{t['achieved_tflops']:.1f} TFLOP/s = {100 * t['value']:.1f}% (target >= 20%)"
        else:
            value = f"{t['value']:.2f}x (target >= {t['target']}x)" + (
                f", incept {t['precision']}" if "precision" in t else "")
        if "not_below" in t:
            value = (f"{t['measured'] - len(t['not_below'])} of {t['measured']} below"
                     + (f"; not at {', '.join(t['not_below'])}" if t["not_below"] else ""))
        verdict = t["verdict"] + (f" ({t['why']})" if "why" in t else "")
        lines.append(f"| {t['name']} | {value} | {verdict} |")
    if data["notes"]:
        lines.append("")
        lines += [f"- {n}" for n in data["notes"]]
    return "\n".join(lines) + "\n"


def table(out_dir, as_json):
    data = compute(out_dir)
    if as_json:
        data["rows"] = [dict(r) for r in data["rows"]]
        print(json.dumps(data, indent=2))
    else:
        sys.stdout.write(render(data))


def option(args, name, default):
    return args[args.index(name) + 1] if name in args else default


if __name__ == "__main__":
    argv = sys.argv[1:]
    if len(argv) >= 2 and argv[0] == "torch":
        torch_baselines(argv[1], [int(x) for x in option(argv, "--batches", "1,8,64,256").split(",")])
    elif len(argv) >= 2 and argv[0] == "compile":
        compile_baselines(argv[1], [int(x) for x in option(argv, "--batches", "1,256,8,64").split(",")],
                          float(option(argv, "--total-s", "45")))
    elif len(argv) == 3 and argv[0] == "compiled-one":
        compiled_one(int(argv[1]), argv[2])
    elif len(argv) >= 2 and argv[0] == "table":
        table(argv[1], "--json" in argv[2:])
    else:
        sys.exit(__doc__)
